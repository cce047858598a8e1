"""The event-trigger endpoint for CSAT/CES: anonymous, another firm, bad input, happy path, and
its first address still answering."""

import pytest
from django.urls import reverse

from feedback.api_keys import api_key_create
from listening.campaigns.models import Invitation
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _url(campaign) -> str:
    return reverse("api-campaign-trigger", args=[campaign.pk])


def test_anonymous_cannot_trigger(client, csat_campaign, contact):
    page = client.post(_url(csat_campaign), {"contact": contact.pk, "event": "m1"})
    assert page.status_code == 401
    assert not Invitation.objects.exists()


def test_another_firms_campaign_is_not_found(client, outsider, csat_campaign, contact):
    client.force_login(outsider.user)
    page = client.post(_url(csat_campaign), {"contact": contact.pk, "event": "m1"})
    assert page.status_code == 404


def test_bad_input_is_refused(client, admin_member, csat_campaign, contact, other_firm):
    client.force_login(admin_member.user)
    stranger = ContactFactory(client__firm=other_firm)
    assert client.post(_url(csat_campaign), {"contact": contact.pk}).status_code == 400
    assert client.post(_url(csat_campaign), {"contact": "x", "event": "e"}).status_code == 400
    page = client.post(_url(csat_campaign), {"contact": stranger.pk, "event": "e"})
    assert page.status_code == 400
    assert not Invitation.objects.exists()


def test_nps_campaigns_are_not_event_triggered(client, admin_member, nps_campaign, contact):
    client.force_login(admin_member.user)
    page = client.post(_url(nps_campaign), {"contact": contact.pk, "event": "e"})
    assert page.status_code == 400


def test_event_invites_once_and_governance_answers_with_a_reason(
    client, admin_member, csat_campaign, contact
):
    client.force_login(admin_member.user)

    # when a matter closes, the same event is retried, and another event follows at once
    first = client.post(_url(csat_campaign), {"contact": contact.pk, "event": "matter-42"})
    again = client.post(_url(csat_campaign), {"contact": contact.pk, "event": "matter-42"})
    other = client.post(_url(csat_campaign), {"contact": contact.pk, "event": "invoice-7"})

    # then one invitation; the retry returns it; the second event is skipped with its reason
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["invitation"] == first.json()["invitation"]
    assert other.status_code == 200 and other.json()["skipped_reason"] == "csat_too_soon"
    assert Invitation.objects.count() == 1


def test_read_only_key_cannot_trigger(client, firm, csat_campaign, contact):
    _, secret = api_key_create(firm=firm, name="BI", scopes=["read"])
    page = client.post(
        _url(csat_campaign),
        {"contact": contact.pk, "event": "m1"},
        HTTP_AUTHORIZATION=f"Api-Key {secret}",
    )
    assert page.status_code == 403
    assert not Invitation.objects.exists()


def test_the_first_address_still_triggers_and_is_marked_deprecated(
    client, admin_member, csat_campaign, contact
):
    # given an integration that still calls /campaigns/api/<pk>/trigger/
    client.force_login(admin_member.user)
    legacy = reverse("campaigns_members:trigger", args=[csat_campaign.pk])

    # when it triggers an event, then the same event through the new address
    first = client.post(legacy, {"contact": contact.pk, "event": "matter-42"})
    again = client.post(_url(csat_campaign), {"contact": contact.pk, "event": "matter-42"})

    # then both are one and the same endpoint, and the schema steers callers to the new one
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["invitation"] == first.json()["invitation"]
    paths = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = paths.json()["paths"]
    assert paths["/campaigns/api/{id}/trigger/"]["post"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/campaigns/{id}/trigger/"]["post"]
