"""The permission matrix of every API endpoint x persona (anonymous, a client contact signed in to
the portal, a signed-in user of no firm, account manager, analyst, admin, the other firm's admin):
zero cross-tenant reads or writes."""

import pytest
from django.urls import reverse

from feedback.models import AuditEvent
from listening.campaigns.models import Invitation
from tests.factories import FeedbackFactory, SourceFactory
from tests.feedback.conftest import browser_for, key_client, persona_browser

pytestmark = pytest.mark.django_db


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
    browser = persona_browser(request, persona)
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
@pytest.mark.parametrize(
    ("url_name", "data"),
    [("api-case-note", {"body": "Seen"}), ("api-case-action", {"action": "note", "body": "Seen"})],
)
def test_permission_matrix_for_case_actions(request, case, persona, expected, url_name, data):
    response = persona_browser(request, persona).post(
        reverse(url_name, args=[case.pk]), data, content_type="application/json"
    )
    assert response.status_code == expected
    notes = case.events.filter(kind="note").count()
    assert notes == (1 if expected == 200 else 0)


def test_teammate_not_managing_the_client_sees_nothing(case, teammate):
    browser = browser_for(teammate)
    assert browser.get(reverse("api-case-list")).json()["count"] == 0
    assert browser.get(reverse("api-case-detail", args=[case.pk])).status_code == 404


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
    response = persona_browser(request, persona).get(reverse("api-metrics"))
    assert response.status_code == expected
    if expected == 200:
        assert set(response.json()) == {"nps", "csat", "ces", "review_rating"}


def test_metrics_refuse_another_firms_client(client_of, outsider, account_manager):
    url = reverse("api-metrics") + f"?client={client_of.pk}"
    assert browser_for(outsider).get(url).status_code == 400
    assert browser_for(account_manager).get(url).status_code == 200
    assert browser_for(account_manager).get(reverse("api-metrics") + "?start=x").status_code == 400


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
    browser = persona_browser(request, persona)

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
def test_permission_matrix_for_topics(request, topic, persona, list_status, detail_status, sees):
    # given
    browser = persona_browser(request, persona)
    # when
    listing = browser.get(reverse("api-topic-list"))
    detail = browser.get(reverse("api-topic-detail", args=[topic.pk]))
    items = browser.get(reverse("api-topic-items", args=[topic.pk]))
    written = browser.post(reverse("api-topic-list"), {}, content_type="application/json")
    # then
    assert (listing.status_code, detail.status_code) == (list_status, detail_status)
    assert items.status_code == detail_status
    assert written.status_code in (401, 403, 405)
    if sees is not None:
        ids = {row["id"] for row in listing.json()["results"]}
        assert (topic.pk in ids) is sees


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("contact", 401),
        ("no_firm_user", 403),
        ("account_manager", 403),
        ("analyst", 403),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_permission_matrix_for_a_contacts_export_and_erasure(
    request, portal_contact, persona, expected
):
    # given a contact of the firm, with one comment
    FeedbackFactory(
        source=SourceFactory(firm=portal_contact.firm),
        contact=portal_contact,
        client=portal_contact.client,
        text="Carla's words",
    )
    browser = persona_browser(request, persona)

    # when they ask for the export, then erase with the right confirmation
    exported = browser.get(reverse("api-contact-export", args=[portal_contact.pk]))
    erased = browser.post(
        reverse("api-contact-erase", args=[portal_contact.pk]),
        {"confirm": "carla@globex.example"},
        content_type="application/json",
    )

    # then only the firm's admin gets the data and erases; everyone else changes nothing
    assert (exported.status_code, erased.status_code) == (expected, expected), persona
    if expected == 200:
        assert exported.json()["feedback"][0]["text"] == "Carla's words"
        assert erased.json()["erased"]["feedback"] == 1
    else:
        assert "Carla" not in exported.content.decode()
    portal_contact.refresh_from_db()
    assert (portal_contact.erased_at is not None) is (expected == 200)
    exports = AuditEvent.objects.filter(action="contact.exported").count()
    assert exports == (1 if expected == 200 else 0)


def test_an_api_key_can_neither_export_nor_erase_a_contact(portal_contact, api_key):
    browser = key_client(api_key[1])
    exported = browser.get(reverse("api-contact-export", args=[portal_contact.pk]))
    erased = browser.post(
        reverse("api-contact-erase", args=[portal_contact.pk]),
        {"confirm": portal_contact.email},
        content_type="application/json",
    )
    assert (exported.status_code, erased.status_code) == (403, 403)
    portal_contact.refresh_from_db()
    assert portal_contact.erased_at is None


def test_an_erasure_without_the_right_confirmation_is_a_400(admin_member, portal_contact):
    response = browser_for(admin_member).post(
        reverse("api-contact-erase", args=[portal_contact.pk]),
        {"confirm": "someone@else.example"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "confirm" in response.json()
    portal_contact.refresh_from_db()
    assert portal_contact.erased_at is None
