"""Campaign admin: firm-scoped lists, detail pages that render, the launch action and the
event-triggered survey action."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from listening.campaigns.models import (
    Campaign,
    Invitation,
    QuietPeriod,
    SkippedInvitation,
    SkipReason,
    SurveyKind,
)
from listening.campaigns.services.invitations import invitation_schedule
from tests.factories import ClientFactory, ContactFactory, EngagementFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_member):
    user = admin_member.user
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="campaigns"))
    return admin_member


def test_admin_lists_only_the_staff_members_firm(client, staff, other_firm, nps_campaign, contact):
    # given a campaign and an invitation in each firm
    invitation_schedule(campaign=nps_campaign, contact=contact, occasion="w")
    rival = Campaign.objects.create(firm=other_firm, name="Rival NPS", kind=SurveyKind.NPS)
    invitation_schedule(
        campaign=rival, contact=ContactFactory(client__firm=other_firm), occasion="w"
    )
    client.force_login(staff.user)

    # then the admin shows only the staff member's firm, and the pages render
    body = client.get("/admin/campaigns/campaign/").content.decode()
    assert "Relationship NPS" in body and "Rival NPS" not in body
    mine = Invitation.objects.get(firm=staff.firm)
    assert client.get(f"/admin/campaigns/invitation/{mine.pk}/change/").status_code == 200
    theirs = Invitation.objects.get(firm=other_firm)
    assert client.get(f"/admin/campaigns/invitation/{theirs.pk}/change/").status_code == 302


def test_admin_launch_action_obeys_governance(client, staff, nps_campaign, contact):
    client.force_login(staff.user)
    data = {"action": "launch_wave_now", "_selected_action": [nps_campaign.pk]}
    page = client.post("/admin/campaigns/campaign/", data, follow=True)
    assert page.status_code == 200 and b"1 invited" in page.content
    assert Invitation.objects.filter(contact=contact).count() == 1


def test_admin_adds_a_quiet_period_in_the_members_firm(client, staff, globex):
    client.force_login(staff.user)
    page = client.post(
        "/admin/campaigns/quietperiod/add/",
        {"client": globex.pk, "starts_on": "2025-01-01", "ends_on": "2025-01-31", "reason": "x"},
    )
    assert page.status_code == 302
    assert QuietPeriod.objects.get().firm == staff.firm


def _trigger(client, campaign, **fields):
    data = {"action": "trigger_for_contacts", "_selected_action": [campaign.pk], **fields}
    return client.post("/admin/campaigns/campaign/", data, follow=True)


def test_admin_trigger_form_offers_only_the_firms_contacts_and_touchpoints(
    client, staff, other_firm, csat_campaign, contact
):
    # given a contact and a touchpoint in each firm
    TouchpointFactory(firm=staff.firm, name="Matter closed", slug="matter-closed")
    TouchpointFactory(firm=other_firm, name="Rival billing", slug="rival-billing")
    ContactFactory(client__firm=other_firm, email="rival@other.example")
    client.force_login(staff.user)

    # when the action is chosen for the CSAT campaign
    page = _trigger(client, csat_campaign)

    # then the intermediate form lists only the member's firm's choices, and sends nothing
    body = page.content.decode()
    assert page.status_code == 200 and "Ask these contacts" in body
    assert "gina@globex.example" in body and "Matter closed" in body
    assert "rival@other.example" not in body and "Rival billing" not in body
    assert not Invitation.objects.exists()


def test_admin_trigger_invites_through_governance_and_reports_each_skip_reason(
    client, staff, firm, csat_campaign, contact, colleague, globex
):
    # given an opted-out contact and a colleague who had a CSAT a week ago
    touchpoint = TouchpointFactory(firm=firm, name="Invoice sent", slug="invoice-sent")
    gone = ContactFactory(client=globex, opted_out=True, email="gone@globex.example")
    invitation_schedule(
        campaign=csat_campaign,
        contact=colleague,
        occasion="event:earlier",
        scheduled_for=timezone.now() - timedelta(days=7),
    )
    client.force_login(staff.user)

    # when the admin asks all three after an invoice was sent
    page = _trigger(
        client,
        csat_campaign,
        apply="1",
        event="invoice 2025-104 sent",
        touchpoint=touchpoint.pk,
        contacts=[contact.pk, colleague.pk, gone.pk],
    )

    # then one is invited at the touchpoint, the two others skipped with their reasons
    body = page.content.decode()
    assert "1 invited, 0 already invited, 2 skipped" in body
    assert "Contact had a CSAT survey too recently: 1" in body
    assert "Contact opted out: 1" in body
    invited = Invitation.objects.get(contact=contact)
    assert (invited.occasion, invited.touchpoint) == ("event:invoice 2025-104 sent", touchpoint)
    reasons = dict(SkippedInvitation.objects.values_list("contact__email", "reason"))
    assert reasons == {
        "carl@globex.example": SkipReason.CSAT_TOO_SOON,
        "gone@globex.example": SkipReason.OPTED_OUT,
    }

    # and the same event again invites nobody twice
    again = _trigger(
        client, csat_campaign, apply="1", event="invoice 2025-104 sent", contacts=[contact.pk]
    )
    assert b"0 invited, 1 already invited, 0 skipped" in again.content
    assert Invitation.objects.filter(contact=contact).count() == 1


def test_admin_trigger_records_a_quiet_period_skip(client, staff, firm, csat_campaign, contact):
    # given the client is paused today
    today = timezone.localdate()
    QuietPeriod.objects.create(firm=firm, client=contact.client, starts_on=today, ends_on=today)
    client.force_login(staff.user)

    # when the admin triggers a survey for its contact
    page = _trigger(client, csat_campaign, apply="1", event="meeting 7", contacts=[contact.pk])

    # then nothing is created and the reason is reported and recorded
    assert b"Client is in a quiet period: 1" in page.content
    assert not Invitation.objects.exists()
    assert SkippedInvitation.objects.get().reason == SkipReason.QUIET_PERIOD


def test_admin_trigger_refuses_another_firms_contact(client, staff, other_firm, csat_campaign):
    # given a contact of another firm
    stranger = ContactFactory(client__firm=other_firm)
    client.force_login(staff.user)

    # when its id is posted to the form
    page = _trigger(client, csat_campaign, apply="1", event="e", contacts=[stranger.pk])

    # then the form refuses it and nothing is scheduled or recorded
    assert page.status_code == 200 and b"Select a valid choice" in page.content
    assert not Invitation.objects.exists() and not SkippedInvitation.objects.exists()


def test_admin_trigger_refuses_contacts_outside_the_engagements_client(
    client, staff, firm, csat_campaign, contact
):
    engagement = EngagementFactory(client=ClientFactory(firm=firm, name="Initech"))
    client.force_login(staff.user)
    page = _trigger(
        client,
        csat_campaign,
        apply="1",
        event="matter closed",
        engagement=engagement.pk,
        contacts=[contact.pk],
    )
    assert b"is not a contact of Initech" in page.content
    assert not Invitation.objects.exists()


def test_admin_trigger_needs_exactly_one_csat_or_ces_campaign(
    client, staff, nps_campaign, csat_campaign, contact
):
    client.force_login(staff.user)
    for selected in ([nps_campaign.pk], [nps_campaign.pk, csat_campaign.pk]):
        data = {"action": "trigger_for_contacts", "_selected_action": selected}
        page = client.post("/admin/campaigns/campaign/", data, follow=True)
        assert b"Select exactly one CSAT or CES campaign." in page.content
    assert not Invitation.objects.exists()


def test_admin_trigger_needs_change_permission(client, staff, csat_campaign, contact):
    # given a staff member who may only view campaigns
    staff.user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="campaigns", codename="view_campaign")
    )
    client.force_login(staff.user)

    # when they post the action anyway
    _trigger(client, csat_campaign, apply="1", event="e", contacts=[contact.pk])

    # then nothing is scheduled
    assert not Invitation.objects.exists()
