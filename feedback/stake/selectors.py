"""Reads of what is at stake, scoped to the clients the member may see (account managers:
their own clients; admins and analysts: the firm's)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from feedback.analysis import tags_of_current_analysis
from feedback.dashboards.health import FALLING, early_warnings
from feedback.metrics import answer_q
from feedback.models import (
    Analysis,
    Client,
    ClientFee,
    Feedback,
    Member,
    RuleKind,
    Sentiment,
    ThemeMention,
)
from feedback.selectors import client_list
from feedback.stake.churn import (
    DEFAULT_WINDOW,
    QuarterChurn,
    active_quarters,
    churn_by_quarter,
    quarter_add,
    quarter_of,
)

# The same thresholds as the health score's risk factors (feedback/dashboards/health.py).
DETRACTOR_SHARE = 0.3
NEGATIVE_PROMISE_SHARE = 0.5
NEGATIVE_PROMISE_MIN = 3
Money = dict[str, Decimal]  # currency -> amount


@dataclass
class ClientAtRisk:
    client: Client
    fees: Money
    reasons: list[str]


@dataclass
class RevenueAtRisk:
    clients: list[ClientAtRisk] = field(default_factory=list)
    at_risk: Money = field(default_factory=dict)
    total: Money = field(default_factory=dict)
    flagged_without_fees: int = 0


def fees_trailing_year(*, client_ids: list[int], today: date) -> dict[int, Money]:
    """Fees of fee periods that ended in the twelve months up to `today`, per client and
    currency (one grouped query)."""
    rows = (
        ClientFee.objects.filter(
            client_id__in=client_ids,
            period_end__gt=today - timedelta(days=365),
            period_end__lte=today,
        )
        .values("client_id", "currency")
        .annotate(total=Sum("amount"))
    )
    found: dict[int, Money] = defaultdict(dict)
    for r in rows:
        found[r["client_id"]][r["currency"]] = r["total"]
    return found


def _intent_counts(client_ids: list[int], now: datetime) -> dict[int, int]:
    intent = Subquery(
        Analysis.objects.filter(feedback_id=OuterRef("pk"), text_hash=OuterRef("text_hash"))
        .order_by("-created_at", "-pk")
        .values("intent_flag")[:1],
        output_field=BooleanField(),
    )
    rows = (
        Feedback.objects.filter(client_id__in=client_ids, received_at__gte=now - timedelta(days=90))
        .annotate(intent=intent)
        .filter(Q(intent=True) | Q(case__reasons__icontains=RuleKind.CHURN_TALK.value))
        .values("client_id")
        .annotate(n=Count("id", distinct=True))
    )
    return {r["client_id"]: r["n"] for r in rows}


def _detractors(client_ids: list[int], now: datetime) -> dict[int, tuple[int, int]]:
    rows = (
        Feedback.objects.filter(
            answer_q("nps"), client_id__in=client_ids, received_at__gte=now - timedelta(days=365)
        )
        .values("client_id")
        .annotate(n=Count("id"), detractors=Count("id", filter=Q(rating__lte=6)))
    )
    return {
        r["client_id"]: (r["detractors"], r["n"])
        for r in rows
        if r["n"] and r["detractors"] / r["n"] > DETRACTOR_SHARE
    }


def _negative_promises(client_ids: list[int], now: datetime) -> dict[int, list[str]]:
    rows = (
        tags_of_current_analysis(
            ThemeMention.objects.filter(
                feedback__client_id__in=client_ids, received_at__gte=now - timedelta(days=90)
            )
        )
        .values("feedback__client_id", "brand_promise__name")
        .annotate(n=Count("id"), neg=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)))
        .order_by("brand_promise__name")
    )
    found: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        if r["n"] >= NEGATIVE_PROMISE_MIN and r["neg"] / r["n"] >= NEGATIVE_PROMISE_SHARE:
            found[r["feedback__client_id"]].append(
                f"{r['brand_promise__name']} is negative ({r['neg']} of {r['n']} mentions "
                "in 90 days)"
            )
    return found


def risk_reasons(*, client_ids: list[int], now: datetime) -> dict[int, list[str]]:
    """Why each client is at risk (clients with no reason are left out): talk of leaving in
    90 days, a detractor share over 30% in a year, falling sentiment, a promise spoken of
    negatively in most of its mentions in 90 days. Five queries, whatever the number of clients."""
    found: dict[int, list[str]] = defaultdict(list)
    for client_id, n in _intent_counts(client_ids, now).items():
        found[client_id].append(f"Intent to leave: {n} comment{'s' if n > 1 else ''} in 90 days")
    for client_id, (detractors, n) in _detractors(client_ids, now).items():
        found[client_id].append(f"Detractors: {detractors} of {n} NPS answers in a year are 0-6")
    for client_id, warnings in early_warnings(client_ids=client_ids, now=now).items():
        if FALLING in warnings:
            found[client_id].append("Falling health: " + FALLING.lower())
    for client_id, promises in _negative_promises(client_ids, now).items():
        found[client_id].extend(f"At-risk promise: {p}" for p in promises)
    return dict(found)


def _add(total: Money, money: Money) -> None:
    for currency, amount in money.items():
        total[currency] = total.get(currency, Decimal(0)) + amount


def revenue_at_risk_get(*, clients: Iterable[Client], now: datetime | None = None) -> RevenueAtRisk:
    """Of `clients` (the caller's, already scoped), those with a reason to worry and fees in
    the last twelve months, largest first, with the total at risk against all their fees (per
    currency). Seven queries."""
    now = now or timezone.now()
    by_id = {c.pk: c for c in clients}
    fees = fees_trailing_year(client_ids=list(by_id), today=timezone.localdate(now))
    reasons = risk_reasons(client_ids=list(by_id), now=now)
    result = RevenueAtRisk()
    for money in fees.values():
        _add(result.total, money)
    for client_id, why in reasons.items():
        if not fees.get(client_id):
            result.flagged_without_fees += 1
            continue
        result.clients.append(ClientAtRisk(by_id[client_id], fees[client_id], why))
        _add(result.at_risk, fees[client_id])
    result.clients.sort(key=lambda c: (-sum(c.fees.values()), c.client.name))
    return result


def last_complete_quarter(today: date) -> tuple[int, int]:
    return quarter_add(quarter_of(today), -1)


def churn_get(
    *, member: Member, window: int = DEFAULT_WINDOW, today: date | None = None
) -> list[QuarterChurn]:
    """Retention and churn per quarter over the member's clients' fee history."""
    today = today or timezone.localdate()
    periods = ClientFee.objects.filter(
        client__in=client_list(member=member), amount__gt=0
    ).values_list("client_id", "period_start", "period_end")
    return churn_by_quarter(
        active_quarters(periods), last_complete=last_complete_quarter(today), window=window
    )
