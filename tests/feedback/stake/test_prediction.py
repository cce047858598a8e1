"""The health score's AUC against the churn that followed, on synthetic history: clients whose
feedback soured before they stopped paying give a high AUC; sentiment unrelated to churn gives
about 0.5."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from feedback.models import ClientFee, Feedback
from feedback.selectors import client_list
from feedback.stake.prediction import health_churn_auc
from feedback.stake.selectors import churn_get
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 7, 15)  # last complete quarter: 2025 Q2, the one whose churn is scored
Q2_START = datetime(2025, 4, 1, tzinfo=UTC)


def _history(
    firm, source, rng: random.Random, *, n: int, informative: bool, after: bool = False
) -> int:
    """n clients paying monthly fees from January; a third stop in April (churn in Q2). Each
    has three comments in March, their sentiment set by `informative`: churners sour, the
    others are content; or, uninformative, everybody's is drawn alike."""
    fees, comments, churners = [], [], 0
    for i in range(n):
        client = ClientFactory(firm=firm, name=f"Synthetic {i:03d}")
        churns = i % 3 == 0
        churners += churns
        for month in range(1, 4 if churns else 7):
            fees.append(
                ClientFee(
                    firm=firm,
                    client=client,
                    period_start=date(2025, month, 1),
                    period_end=date(2025, month, 28),
                    amount=Decimal(1000),
                    currency="GBP",
                )
            )
        centre = (-0.5 if churns else 0.4) if informative else 0.0
        for k in range(3):
            comments.append(
                Feedback(
                    firm=firm,
                    source=source,
                    channel=source.channel,
                    client=client,
                    external_id=f"syn-{i}-{k}",
                    text=f"comment {i} {k}",
                    text_hash=f"{i}-{k}",
                    sentiment_value=max(-1.0, min(1.0, rng.gauss(centre, 0.35))),
                    received_at=Q2_START
                    + (1 if after else -1) * timedelta(days=rng.randint(1, 28)),
                )
            )
    ClientFee.objects.bulk_create(fees)
    Feedback.objects.bulk_create(comments)
    return churners


def _auc(admin_member):
    rows = churn_get(member=admin_member, today=TODAY)
    clients = {c.pk: c for c in client_list(member=admin_member)}
    return rows, health_churn_auc(rows, clients=clients)


def test_health_that_falls_before_churn_gives_a_high_auc(firm, admin_member, api_source):
    # given
    churners = _history(firm, api_source, random.Random(1), n=60, informative=True)

    # when
    rows, auc = _auc(admin_member)

    # then Q2 is scored on every client that paid in Q1; Q1 has no quarter before it
    assert [r.label for r in rows] == ["2025 Q2"]
    assert (auc.sample_size, auc.churned, auc.quarters) == (60, churners, ["2025 Q2"])
    assert auc.auc is not None and auc.auc > 0.9


def test_health_unrelated_to_churn_gives_about_one_half(firm, admin_member, api_source):
    _history(firm, api_source, random.Random(2), n=150, informative=False)

    _, auc = _auc(admin_member)

    assert auc.sample_size == 150
    assert auc.auc is not None and abs(auc.auc - 0.5) < 0.15


def test_feedback_received_after_the_quarter_began_does_not_leak_into_its_scores(
    firm, admin_member, api_source
):
    # given churners that sour only after the quarter began (too late to foretell anything)
    _history(firm, api_source, random.Random(3), n=30, informative=True, after=True)

    _, auc = _auc(admin_member)

    # then everybody scored the same at the quarter's start: no better than chance
    assert (auc.sample_size, auc.auc) == (30, 0.5)


def test_without_any_churn_there_is_no_auc_but_the_sample_size_is_stated(firm, admin_member):
    client = ClientFactory(firm=firm)
    for month in (1, 4):
        ClientFee.objects.create(
            firm=firm,
            client=client,
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
            amount=Decimal(10),
            currency="GBP",
        )

    _, auc = _auc(admin_member)

    assert (auc.auc, auc.sample_size, auc.churned) == (None, 1, 0)
    assert "one client that churned" in auc.reason
