"""The permission matrix of every member page x persona, a guard that no member route is left out,
a client contact signed in to the portal getting nothing from member pages or the API, and staff
sessions that are no portal sign-in."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from feedback.models import (
    ApiKey,
    AuditEvent,
    Case,
    CaseEvent,
    Channel,
    Contact,
    Feedback,
    ReplyTemplate,
    SavedView,
    WebhookEndpoint,
)
from listening.campaigns.models import Invitation
from listening.models import CsvImport, TriageItem
from listening.services.mailboxes import imap_mailbox_set
from tests.factories import (
    ClientFactory,
    ContactFactory,
    EngagementFactory,
    FeedbackFactory,
    SourceFactory,
    TouchpointFactory,
)
from tests.feedback.conftest import PERSONAS, persona_browser, portal_browser
from tests.feedback.permission_matrix import PAGE_MATRIX, POST_MATRIX

pytestmark = pytest.mark.django_db


# Never shown to anybody outside the firm: the complaint, the client's name, the campaign.
SECRETS = ("Nobody answered my calls", "Globex Corp", "Matter close CSAT")
MEMBER_AREAS = (
    "review/",
    "dashboard/",
    "feedback/",
    "campaigns/",
    "listening/",
    "api/v1/",
    "settings/",
    "topics/",
    "api/v1/",
    "privacy/",
)


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
def member_urls(
    case,
    campaign,
    client_of,
    api_source,
    api_key,
    firm,
    promise,
    teammate,
    portal_contact,
    topic,
    admin_member,
) -> dict[str, str]:
    """The address of every member page and API endpoint, each on a real object of `firm`."""
    triage = TriageItem.objects.create(
        firm=firm,
        feedback=FeedbackFactory(source=api_source, text="Who sent this?"),
        sender="someone@unknown.example",
    )
    job = CsvImport.objects.create(firm=firm, source=api_source, file="csv-imports/old.csv")
    on_case = {"pk": case.pk}
    on_promise = {"pk": promise.pk}
    on_touchpoint = {"pk": TouchpointFactory(firm=firm).pk}
    on_teammate = {"pk": teammate.pk}
    on_endpoint = {"pk": WebhookEndpoint.objects.create(firm=firm, url="http://127.0.0.1:9/").pk}
    web_form = SourceFactory(firm=firm, channel=Channel.FORM, name="Website form")
    # A mailbox on a loopback port nobody listens on: "test connection" fails at once.
    mailbox = imap_mailbox_set(
        firm=firm, name="Inbox", host="127.0.0.1", port=9, username="u", password="p"
    ).source
    review = SourceFactory(
        firm=firm, channel=Channel.REVIEW, name="Reviews", config={"kind": "feed"}
    )
    on_campaign = {"pk": campaign.pk}
    template = ReplyTemplate.objects.create(firm=firm, name="Thanks", body="Thank you.")
    on_contact = {"pk": ContactFactory(client=client_of, email="dora@globex.example").pk}
    view = SavedView.objects.create(firm=firm, owner=admin_member, name="Calls", shared=True)
    names_and_kwargs = {
        "review:queue": {},
        "review:bulk": {},
        "review:export": {},
        "review:reply_templates": {},
        "review:reply_template_edit": {"pk": template.pk},
        "review:reply_template_delete": {"pk": template.pk},
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
        "items:detail": {"pk": case.feedback_id},
        "items:correct": {"pk": case.feedback_id},
        "items:quick_look": {},
        "items:explorer": {},
        "items:export": {},
        "items:view_save": {},
        "items:view_delete": {"pk": view.pk},
        "campaigns_members:audit_csv": {"pk": campaign.pk},
        "campaigns_members:client_skips": {"pk": client_of.pk},
        "campaigns_members:trigger": {"pk": campaign.pk},
        "listening:email_upload": {"source_id": api_source.pk},
        "listening:csv_import_new": {"source_id": api_source.pk},
        "listening:csv_import_detail": {"import_id": job.pk},
        "listening:triage": {},
        "listening:triage_assign": {"item_id": triage.pk},
        "listening_setup:sources": {},
        "listening_setup:web_form_new": {},
        "listening_setup:web_form": {"pk": web_form.pk},
        "listening_setup:mailbox_new": {},
        "listening_setup:mailbox": {"pk": mailbox.pk},
        "listening_setup:mailbox_test": {"pk": mailbox.pk},
        "listening_setup:review_new": {},
        "listening_setup:review": {"pk": review.pk},
        "listening_setup:source_pause": {"pk": web_form.pk},
        "listening_setup:campaigns": {},
        "listening_setup:policy": {},
        "listening_setup:campaign_new": {},
        "listening_setup:campaign": on_campaign,
        "listening_setup:campaign_preview": on_campaign,
        "listening_setup:email_preview": on_campaign,
        "listening_setup:answer_preview": on_campaign,
        "listening_setup:campaign_results": on_campaign,
        "listening_setup:campaign_status": on_campaign,
        "topics:list": {},
        "topics:refit": {},
        "topics:detail": {"pk": topic.pk},
        "topics:rename": {"pk": topic.pk},
        "topics:merge": {"pk": topic.pk},
        "topics:split": {"pk": topic.pk},
        "topics:promote": {"pk": topic.pk},
        "topics:dismiss": {"pk": topic.pk},
        "api-topic-list": {},
        "api-topic-detail": {"pk": topic.pk},
        "api-topic-items": {"pk": topic.pk},
        "api-feedback-list": {},
        "api-feedback-bulk": {},
        "api-feedback-detail": {"pk": case.feedback_id},
        "api-case-list": {},
        "api-case-detail": on_case,
        "api-case-action": on_case,
        "api-case-acknowledge": on_case,
        "api-case-note": on_case,
        "api-case-reply": on_case,
        "api-case-resolve": on_case,
        "api-case-reassign": on_case,
        "api-metrics": {},
        "api-campaign-list": {},
        "api-campaign-detail": {"pk": campaign.pk},
        "api-campaign-trigger": {"pk": campaign.pk},
        "workspace:index": {},
        "workspace:promises": {},
        "workspace:promise_new": {},
        "workspace:promise": on_promise,
        "workspace:promise_edit": on_promise,
        "workspace:promise_deactivate": on_promise,
        "workspace:promise_reanalyse": on_promise,
        "workspace:touchpoints": {},
        "workspace:touchpoint_new": {},
        "workspace:touchpoint_edit": on_touchpoint,
        "workspace:touchpoint_deactivate": on_touchpoint,
        "workspace:clients": {},
        "workspace:client_new": {},
        "workspace:client_edit": {"pk": client_of.pk},
        "workspace:contacts": {},
        "workspace:contact_new": {},
        "workspace:contact_edit": {"pk": portal_contact.pk},
        "workspace:engagements": {},
        "workspace:engagement_new": {},
        "workspace:engagement_edit": {"pk": EngagementFactory(client=client_of).pk},
        "workspace:import": {},
        "workspace:import_confirm": {},
        "workspace:import_template": {},
        "workspace:people_export": {},
        "workspace:members": {},
        "workspace:member_invite": {},
        "workspace:member_role": on_teammate,
        "workspace:member_resend": on_teammate,
        "workspace:member_deactivate": on_teammate,
        "workspace:member_two_factor_reset": on_teammate,
        "workspace:two_factor_policy": {},
        "two_factor:index": {},
        "two_factor:setup": {},
        "two_factor:setup_start": {},
        "two_factor:recovery_codes": {},
        "two_factor:disable": {},
        "workspace:channels": {},
        "workspace:branding": {},
        "workspace:channel_test": on_endpoint,
        "workspace:channel_disable": on_endpoint,
        "privacy:settings": {},
        "privacy:contact": on_contact,
        "privacy:contact_export": on_contact,
        "privacy:contact_erase": on_contact,
        "api-contact-export": on_contact,
        "api-contact-erase": on_contact,
        "stake:overview": {},
        "fees:import": {},
        "fees:import_confirm": {},
        "fees:template": {},
        "api-fee-import": {},
        "api-revenue-at-risk": {},
        "lens:overview": {},
        "lens:expectations": {"pk": client_of.pk},
        "expectations:import": {},
        "expectations:import_confirm": {},
        "expectations:template": {},
    }
    return {name: reverse(name, kwargs=kwargs) for name, kwargs in names_and_kwargs.items()}


def _body(response) -> str:
    """A page's body, also of a streamed one (the explorer's CSV export)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


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
    browser = portal_browser(portal_contact)
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
            body = _body(response)
            assert not any(secret in body for secret in SECRETS), (name, method)

    # and nothing was written, while their portal session is still good
    assert _writes() == before
    home = reverse("portal:home", kwargs={"firm_slug": portal_contact.firm.slug})
    assert browser.get(home).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_for_member_pages(request, member_urls, persona):
    # given
    browser = persona_browser(request, persona)
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
            assert not any(secret in _body(response) for secret in SECRETS), name
    for name, (form, statuses) in POST_MATRIX.items():
        data = {
            key: request.getfixturevalue(value).pk if key in ("owner", "cases", "into") else value
            for key, value in form.items()
        }
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
    browser = persona_browser(request, persona)
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
    browser = portal_browser(rival_contact)
    browser.force_login(outsider.user)
    slug = {"firm_slug": firm.slug}

    # when they open this firm's portal
    home = browser.get(reverse("portal:home", kwargs=slug))

    # then neither sign-in opens it, and Carla's history is not shown
    assert home.status_code == 302
    assert home["Location"] == reverse("portal:sign_in", kwargs=slug)
    own = browser.get(reverse("portal:home", kwargs={"firm_slug": outsider.firm.slug}))
    assert own.status_code == 200 and "Carla&#x27;s" not in own.content.decode()
