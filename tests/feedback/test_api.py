"""The REST API: keys, ingest, filters, query counts, schema, and the permission matrix of every
member page and API endpoint x persona (anonymous, a client contact signed in to the portal, a
signed-in user of no firm, account manager, analyst, admin, the other firm's admin)."""

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from feedback.api.keys import api_key_create, api_key_revoke
from feedback.models import ApiKey, AuditEvent, Case, CaseEvent, Contact, Feedback
from feedback.tasks import on_analysed
from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.models import CsvImport, TriageItem
from tests.factories import ClientFactory, ContactFactory, FeedbackFactory, SourceFactory
from tests.feedback.conftest import analyse, browser_for
from tests.listening.portal.conftest import magic_url

pytestmark = pytest.mark.django_db


def key_client(secret: str) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Api-Key {secret}")


@pytest.fixture
def case(complaint):
    analyse(complaint, negative=0.95, emotions={"anger": 0.8})
    (case_id,) = on_analysed([complaint.pk])
    return Case.objects.get(pk=case_id)


@pytest.fixture
def rival_feedback(other_firm):
    return FeedbackFactory(source=SourceFactory(firm=other_firm), text="Rival's secret.")


def test_api_keys_are_stored_hashed_and_can_be_revoked(firm, api_key, case):
    # given
    key, secret = api_key
    assert secret not in ApiKey.objects.values_list("hashed", flat=True)
    assert key_client(secret).get(reverse("api-case-list")).status_code == 200

    # when
    api_key_revoke(key=key)

    # then
    assert key_client(secret).get(reverse("api-case-list")).status_code == 401
    assert key_client(secret + "x").get(reverse("api-case-list")).status_code == 401


def test_read_only_key_cannot_write(firm, api_source):
    _, secret = api_key_create(firm=firm, name="BI", scopes=["read"])
    response = key_client(secret).post(
        reverse("api-feedback-list"),
        {"source": api_source.pk, "text": "Hello"},
        content_type="application/json",
    )
    assert response.status_code == 403


PERSONAS = [
    "anonymous",
    "contact",
    "no_firm_user",
    "account_manager",
    "analyst",
    "admin",
    "outsider",
]


@pytest.fixture
def portal_contact(client_of) -> Contact:
    """A contact of the account manager's client: a real person the firm knows."""
    return ContactFactory(client=client_of, name="Carla Client", email="carla@globex.example")


def _portal_browser(contact: Contact) -> HttpClient:
    """A browser signed in to the firm's client portal through the real magic-link flow."""
    browser = HttpClient()
    assert browser.post(magic_url(contact)).status_code == 303
    home = reverse("portal:home", kwargs={"firm_slug": contact.firm.slug})
    assert browser.get(home).status_code == 200
    return browser


def _browser(request, persona: str) -> HttpClient:
    if persona == "anonymous":
        return browser_for()
    if persona == "contact":
        return _portal_browser(request.getfixturevalue("portal_contact"))
    fixture = {"no_firm_user": "contact_user", "admin": "admin_member"}.get(persona, persona)
    return browser_for(request.getfixturevalue(fixture))


@pytest.mark.parametrize(
    ("persona", "list_status", "detail_status", "sees"),
    [
        ("anonymous", 401, 401, None),
        ("contact", 401, 401, None),
        ("no_firm_user", 403, 403, None),
        ("account_manager", 200, 200, True),
        ("analyst", 200, 200, True),
        ("admin", 200, 200, True),
        ("outsider", 200, 404, False),
    ],
)
def test_permission_matrix_for_reads(
    request, case, rival_feedback, persona, list_status, detail_status, sees
):
    browser = _browser(request, persona)
    urls = {
        "feedback": (
            reverse("api-feedback-list"),
            reverse("api-feedback-detail", args=[case.feedback_id]),
        ),
        "cases": (reverse("api-case-list"), reverse("api-case-detail", args=[case.pk])),
    }
    for list_url, detail_url in urls.values():
        listing = browser.get(list_url)
        assert listing.status_code == list_status, (persona, list_url)
        if sees is not None:
            ids = {row["id"] for row in listing.json()["results"]}
            ours = case.feedback_id if "feedback" in list_url else case.pk
            assert (ours in ids) is sees, (persona, list_url)
            if "feedback" in list_url:
                # Each firm sees its own items only.
                assert (rival_feedback.pk in ids) is (not sees)
        assert browser.get(detail_url).status_code == detail_status, (persona, detail_url)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("contact", 401),
        ("no_firm_user", 403),
        ("account_manager", 200),
        ("analyst", 403),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_permission_matrix_for_case_actions(request, case, persona, expected):
    response = _browser(request, persona).post(
        reverse("api-case-action", args=[case.pk]),
        {"action": "note", "body": "Seen"},
        content_type="application/json",
    )
    assert response.status_code == expected
    notes = case.events.filter(kind="note").count()
    assert notes == (1 if expected == 200 else 0)


def test_teammate_not_managing_the_client_sees_nothing(case, teammate):
    browser = browser_for(teammate)
    assert browser.get(reverse("api-case-list")).json()["count"] == 0
    assert browser.get(reverse("api-case-detail", args=[case.pk])).status_code == 404


def test_case_action_bad_input_is_400(case, account_manager):
    browser = browser_for(account_manager)
    url = reverse("api-case-action", args=[case.pk])
    for data in [{"action": "dance"}, {"action": "resolve", "outcome": "x"}, {"action": "note"}]:
        assert browser.post(url, data, content_type="application/json").status_code == 400


def test_resolve_via_api_key(case, api_key):
    _, secret = api_key
    response = key_client(secret).post(
        reverse("api-case-action", args=[case.pk]),
        {"action": "resolve", "outcome": "addressed", "body": "Done"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"


def test_ingest_single_is_idempotent_and_scoped(api_key, api_source, other_firm):
    # given
    _, secret = api_key
    url = reverse("api-feedback-list")
    body = {"source": api_source.pk, "text": "Great <b>work</b>", "external_id": "crm-1"}

    # when
    first = key_client(secret).post(url, body, content_type="application/json")
    again = key_client(secret).post(url, body, content_type="application/json")
    foreign = key_client(secret).post(
        url,
        {"source": SourceFactory(firm=other_firm).pk, "text": "x"},
        content_type="application/json",
    )
    empty = key_client(secret).post(
        url, {"source": api_source.pk, "text": "   "}, content_type="application/json"
    )

    # then
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Feedback.objects.get().text == "Great work"
    assert (foreign.status_code, empty.status_code) == (400, 400)


def test_bulk_ingest_is_all_or_nothing(api_key, api_source, firm):
    _, secret = api_key
    url = reverse("api-feedback-bulk")
    good = [{"source": api_source.pk, "text": f"Item {i}", "external_id": str(i)} for i in range(3)]
    bad = key_client(secret).post(
        url,
        {"items": [*good, {"source": api_source.pk, "text": ""}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert not Feedback.objects.exists()
    ok = key_client(secret).post(url, {"items": good}, content_type="application/json")
    assert ok.status_code == 200
    assert [r["created"] for r in ok.json()["results"]] == [True, True, True]


def test_feedback_filters_and_search(admin_member, api_source, client_of):
    FeedbackFactory(source=api_source, client=client_of, text="Invoices were wrong")
    FeedbackFactory(source=api_source, text="Lovely people")
    browser = browser_for(admin_member)
    url = reverse("api-feedback-list")
    assert browser.get(url + "?q=invoice").json()["count"] == 1
    assert browser.get(url + f"?client={client_of.pk}").json()["count"] == 1
    assert browser.get(url + "?sentiment=bogus").status_code == 400


def test_list_endpoints_pin_their_query_counts(
    django_assert_num_queries, admin_member, api_source, firm, promise
):
    # given: 20 analysed items on 5 clients, each with a case
    for i in range(20):
        client = (
            ClientFactory(firm=firm, name=f"C{i % 5}") if i < 5 else Feedback.objects.first().client
        )
        item = FeedbackFactory(source=api_source, client=client, text=f"Bad {i}. Really bad.")
        analyse(
            item,
            negative=0.9,
            emotions={"anger": 0.9},
            themes=[(promise, "negative", 0.5, ["Really bad."])],
        )
        on_analysed([item.pk])
    browser = browser_for(admin_member)
    browser.get(reverse("api-case-list"))  # warm the session

    # when / then: session + user + member, count, rows (+ prefetches), whatever the size
    with django_assert_num_queries(7):
        assert browser.get(reverse("api-feedback-list")).json()["count"] == 20
    with django_assert_num_queries(5):
        assert browser.get(reverse("api-case-list")).json()["count"] == 20


def test_schema_and_docs_are_served(admin_member):
    schema = browser_for().get(
        reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/feedback/" in paths and "/api/v1/cases/{id}/actions/" in paths
    assert "/api/v1/campaigns/{id}/" in paths and "/api/v1/campaigns/{id}/trigger/" in paths
    docs = browser_for().get(reverse("api-docs"))
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("contact", 401),
        ("no_firm_user", 403),
        ("account_manager", 200),
        ("analyst", 200),
        ("admin", 200),
        ("outsider", 200),
    ],
)
def test_metrics_permission_matrix(request, client_of, api_source, persona, expected):
    FeedbackFactory(
        source=api_source, client=client_of, rating=3, rating_scale=10, raw={"survey_kind": "nps"}
    )
    response = _browser(request, persona).get(reverse("api-metrics"))
    assert response.status_code == expected
    if expected == 200:
        assert set(response.json()) == {"nps", "csat", "ces", "review_rating"}


def test_metrics_refuse_another_firms_client(client_of, outsider, account_manager):
    url = reverse("api-metrics") + f"?client={client_of.pk}"
    assert browser_for(outsider).get(url).status_code == 400
    assert browser_for(account_manager).get(url).status_code == 200
    assert browser_for(account_manager).get(reverse("api-metrics") + "?start=x").status_code == 400


def test_admin_creates_uses_and_revokes_a_key_in_the_ui(admin_member, account_manager, outsider):
    # given
    url = reverse("review:api_keys")
    admin = browser_for(admin_member)
    assert browser_for().get(url).status_code == 302
    assert browser_for(account_manager).get(url).status_code == 403

    # when
    bad = admin.post(url, {"name": "CRM", "scopes": ["admin"]})
    created = admin.post(url, {"name": "CRM", "scopes": ["read"]})

    # then
    assert bad.status_code == 400
    secret = created.context["secret"]
    assert secret.startswith("ek_") and secret in created.content.decode()
    assert key_client(secret).get(reverse("api-case-list")).status_code == 200
    key = ApiKey.objects.get()
    revoke = reverse("review:api_key_revoke", args=[key.pk])
    assert browser_for(outsider).post(revoke).status_code == 404
    assert admin.post(revoke).status_code == 302
    assert key_client(secret).get(reverse("api-case-list")).status_code == 401


@pytest.fixture
def campaign(firm) -> Campaign:
    return Campaign.objects.create(firm=firm, name="Matter close CSAT", kind=SurveyKind.CSAT)


@pytest.fixture
def rival_campaign(other_firm) -> Campaign:
    return Campaign.objects.create(firm=other_firm, name="Rival NPS", kind=SurveyKind.NPS)


@pytest.mark.parametrize(
    ("persona", "list_status", "detail_status", "trigger_status"),
    [
        ("anonymous", 401, 401, 401),
        ("contact", 401, 401, 401),
        ("no_firm_user", 403, 403, 403),
        # A campaign's figures span every client, so account managers do not read campaigns;
        # they may ask a contact of a client they manage.
        ("account_manager", 403, 403, 201),
        ("analyst", 200, 200, 201),
        ("admin", 200, 200, 201),
        ("outsider", 200, 404, 404),
    ],
)
def test_permission_matrix_for_campaigns(
    request,
    campaign,
    rival_campaign,
    portal_contact,
    persona,
    list_status,
    detail_status,
    trigger_status,
):
    # given
    browser = _browser(request, persona)

    # when
    listing = browser.get(reverse("api-campaign-list"))
    detail = browser.get(reverse("api-campaign-detail", args=[campaign.pk]))
    trigger = browser.post(
        reverse("api-campaign-trigger", args=[campaign.pk]),
        {"contact": portal_contact.pk, "event": "matter-1"},
        content_type="application/json",
    )

    # then
    assert (listing.status_code, detail.status_code) == (list_status, detail_status)
    if list_status == 200:
        ids = {row["id"] for row in listing.json()["results"]}
        assert ids == ({rival_campaign.pk} if persona == "outsider" else {campaign.pk})
    assert trigger.status_code == trigger_status
    invited = Invitation.objects.filter(campaign=campaign).count()
    assert invited == (1 if trigger_status == 201 else 0)


def test_account_manager_triggers_only_for_their_clients(
    campaign, account_manager, teammate, portal_contact
):
    # given a contact of a client that account_manager manages and teammate does not
    url = reverse("api-campaign-trigger", args=[campaign.pk])
    body = {"contact": portal_contact.pk, "event": "matter-1"}

    # when each of them triggers the event
    refused = browser_for(teammate).post(url, body, content_type="application/json")
    invited = browser_for(account_manager).post(url, body, content_type="application/json")

    # then only the client's own account manager asks the contact
    assert refused.status_code == 400 and "contact" in refused.json()
    assert invited.status_code == 201
    assert Invitation.objects.get().contact == portal_contact


# Never shown to anybody outside the firm: the complaint, the client's name, the campaign.
SECRETS = ("Nobody answered my calls", "Globex Corp", "Matter close CSAT")
MEMBER_AREAS = ("review/", "dashboard/", "campaigns/", "listening/", "api/v1/")


def _is_member_route(route: str) -> bool:
    return route.startswith(MEMBER_AREAS) and not route.startswith("listening/inbound/")


def _member_route_names() -> set[str]:
    """Every named route of the member pages and the REST API, from the URL configuration
    (provider inbound webhooks under listening/inbound/ are not member routes)."""
    found: set[str] = set()

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and _is_member_route(route):
                found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return found


@pytest.fixture
def member_urls(case, campaign, client_of, api_source, api_key, firm) -> dict[str, str]:
    """The address of every member page and API endpoint, each on a real object of `firm`."""
    triage = TriageItem.objects.create(
        firm=firm,
        feedback=FeedbackFactory(source=api_source, text="Who sent this?"),
        sender="someone@unknown.example",
    )
    job = CsvImport.objects.create(firm=firm, source=api_source, file="csv-imports/old.csv")
    on_case = {"pk": case.pk}
    names_and_kwargs = {
        "review:queue": {},
        "review:rules": {},
        "review:api_keys": {},
        "review:api_key_revoke": {"pk": api_key[0].pk},
        "review:case": on_case,
        "review:acknowledge": on_case,
        "review:reassign": on_case,
        "review:note": on_case,
        "review:reply": on_case,
        "review:resolve": on_case,
        "review:correct": on_case,
        "dashboards:overview": {},
        "dashboards:export": {"chart": "sentiment"},
        "dashboards:client": {"pk": client_of.pk},
        "campaigns_members:audit_csv": {"pk": campaign.pk},
        "campaigns_members:client_skips": {"pk": client_of.pk},
        "campaigns_members:trigger": {"pk": campaign.pk},
        "listening:email_upload": {"source_id": api_source.pk},
        "listening:csv_import_new": {"source_id": api_source.pk},
        "listening:csv_import_detail": {"import_id": job.pk},
        "listening:triage": {},
        "listening:triage_assign": {"item_id": triage.pk},
        "api-feedback-list": {},
        "api-feedback-bulk": {},
        "api-feedback-detail": {"pk": case.feedback_id},
        "api-case-list": {},
        "api-case-detail": on_case,
        "api-case-action": on_case,
        "api-metrics": {},
        "api-campaign-list": {},
        "api-campaign-detail": {"pk": campaign.pk},
        "api-campaign-trigger": {"pk": campaign.pk},
    }
    return {name: reverse(name, kwargs=kwargs) for name, kwargs in names_and_kwargs.items()}


def _is_api(name: str) -> bool:
    return name.startswith("api-") or name == "campaigns_members:trigger"


def test_every_member_route_is_in_the_matrix(member_urls):
    # A new page or endpoint fails here until it is added to the matrix.
    assert _member_route_names() == set(member_urls)


def _writes() -> tuple:
    return (
        Feedback.objects.count(),
        CaseEvent.objects.count(),
        Case.objects.filter(status="open").count(),
        Invitation.objects.count(),
        ApiKey.objects.filter(revoked_at__isnull=True).count(),
        TriageItem.objects.filter(resolved_at__isnull=True).count(),
        CsvImport.objects.count(),
        Contact.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_client_contact_signed_in_to_the_portal_gets_nothing_from_member_pages_or_the_api(
    portal_contact, member_urls
):
    # given a contact signed in to the firm's portal through the real magic link
    browser = _portal_browser(portal_contact)
    before = _writes()
    login = reverse("login")

    # when they open, and post to, every member page and API endpoint
    for name, url in member_urls.items():
        for method in ("get", "post"):
            response = getattr(browser, method)(url)

            # then the API says "not authenticated" and pages send them to the staff sign-in
            # (or refuse the method), never with any of the firm's data
            if _is_api(name):
                assert response.status_code == 401, (name, method)
            elif response.status_code == 405:
                assert method == "get", name
            else:
                assert response.status_code == 302, (name, method)
                assert response["Location"].startswith(login), name
            body = response.content.decode()
            assert not any(secret in body for secret in SECRETS), (name, method)

    # and nothing was written, while their portal session is still good
    assert _writes() == before
    home = reverse("portal:home", kwargs={"firm_slug": portal_contact.firm.slug})
    assert browser.get(home).status_code == 200


# GET of every member page that has one. 302: sent to the staff sign-in page; 403: signed in
# but not allowed; 404: another firm's object, or hidden from this role.
PAGE_MATRIX = {
    # page: (anonymous, contact, no_firm_user, account_manager, analyst, admin, outsider)
    "review:queue": (302, 302, 403, 200, 200, 200, 200),
    "review:rules": (302, 302, 403, 200, 200, 200, 200),
    "review:api_keys": (302, 302, 403, 403, 403, 200, 200),
    "review:case": (302, 302, 403, 200, 200, 200, 404),
    "dashboards:overview": (302, 302, 403, 200, 200, 200, 200),
    "dashboards:export": (302, 302, 403, 200, 200, 200, 200),
    "dashboards:client": (302, 302, 403, 200, 200, 200, 404),
    "campaigns_members:audit_csv": (302, 302, 404, 404, 200, 200, 404),
    "campaigns_members:client_skips": (302, 302, 404, 200, 200, 200, 404),
    "listening:email_upload": (302, 302, 403, 403, 200, 200, 404),
    "listening:csv_import_new": (302, 302, 403, 403, 200, 200, 404),
    "listening:csv_import_detail": (302, 302, 403, 403, 200, 200, 404),
    "listening:triage": (302, 302, 403, 403, 200, 200, 200),
}
# POST of the pages that only take POSTs, in this order (resolve last: it closes the case).
POST_MATRIX = {
    "review:acknowledge": ({}, (302, 302, 403, 302, 403, 302, 404)),
    "review:note": ({"body": "Seen"}, (302, 302, 403, 302, 403, 302, 404)),
    "review:reply": ({"body": "Sorry"}, (302, 302, 403, 302, 403, 302, 404)),
    "review:correct": ({}, (302, 302, 403, 400, 403, 400, 404)),
    "review:reassign": ({"owner": "teammate"}, (302, 302, 403, 302, 403, 302, 404)),
    "review:resolve": ({"outcome": "addressed"}, (302, 302, 403, 302, 403, 302, 404)),
    "review:api_key_revoke": ({}, (302, 302, 403, 403, 403, 302, 404)),
    "listening:triage_assign": ({}, (302, 302, 403, 403, 400, 400, 404)),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_for_member_pages(request, member_urls, persona):
    # given
    browser = _browser(request, persona)
    column = PERSONAS.index(persona)
    assert set(PAGE_MATRIX) | set(POST_MATRIX) | {n for n in member_urls if _is_api(n)} == set(
        member_urls
    )

    # when / then
    for name, statuses in PAGE_MATRIX.items():
        response = browser.get(member_urls[name])
        assert response.status_code == statuses[column], (persona, name)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), (persona, name)
        if persona not in ("account_manager", "analyst", "admin"):
            assert not any(secret in response.content.decode() for secret in SECRETS), name
    for name, (data, statuses) in POST_MATRIX.items():
        if "owner" in data:
            data = {"owner": request.getfixturevalue(data["owner"]).pk}
        response = browser.post(member_urls[name], data)
        assert response.status_code == statuses[column], (persona, name)
        if persona in ("anonymous", "contact"):
            assert response["Location"].startswith(reverse("login")), (persona, name)


@pytest.mark.parametrize("persona", ["no_firm_user", "account_manager", "analyst", "admin"])
def test_a_staff_session_is_no_portal_sign_in(request, firm, portal_contact, api_source, persona):
    # given a contact's own comment, shown only in their portal history
    FeedbackFactory(
        source=api_source,
        contact=portal_contact,
        client=portal_contact.client,
        text="Carla's note to the firm",
    )
    browser = _browser(request, persona)
    slug = {"firm_slug": firm.slug}

    # when a signed-in member of staff opens the firm's portal, or posts to it
    home = browser.get(reverse("portal:home", kwargs=slug))
    post = browser.post(reverse("portal:comment_create", kwargs=slug), {"text": "As Carla"})

    # then they are a stranger there: sent to the contacts' sign-in, and nothing is saved
    assert home.status_code == 302
    assert home["Location"] == reverse("portal:sign_in", kwargs=slug)
    assert post.status_code == 403
    assert Feedback.objects.filter(contact=portal_contact).count() == 1


def test_another_firms_admin_signed_in_to_their_own_portal_too_gets_nothing_here(
    firm, outsider, portal_contact, api_source
):
    # given the other firm's admin, also signed in as a contact of their own firm's portal
    FeedbackFactory(
        source=api_source, contact=portal_contact, client=portal_contact.client, text="Carla's"
    )
    rival_contact = ContactFactory(
        client=ClientFactory(firm=outsider.firm), email=portal_contact.email
    )
    browser = _portal_browser(rival_contact)
    browser.force_login(outsider.user)
    slug = {"firm_slug": firm.slug}

    # when they open this firm's portal
    home = browser.get(reverse("portal:home", kwargs=slug))

    # then neither sign-in opens it, and Carla's history is not shown
    assert home.status_code == 302
    assert home["Location"] == reverse("portal:sign_in", kwargs=slug)
    own = browser.get(reverse("portal:home", kwargs={"firm_slug": outsider.firm.slug}))
    assert own.status_code == 200 and "Carla&#x27;s" not in own.content.decode()
