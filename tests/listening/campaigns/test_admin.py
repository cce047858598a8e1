"""Campaign admin: firm-scoped lists, detail pages that render, and the launch action."""

import pytest
from django.contrib.auth.models import Permission

from listening.campaigns.models import Campaign, Invitation, QuietPeriod, SurveyKind
from listening.campaigns.services.invitations import invitation_schedule
from tests.factories import ContactFactory

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
