"""Governance under real concurrency: many threads, each with its own PostgreSQL connection,
scheduling the same client organisation at the same moment."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from listening.campaigns.models import (
    Campaign,
    Invitation,
    QuietPeriod,
    SkippedInvitation,
    SkipReason,
    SurveyKind,
    SurveyPolicy,
)
from listening.campaigns.services.invitations import invitation_schedule, skip_retry
from tests.factories import ClientFactory, ContactFactory, FirmFactory

THREADS = 20
T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def _race(calls) -> list[BaseException]:
    """Run the callables at once (released together by a barrier); return their errors."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.fixture
def setting(transactional_db):
    firm = FirmFactory(name="Race & Co", slug="race")
    client = ClientFactory(firm=firm, name="Contended Ltd")
    contacts = [ContactFactory(client=client) for _ in range(THREADS)]
    campaigns = [
        Campaign.objects.create(firm=firm, name=f"Wave {i}", kind=SurveyKind.NPS)
        for i in range(THREADS)
    ]
    return firm, client, contacts, campaigns


def test_twenty_schedulers_never_give_a_client_more_than_two_nps_waves_a_year(setting):
    # given a firm allowing 2 waves a year with no minimum gap, so only the yearly cap protects
    firm, client, contacts, campaigns = setting
    SurveyPolicy.objects.create(firm=firm, nps_max_per_year=2, nps_min_gap_days=0)

    # when 20 different waves, spread over one year, try the same client at the same instant
    calls = [
        lambda i=i: invitation_schedule(
            campaign=campaigns[i],
            contact=contacts[i],
            occasion="wave",
            scheduled_for=T0 + timedelta(days=i * 15),
        )
        for i in range(THREADS)
    ]
    errors = _race(calls)

    # then exactly two waves exist and the 18 others are recorded as skipped
    assert errors == []
    assert Invitation.objects.filter(client=client, kind=SurveyKind.NPS).count() == 2
    assert SkippedInvitation.objects.filter(client=client).count() == THREADS - 2
    assert set(SkippedInvitation.objects.values_list("reason", flat=True)) == {
        SkipReason.NPS_YEARLY_LIMIT
    }


def test_twenty_schedulers_with_the_default_gap_give_one_wave(setting):
    # given the default policy (2 a year, 150 days apart)
    _, client, contacts, campaigns = setting

    # when 20 waves try the same client for the same day, at once
    errors = _race(
        [
            lambda i=i: invitation_schedule(
                campaign=campaigns[i], contact=contacts[i], occasion="wave", scheduled_for=T0
            )
            for i in range(THREADS)
        ]
    )

    # then one wave got through
    assert errors == []
    assert Invitation.objects.filter(client=client).count() == 1
    assert SkippedInvitation.objects.filter(client=client).count() == THREADS - 1


def test_twenty_retries_of_the_same_invitation_create_one_row(setting):
    # given one wave for one contact
    _, client, contacts, campaigns = setting

    # when 20 retries schedule it at once
    errors = _race(
        [
            lambda: invitation_schedule(
                campaign=campaigns[0], contact=contacts[0], occasion="wave", scheduled_for=T0
            )
            for _ in range(THREADS)
        ]
    )

    # then there is one invitation and no skip
    assert errors == []
    assert Invitation.objects.filter(client=client).count() == 1
    assert not SkippedInvitation.objects.exists()


def test_twenty_runs_retrying_deferred_waves_at_once_give_one_wave(setting):
    # given 20 waves deferred by a quiet period for the same client, all due again now
    firm, client, contacts, campaigns = setting
    QuietPeriod.objects.create(firm=firm, client=client, starts_on=T0.date(), ends_on=T0.date())
    for i in range(THREADS):
        invitation_schedule(
            campaign=campaigns[i], contact=contacts[i], occasion="wave", scheduled_for=T0
        )
    skips = list(SkippedInvitation.objects.values_list("pk", flat=True))
    later = T0 + timedelta(days=1)
    assert len(skips) == THREADS and all(
        s.retry_after == later for s in SkippedInvitation.objects.all()
    )

    # when 20 retry runs, each over every due skip in its own order, race
    errors = _race(
        [
            lambda i=i: [skip_retry(skip_id=pk, now=later) for pk in skips[i:] + skips[:i]]
            for i in range(THREADS)
        ]
    )

    # then the client got one wave; every other skip now says why, with no further retry
    assert errors == []
    assert Invitation.objects.filter(client=client).count() == 1
    assert SkippedInvitation.objects.filter(client=client).count() == THREADS - 1
    assert not SkippedInvitation.objects.filter(retry_after__isnull=False).exists()
    assert set(SkippedInvitation.objects.values_list("reason", flat=True)) == {
        SkipReason.NPS_MIN_GAP
    }
