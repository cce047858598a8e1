"""A client's health score (0-100) with the factors behind it, and early warnings.

Transparent by design: the score is 70 plus or minus named contributions, so a partner can see
why a client is at risk rather than trust an opaque number."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Avg, BooleanField, Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from feedback.analysis import tags_of_current_analysis
from feedback.metrics import answer_q
from feedback.models import (
    Analysis,
    Case,
    CaseStatus,
    Client,
    Feedback,
    RuleKind,
    Sentiment,
    ThemeMention,
)

BASELINE = 70.0
FALLING = "Sentiment is falling."
QUIET = "A usually active client has gone quiet."


def quiet_check(n: int, first: datetime | None, last: datetime | None, now: datetime) -> str:
    """Why a client counts as gone quiet ("" if not): at least 4 items in the last year and
    silent for over 3 usual gaps (mean gap over the year), and at least 14 days."""
    if n < 4 or first is None or last is None:
        return ""
    usual = (last - first).total_seconds() / 86400 / (n - 1)
    silent = (now - last).total_seconds() / 86400
    if silent > max(3 * usual, 14):
        return f"{silent:.0f} days since last heard; usually every {usual:.0f} days"
    return ""


def early_warnings(*, client_ids: list[int], now: datetime | None = None) -> dict[int, list[str]]:
    """The same warnings as client_health, for many clients in one grouped query."""
    now = now or timezone.now()
    rows = (
        Feedback.objects.filter(
            client_id__in=client_ids,
            received_at__gte=now - timedelta(days=365),
            received_at__lte=now,
        )
        .values("client_id")
        .annotate(
            n=Count("id"),
            first=Min("received_at"),
            last=Max("received_at"),
            recent=Avg("sentiment_value", filter=Q(received_at__gte=now - timedelta(days=30))),
            before=Avg(
                "sentiment_value",
                filter=Q(
                    received_at__gte=now - timedelta(days=90),
                    received_at__lt=now - timedelta(days=30),
                ),
            ),
        )
    )
    found: dict[int, list[str]] = {}
    for r in rows:
        warnings = []
        if r["recent"] is not None and r["before"] is not None and r["recent"] - r["before"] < -0.2:
            warnings.append(FALLING)
        if quiet_check(r["n"], r["first"], r["last"], now):
            warnings.append(QUIET)
        if warnings:
            found[r["client_id"]] = warnings
    return found


@dataclass
class Health:
    score: int
    factors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _factor(factors: list[dict], name: str, points: float, detail: str) -> None:
    factors.append({"factor": name, "points": round(points, 1), "detail": detail})


def _intent_to_leave(client: Client, since: datetime, now: datetime) -> int:
    """Items from `since` to `now` that talk of leaving: the current analysis's intent flag, or
    a case opened by the "talk of leaving" rule (its phrases: "moving our work", ...)."""
    intent = Subquery(
        Analysis.objects.filter(feedback_id=OuterRef("pk"), text_hash=OuterRef("text_hash"))
        .order_by("-created_at", "-pk")
        .values("intent_flag")[:1],
        output_field=BooleanField(),
    )
    return (
        Feedback.objects.filter(client=client, received_at__gte=since, received_at__lte=now)
        .annotate(intent=intent)
        .filter(Q(intent=True) | Q(case__reasons__icontains=RuleKind.CHURN_TALK.value))
        .count()
    )


def _promise_negatives(client: Client, now: datetime) -> tuple[dict, dict]:
    """Negative share of promise mentions (current analyses), last 30 days and the 60 before."""
    mentions = tags_of_current_analysis(
        ThemeMention.objects.filter(
            feedback__client=client,
            received_at__gte=now - timedelta(days=90),
            received_at__lte=now,
        )
    )
    negative = Q(sentiment=Sentiment.NEGATIVE)
    recent = Q(received_at__gte=now - timedelta(days=30))
    return (
        mentions.aggregate(n=Count("id", filter=recent), neg=Count("id", filter=recent & negative)),
        mentions.aggregate(
            n=Count("id", filter=~recent), neg=Count("id", filter=~recent & negative)
        ),
    )


def _risk_factors(factors: list[dict], client: Client, now: datetime) -> None:
    """What a reader sees on the client page and must see in the score: talk of leaving, a
    high detractor share, promises spoken of more negatively than before."""
    leaving = _intent_to_leave(client, now - timedelta(days=90), now)
    if leaving:
        detail = f"{leaving} comment{'s' if leaving > 1 else ''} in 90 days talk of leaving"
        _factor(factors, "Intent to leave", -min(15 * leaving, 40), detail)
    nps = Feedback.objects.filter(
        answer_q("nps"),
        client=client,
        received_at__gte=now - timedelta(days=365),
        received_at__lte=now,
    ).aggregate(n=Count("id"), detractors=Count("id", filter=Q(rating__lte=6)))
    if nps["n"] and nps["detractors"] / nps["n"] > 0.3:
        share = nps["detractors"] / nps["n"]
        _factor(
            factors,
            "Detractor share",
            -20 * share,
            f"{nps['detractors']} of {nps['n']} NPS answers in a year are 0-6",
        )
    recent, before = _promise_negatives(client, now)
    if recent["n"] >= 2 and before["n"] >= 2:
        change = recent["neg"] / recent["n"] - before["neg"] / before["n"]
        if change > 0.2:
            _factor(
                factors,
                "Promise trend",
                -20 * change,
                f"negative promise mentions rose from {before['neg']}/{before['n']} "
                f"to {recent['neg']}/{recent['n']} (last 30 days)",
            )


def client_health(*, client: Client, now: datetime | None = None) -> Health:
    """Score a client from its last 90 days (a year for NPS and silence). Eight queries, all
    on (client, received_at). Every point it adds or takes is a named factor. With a past
    `now` only what had been received by then counts (the churn AUC scores clients as they
    stood), except cases, which count as they are."""
    now = now or timezone.now()
    items = Feedback.objects.filter(client=client, received_at__lte=now)
    recent = items.filter(received_at__gte=now - timedelta(days=30)).aggregate(
        avg=Avg("sentiment_value"), n=Count("id")
    )
    before = items.filter(
        received_at__gte=now - timedelta(days=90), received_at__lt=now - timedelta(days=30)
    ).aggregate(avg=Avg("sentiment_value"), n=Count("id"))
    nps = items.filter(answer_q("nps")).order_by("-received_at").first()
    cases = (
        Case.objects.filter(client=client)
        .exclude(status=CaseStatus.RESOLVED)
        .aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    )
    year = items.filter(received_at__gte=now - timedelta(days=365)).aggregate(
        n=Count("id"), first=Min("received_at"), last=Max("received_at")
    )
    factors: list[dict] = []
    warnings: list[str] = []
    if recent["avg"] is not None:
        _factor(
            factors,
            "Sentiment, last 30 days",
            20 * recent["avg"],
            f"mean {recent['avg']:+.2f} over {recent['n']} items",
        )
    if recent["avg"] is not None and before["avg"] is not None:
        change = recent["avg"] - before["avg"]
        if change < -0.2:
            _factor(
                factors,
                "Sentiment trend",
                25 * change,
                f"fell by {-change:.2f} against the 60 days before",
            )
            warnings.append(FALLING)
    if nps is not None and nps.rating is not None:
        points = 10 if nps.rating >= 9 else (-10 if nps.rating <= 6 else 0)
        _factor(
            factors, "Latest NPS answer", points, f"{nps.rating}/10 on {nps.received_at:%Y-%m-%d}"
        )
    if cases["open"]:
        _factor(factors, "Open cases", -min(5 * cases["open"], 25), f"{cases['open']} open")
    if cases["overdue"]:
        _factor(
            factors, "Overdue cases", -min(5 * cases["overdue"], 15), f"{cases['overdue']} overdue"
        )
    _risk_factors(factors, client, now)
    quiet = quiet_check(year["n"], year["first"], year["last"], now)
    if quiet:
        _factor(factors, "Gone quiet", -10, quiet)
        warnings.append(QUIET)
    score = BASELINE + sum(f["points"] for f in factors)
    return Health(score=int(max(0, min(100, round(score)))), factors=factors, warnings=warnings)
