"""Quiet periods: what happens to surveys that fall while a client is paused. Nothing is
dropped silently: every skip is recorded with its reason and shown on the client page, and a
relationship NPS wave is asked again, under the same rules, once the pause is over."""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from listening.campaigns import tasks
from listening.campaigns.models import (
    Campaign,
    Invitation,
    QuietPeriod,
    SkippedInvitation,
    SkipReason,
    SurveyKind,
)
from listening.campaigns.services import launch
from listening.campaigns.services.invitations import invitation_schedule, skip_retry
from listening.campaigns.services.optout import contact_opt_out
from listening.campaigns.services.sending import invitations_send_due

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 09:00 in London on 3 March 2025 (GMT); the clocks go forward on 30 March.
WAVE = datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)
# 09:00 in London on 1 April 2025 is 08:00 UTC (BST).
AFTER_MARCH = datetime(2025, 4, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def london(firm):
    firm.timezone = "Europe/London"
    firm.save()
    return firm


def _pause_march(firm, client):
    return QuietPeriod.objects.create(
        firm=firm, client=client, starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31)
    )


def test_invitation_due_in_a_quiet_period_set_after_scheduling_is_cancelled_and_shown(
    client, admin_member, london, nps_campaign, contact
):
    # given an invitation scheduled before the client was paused
    invitation = invitation_schedule(
        campaign=nps_campaign, contact=contact, occasion="w", scheduled_for=WAVE
    ).invitation
    _pause_march(london, contact.client)

    # when the sender reaches it inside the quiet period
    report = invitations_send_due(now=WAVE + timedelta(minutes=1))

    # then no email goes out; the invitation is cancelled and the skip recorded with its reason
    assert report.cancelled == 1 and mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    skip = SkippedInvitation.objects.get()
    assert (skip.reason, skip.invitation) == (SkipReason.QUIET_PERIOD, invitation)

    # and the client page shows it, with the period
    client.force_login(admin_member.user)
    page = client.get(reverse("campaigns_members:client_skips", args=[contact.client.pk]))
    assert b"Client is in a quiet period" in page.content
    assert b"Quiet from 2025-03-01 to 2025-03-31." in page.content


def test_nps_wave_in_a_quiet_period_is_deferred_to_the_day_after_at_the_same_local_time(
    client, admin_member, london, nps_campaign, contact, colleague
):
    # given the client is paused for March
    _pause_march(london, contact.client)

    # when the wave is launched at 09:00 GMT on 3 March
    report = launch.campaign_launch(campaign=nps_campaign, scheduled_for=WAVE)

    # then both contacts are skipped for the quiet period, to be asked again at 09:00 BST on
    # 1 April (08:00 UTC: the clocks changed in between)
    assert report.skipped == {SkipReason.QUIET_PERIOD: 2}
    skips = SkippedInvitation.objects.all()
    assert {s.retry_after for s in skips} == {AFTER_MARCH}
    assert not Invitation.objects.exists()

    # and the client page says so
    client.force_login(admin_member.user)
    page = client.get(reverse("campaigns_members:client_skips", args=[contact.client.pk]))
    assert b"2025-04-01 08:00, under the same rules" in page.content


def test_deferred_nps_wave_is_invited_once_the_quiet_period_is_over(
    london, nps_campaign, contact, colleague
):
    # given a wave deferred by a March quiet period
    _pause_march(london, contact.client)
    launch.campaign_launch(campaign=nps_campaign, scheduled_for=WAVE)

    # when the retry runs just before the end of the period, then nothing happens yet
    assert launch.skips_retry_due(now=AFTER_MARCH - timedelta(minutes=1)).invited == 0

    # when it runs once the period is over (twice: a second run changes nothing)
    first = launch.skips_retry_due(now=AFTER_MARCH)
    second = launch.skips_retry_due(now=AFTER_MARCH + timedelta(minutes=15))

    # then both contacts are invited in the same wave, now, and the skips are gone
    assert (first.invited, second.invited) == (2, 0)
    invitations = Invitation.objects.all()
    assert {(i.occasion, i.scheduled_for) for i in invitations} == {
        ("wave:2025-03-03", AFTER_MARCH)
    }
    assert not SkippedInvitation.objects.exists()

    # and the sender sends them
    assert invitations_send_due(now=AFTER_MARCH).sent == 2


def test_deferred_wave_is_deferred_again_when_the_quiet_period_is_extended(
    london, nps_campaign, contact
):
    # given a deferred wave whose quiet period is then extended to mid-April
    quiet = _pause_march(london, contact.client)
    launch.campaign_launch(campaign=nps_campaign, scheduled_for=WAVE)
    QuietPeriod.objects.filter(pk=quiet.pk).update(ends_on=date(2025, 4, 15))

    # when the retry runs on 1 April
    report = launch.skips_retry_due(now=AFTER_MARCH)

    # then it is skipped again, to be retried on 16 April at 09:00 London time
    assert report.skipped == {SkipReason.QUIET_PERIOD: 1}
    skip = SkippedInvitation.objects.get()
    assert skip.retry_after == datetime(2025, 4, 16, 9, 0, tzinfo=LONDON)
    assert skip.wanted_at == AFTER_MARCH
    assert not Invitation.objects.exists()


def test_deferred_wave_obeys_the_rules_as_they_stand_when_retried(
    firm, london, nps_campaign, contact, colleague
):
    # given a deferred wave, and one of the two contacts opted out meanwhile
    _pause_march(london, contact.client)
    launch.campaign_launch(campaign=nps_campaign, scheduled_for=WAVE)
    contact_opt_out(contact=contact)

    # when the retry runs after the quiet period
    report = launch.skips_retry_due(now=AFTER_MARCH)

    # then the opted-out contact is not asked (recorded, no further retry); the other is
    assert (report.invited, report.skipped) == (1, {SkipReason.OPTED_OUT: 1})
    skip = SkippedInvitation.objects.get()
    assert (skip.contact, skip.reason, skip.retry_after) == (contact, SkipReason.OPTED_OUT, None)
    assert Invitation.objects.get().contact == colleague


def test_deferred_wave_too_close_to_another_wave_is_refused_when_retried(
    firm, london, nps_campaign, contact
):
    # given a wave on 20 February, and a second campaign's wave deferred by the March pause
    earlier = Campaign.objects.create(firm=firm, name="Winter NPS", kind=SurveyKind.NPS)
    invitation_schedule(
        campaign=earlier, contact=contact, occasion="w", scheduled_for=WAVE - timedelta(days=11)
    )
    _pause_march(london, contact.client)
    launch.campaign_launch(campaign=nps_campaign, scheduled_for=WAVE)
    assert SkippedInvitation.objects.get().reason == SkipReason.QUIET_PERIOD

    # when the retry runs after the quiet period
    report = launch.skips_retry_due(now=AFTER_MARCH)

    # then the NPS gap refuses it, and that refusal is final
    assert report.skipped == {SkipReason.NPS_MIN_GAP: 1}
    skip = SkippedInvitation.objects.get()
    assert (skip.reason, skip.retry_after) == (SkipReason.NPS_MIN_GAP, None)
    assert Invitation.objects.filter(campaign=nps_campaign).count() == 0


def test_csat_in_a_quiet_period_is_skipped_for_good(london, csat_campaign, contact):
    # given a paused client
    _pause_march(london, contact.client)

    # when a matter closes during the pause
    result = launch.survey_trigger(
        campaign=csat_campaign, contact=contact, event="matter-1", scheduled_for=WAVE
    )

    # then the CSAT is skipped with its reason and not asked weeks later
    assert result.skip.reason == SkipReason.QUIET_PERIOD
    assert result.skip.retry_after is None
    assert launch.skips_retry_due(now=AFTER_MARCH + timedelta(days=1)).invited == 0


def test_retry_of_a_missing_or_not_yet_due_skip_is_a_no_op(london, nps_campaign, contact):
    _pause_march(london, contact.client)
    launch.campaign_launch(campaign=nps_campaign, scheduled_for=WAVE)
    skip = SkippedInvitation.objects.get()
    assert skip_retry(skip_id=987654, now=AFTER_MARCH) is None
    assert skip_retry(skip_id=skip.pk, now=WAVE) is None
    skip.refresh_from_db()
    assert skip.retry_after == AFTER_MARCH


def test_retry_task_twice_invites_once(firm, nps_campaign, contact):
    # given a deferred wave whose retry time has passed
    today = timezone.localdate()
    QuietPeriod.objects.create(firm=firm, client=contact.client, starts_on=today, ends_on=today)
    launch.campaign_launch(campaign=nps_campaign)
    SkippedInvitation.objects.update(retry_after=timezone.now() - timedelta(minutes=1))
    QuietPeriod.objects.all().delete()

    # when the periodic task runs twice (arguments as they come back from JSON)
    first = tasks.retry_deferred_invitations(*json.loads(json.dumps([500])))
    second = tasks.retry_deferred_invitations()

    # then the contact was invited once
    assert (first["invited"], second["invited"]) == (1, 0)
    assert Invitation.objects.get().contact == contact
    assert not SkippedInvitation.objects.exists()
