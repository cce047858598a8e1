"""Contact governance, rule by rule (the concurrency proof is in test_concurrency.py)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from listening.campaigns.models import (
    Campaign,
    Invitation,
    QuietPeriod,
    SkippedInvitation,
    SkipReason,
    SurveyKind,
    SurveyPolicy,
)
from listening.campaigns.services.invitations import invitation_schedule
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)


def _nps(firm, name):
    return Campaign.objects.create(firm=firm, name=name, kind=SurveyKind.NPS)


def test_nps_invitation_is_refused_when_client_had_two_this_year(firm, contact, colleague):
    # given two NPS waves for the client, 160 days apart
    spring, autumn, extra = _nps(firm, "Spring"), _nps(firm, "Autumn"), _nps(firm, "Extra")
    assert invitation_schedule(campaign=spring, contact=contact, occasion="w1", scheduled_for=T0)
    second = invitation_schedule(
        campaign=autumn, contact=colleague, occasion="w2", scheduled_for=T0 + timedelta(days=160)
    )
    assert second.created

    # when a third wave is wanted 320 days after the first (inside the rolling year)
    third = invitation_schedule(
        campaign=extra, contact=contact, occasion="w3", scheduled_for=T0 + timedelta(days=320)
    )

    # then it is skipped, with the reason recorded for the client page
    assert third.invitation is None
    assert third.skip.reason == SkipReason.NPS_YEARLY_LIMIT
    assert SkippedInvitation.objects.get(client=contact.client).reason == "nps_yearly_limit"


def test_nps_wave_is_allowed_again_once_the_first_leaves_the_rolling_year(firm, contact):
    # given two waves 160 days apart
    a, b, c = _nps(firm, "A"), _nps(firm, "B"), _nps(firm, "C")
    invitation_schedule(campaign=a, contact=contact, occasion="w", scheduled_for=T0)
    invitation_schedule(
        campaign=b, contact=contact, occasion="w", scheduled_for=T0 + timedelta(days=160)
    )

    # when a third comes 365 days after the first
    result = invitation_schedule(
        campaign=c, contact=contact, occasion="w", scheduled_for=T0 + timedelta(days=365)
    )

    # then it is allowed
    assert result.created


def test_contacts_of_the_same_client_in_one_wave_are_one_nps_wave(firm, contact, colleague):
    # given one wave reaching one contact of the client
    wave = _nps(firm, "Wave")
    invitation_schedule(campaign=wave, contact=contact, occasion="2025-H1", scheduled_for=T0)

    # when the same wave reaches a colleague at the same client
    result = invitation_schedule(
        campaign=wave, contact=colleague, occasion="2025-H1", scheduled_for=T0
    )

    # then both are invited
    assert result.created
    assert Invitation.objects.filter(client=contact.client).count() == 2


def test_nps_wave_within_the_minimum_gap_is_skipped(firm, contact):
    # given a wave on T0 and the default 150-day gap
    first, second = _nps(firm, "First"), _nps(firm, "Second")
    invitation_schedule(campaign=first, contact=contact, occasion="w", scheduled_for=T0)

    # when another wave is wanted 149 days later
    result = invitation_schedule(
        campaign=second, contact=contact, occasion="w", scheduled_for=T0 + timedelta(days=149)
    )

    # then it is skipped for the gap
    assert result.skip.reason == SkipReason.NPS_MIN_GAP


def test_firm_may_allow_only_one_nps_wave_a_year(firm, contact):
    # given a firm that allows one NPS wave a year
    SurveyPolicy.objects.create(firm=firm, nps_max_per_year=1)
    first, second = _nps(firm, "First"), _nps(firm, "Second")
    invitation_schedule(campaign=first, contact=contact, occasion="w", scheduled_for=T0)

    # when a second wave is wanted 200 days later
    result = invitation_schedule(
        campaign=second, contact=contact, occasion="w", scheduled_for=T0 + timedelta(days=200)
    )

    # then it is skipped
    assert result.skip.reason == SkipReason.NPS_YEARLY_LIMIT


def test_nobody_can_set_three_nps_waves_a_year(firm):
    # when a policy asks for three waves a year
    # then the database refuses it
    with pytest.raises(IntegrityError):
        SurveyPolicy.objects.create(firm=firm, nps_max_per_year=3)


def test_scheduling_the_same_occasion_twice_is_a_no_op(firm, contact, nps_campaign):
    # given an invitation
    first = invitation_schedule(
        campaign=nps_campaign, contact=contact, occasion="w", scheduled_for=T0
    )

    # when it is scheduled again (a retry, a second scheduler)
    again = invitation_schedule(
        campaign=nps_campaign, contact=contact, occasion="w", scheduled_for=T0
    )

    # then the same row comes back and nothing is added
    assert again.invitation == first.invitation and not again.created
    assert Invitation.objects.count() == 1 and SkippedInvitation.objects.count() == 0


def test_csat_is_asked_at_most_once_per_contact_in_fourteen_days(csat_campaign, contact):
    # given a CSAT invitation
    invitation_schedule(campaign=csat_campaign, contact=contact, occasion="e1", scheduled_for=T0)

    # when the contact triggers another 13 days later, and another 14 days later
    soon = invitation_schedule(
        campaign=csat_campaign, contact=contact, occasion="e2", scheduled_for=T0 + timedelta(13)
    )
    later = invitation_schedule(
        campaign=csat_campaign, contact=contact, occasion="e3", scheduled_for=T0 + timedelta(14)
    )

    # then the first is skipped and the second allowed
    assert soon.skip.reason == SkipReason.CSAT_TOO_SOON
    assert later.created


def test_csat_for_another_contact_of_the_client_is_not_throttled(csat_campaign, contact, colleague):
    invitation_schedule(campaign=csat_campaign, contact=contact, occasion="e1", scheduled_for=T0)
    result = invitation_schedule(
        campaign=csat_campaign, contact=colleague, occasion="e1", scheduled_for=T0
    )
    assert result.created


def test_csat_is_not_sent_within_seven_days_of_an_nps_invitation(
    nps_campaign, csat_campaign, contact, colleague
):
    # given an NPS invitation to one contact of the client
    invitation_schedule(campaign=nps_campaign, contact=contact, occasion="w", scheduled_for=T0)

    # when a colleague is due a CSAT 6 days later, and another 7 days later
    near = invitation_schedule(
        campaign=csat_campaign, contact=colleague, occasion="e", scheduled_for=T0 + timedelta(6)
    )
    clear = invitation_schedule(
        campaign=csat_campaign, contact=colleague, occasion="f", scheduled_for=T0 + timedelta(7)
    )

    # then the near one is skipped, the other allowed
    assert near.skip.reason == SkipReason.CSAT_NEAR_NPS
    assert clear.created


def test_quiet_period_skips_every_kind_of_survey(
    firm, nps_campaign, csat_campaign, review_campaign, contact
):
    # given the client is paused for January
    QuietPeriod.objects.create(
        firm=firm, client=contact.client, starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 31)
    )

    # when each campaign wants the contact inside the quiet period
    results = [
        invitation_schedule(campaign=c, contact=contact, occasion="x", scheduled_for=T0)
        for c in (nps_campaign, csat_campaign, review_campaign)
    ]

    # then nothing is created and every skip says why
    assert Invitation.objects.count() == 0
    assert [r.skip.reason for r in results] == [SkipReason.QUIET_PERIOD] * 3


def test_opted_out_contact_is_never_invited(nps_campaign, globex):
    # given an opted-out contact
    gone = ContactFactory(client=globex, opted_out=True)

    # when a wave reaches them
    result = invitation_schedule(campaign=nps_campaign, contact=gone, occasion="w")

    # then they are skipped, with the reason
    assert result.skip.reason == SkipReason.OPTED_OUT
    assert not Invitation.objects.exists()


def test_contact_of_another_firm_is_refused(nps_campaign, other_firm):
    stranger = ContactFactory(client__firm=other_firm)
    with pytest.raises(ValidationError):
        invitation_schedule(campaign=nps_campaign, contact=stranger, occasion="w")


def test_csat_gap_counts_calendar_days_across_a_dst_change(firm, csat_campaign, contact):
    # given a London firm whose contact had a CSAT at 09:00 on 20 March (GMT)
    firm.timezone = "Europe/London"
    firm.save()
    london = ZoneInfo("Europe/London")
    invitation_schedule(
        campaign=csat_campaign,
        contact=contact,
        occasion="e1",
        scheduled_for=datetime(2025, 3, 20, 9, 0, tzinfo=london),
    )

    # when the next is at 09:00 on 3 April (BST): 14 calendar days, 13 d 23 h of clock time
    result = invitation_schedule(
        campaign=csat_campaign,
        contact=contact,
        occasion="e2",
        scheduled_for=datetime(2025, 4, 3, 9, 0, tzinfo=london),
    )

    # then it is allowed: the rule is about the firm's calendar
    assert result.created


def test_quiet_period_dates_are_read_in_the_firms_time_zone(firm, nps_campaign, contact):
    # given a Sydney firm that paused the client until 31 March (inclusive, Sydney dates)
    firm.timezone = "Australia/Sydney"
    firm.save()
    QuietPeriod.objects.create(
        firm=firm, client=contact.client, starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31)
    )

    # when a wave is wanted at 14:00 UTC on 31 March (already 1 April 01:00 in Sydney)
    result = invitation_schedule(
        campaign=nps_campaign,
        contact=contact,
        occasion="w",
        scheduled_for=datetime(2025, 3, 31, 14, 0, tzinfo=UTC),
    )

    # then it is outside the quiet period
    assert result.created


def test_cancelled_or_failed_invitations_do_not_count_as_a_wave(firm, contact):
    # given a wave whose only invitation failed to send, and one that was cancelled
    failed, cancelled, retry = _nps(firm, "Failed"), _nps(firm, "Cancelled"), _nps(firm, "Retry")
    a = invitation_schedule(campaign=failed, contact=contact, occasion="w", scheduled_for=T0)
    Invitation.objects.filter(pk=a.invitation.pk).update(status=Invitation.Status.FAILED)
    b = invitation_schedule(
        campaign=cancelled, contact=contact, occasion="w", scheduled_for=T0 + timedelta(days=1)
    )
    Invitation.objects.filter(pk=b.invitation.pk).update(status=Invitation.Status.CANCELLED)

    # when a new wave is wanted a week later
    result = invitation_schedule(
        campaign=retry, contact=contact, occasion="w", scheduled_for=T0 + timedelta(days=7)
    )

    # then it is allowed: the client was never surveyed
    assert result.created
