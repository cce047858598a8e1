"""A client's health score (0-100) with the factors behind it, and early warnings.

Transparent by design: the score is 70 plus or minus named contributions, so a partner can see
why a client is at risk rather than trust an opaque number."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone

from feedback.models import Case, CaseStatus, Client, Feedback

BASELINE = 70.0


@dataclass
class Health:
    score: int
    factors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _factor(factors: list[dict], name: str, points: float, detail: str) -> None:
    factors.append({"factor": name, "points": round(points, 1), "detail": detail})


def client_health(*, client: Client, now: datetime | None = None) -> Health:
    """Score a client from its last 90 days. Four queries, all on (client, received_at)."""
    now = now or timezone.now()
    items = Feedback.objects.filter(client=client)
    recent = items.filter(received_at__gte=now - timedelta(days=30)).aggregate(
        avg=Avg("sentiment_value"), n=Count("id")
    )
    before = items.filter(
        received_at__gte=now - timedelta(days=90), received_at__lt=now - timedelta(days=30)
    ).aggregate(avg=Avg("sentiment_value"), n=Count("id"))
    nps = items.filter(rating_scale=10, rating__isnull=False).order_by("-received_at").first()
    cases = (
        Case.objects.filter(client=client)
        .exclude(status=CaseStatus.RESOLVED)
        .aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    )
    dates = list(
        items.filter(received_at__gte=now - timedelta(days=365))
        .order_by("-received_at")
        .values_list("received_at", flat=True)[:50]
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
            warnings.append("Sentiment is falling.")
    if nps is not None:
        points = 10 if nps.rating >= 9 else (-10 if nps.rating <= 6 else 0)
        _factor(
            factors, "Latest NPS answer", points, f"{nps.rating}/10 on {nps.received_at:%Y-%m-%d}"
        )
    if cases["open"]:
        _factor(factors, "Open cases", -min(5 * cases["open"], 20), f"{cases['open']} open")
    if cases["overdue"]:
        _factor(factors, "Overdue cases", -10, f"{cases['overdue']} overdue")
    if len(dates) >= 4:
        gaps = [(a - b).total_seconds() / 86400 for a, b in zip(dates, dates[1:], strict=False)]
        usual = statistics.median(gaps)
        silent = (now - dates[0]).total_seconds() / 86400
        if silent > max(3 * usual, 14):
            _factor(
                factors,
                "Gone quiet",
                -10,
                f"{silent:.0f} days since last heard; usually every {usual:.0f} days",
            )
            warnings.append("A usually active client has gone quiet.")
    score = BASELINE + sum(f["points"] for f in factors)
    return Health(score=int(max(0, min(100, round(score)))), factors=factors, warnings=warnings)
