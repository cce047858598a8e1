"""Survey metrics: NPS, CSAT %, CES, response rate and the genuine review rating.

Selectors, always scoped to one firm, optionally narrowed by client, touchpoint, client
segment, period and survey campaign. Each returns a `Summary` with its sample size and a 95%
margin of error, because a score without its n is not a finding.

Scores are read from survey Feedback (every survey answer becomes one Feedback row through
`feedback_ingest`, upserted per invitation, so re-submissions never double count). Which rows
count as which kind of answer is decided once, by `answer_q`, for this module, the dashboards,
their rollups and the API alike: the kind is `raw["survey_kind"]` where a campaign set it;
otherwise a 0-10 score is an NPS answer, a review site's 1-5 stars a review rating and any other
1-5 score a CSAT answer (portal, CSV and imported answers carry no survey kind). Response rates
need the invitations, so they live with them in `listening.campaigns.selectors` and build on
`slice_filter` and `proportion_summary` here.

Margins of error (z = 1.96): NPS uses the variance of the per-answer score (+1 promoter,
0 passive, -1 detractor): sqrt((p + d - (p - d)^2) / n), in NPS points. Proportions (CSAT %,
response rate) use the normal approximation sqrt(p(1-p)/n), in percentage points. Means (CES,
review rating) use s / sqrt(n) with the sample standard deviation. With fewer than 2 answers
the margin is None (unknown), never 0.
"""

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, TypedDict, Unpack

from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth, TruncQuarter

from feedback.models import Channel, Client, Feedback, Firm, Member, Touchpoint

Z95 = 1.96


@dataclass(frozen=True)
class Benchmark:
    key: str
    label: str
    nps: float
    source: str = "ClearlyRated, professional-services NPS benchmarks"


# Shown beside a firm's own NPS.
NPS_BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(key="us_legal", label="US legal services", nps=32),
    Benchmark(key="us_canada_accounting", label="US/Canada accounting", nps=24),
)


@dataclass(frozen=True)
class Summary:
    """One metric over one slice. `value` is None when there is no answer.

    Units: NPS -100..100; CSAT % and response rate 0..100; CES 1..7; review rating 1..5.
    `margin_of_error` is the half-width of the 95% interval in the same unit.
    """

    metric: str
    value: float | None
    sample_size: int
    margin_of_error: float | None
    breakdown: dict[str, int] = field(default_factory=dict)
    benchmarks: tuple[Benchmark, ...] = ()
    confidence: float = 0.95

    @property
    def interval(self) -> tuple[float, float] | None:
        if self.value is None or self.margin_of_error is None:
            return None
        return (self.value - self.margin_of_error, self.value + self.margin_of_error)


class Slice(TypedDict, total=False):
    """What narrows a metric within a firm: `start` inclusive, `end` exclusive. `managed_by`
    keeps an account manager's own clients; `channel` one channel of feedback; `topic` the feedback
    assigned to one topic."""

    client: Client | int | None
    touchpoint: Touchpoint | int | None
    segment: str | None
    start: datetime | None
    end: datetime | None
    campaign_id: int | None
    channel: str | None
    managed_by: Member | None
    topic: int | None


def slice_filter(qs: QuerySet, slice_: Slice, *, when: str, campaign: str) -> QuerySet:
    """Apply a slice; `when` is the timestamp field, `campaign` the campaign lookup."""
    lookups = {
        "client": "client",
        "touchpoint": "touchpoint",
        "segment": "client__segment",
        "start": f"{when}__gte",
        "end": f"{when}__lt",
        "campaign_id": campaign,
        "channel": "channel",
        "managed_by": "client__account_managers",
        "topic": "topic_assignment__topic",
    }
    given = {lookups[k]: v for k, v in slice_.items() if v is not None and v != ""}
    return qs.filter(**given)


AnswerKind = Literal["nps", "csat", "ces", "review"]


def answer_q(kind: AnswerKind, prefix: str = "") -> Q:
    """The one definition of "a scored answer of this kind" (see the module docstring), as a
    Q usable in filters and in aggregates' `filter=`. `prefix` reaches Feedback via a relation."""
    tagged = Q(**{f"{prefix}raw__survey_kind": kind})
    untagged = ~Q(**{f"{prefix}raw__has_key": "survey_kind"})
    by_scale = {
        "nps": Q(**{f"{prefix}rating_scale": 10}),
        "csat": Q(**{f"{prefix}rating_scale": 5}) & ~Q(**{f"{prefix}channel": Channel.REVIEW}),
        "review": Q(**{f"{prefix}rating_scale": 5, f"{prefix}channel": Channel.REVIEW}),
    }
    q = tagged | (untagged & by_scale[kind]) if kind in by_scale else tagged
    return q & Q(**{f"{prefix}rating__isnull": False})


def survey_answers(*, firm: Firm, kind: AnswerKind, **slice_: Unpack[Slice]) -> QuerySet[Feedback]:
    """Scored answers of one kind for the slice (on the time the answer was received)."""
    qs = Feedback.objects.filter(answer_q(kind), firm=firm)
    return slice_filter(qs, slice_, when="received_at", campaign="raw__campaign_id")


def nps_from_counts(promoters: int, passives: int, detractors: int) -> Summary:
    n = promoters + passives + detractors
    breakdown = {"promoters": promoters, "passives": passives, "detractors": detractors}
    if n == 0:
        return Summary("nps", None, 0, None, breakdown, NPS_BENCHMARKS)
    p, d = promoters / n, detractors / n
    moe = None if n < 2 else 100 * Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    return Summary("nps", round(100 * (p - d), 1), n, _round(moe), breakdown, NPS_BENCHMARKS)


_NPS_COUNTS = {
    "promoters": Count("pk", filter=Q(rating__gte=9)),
    "passives": Count("pk", filter=Q(rating__in=[7, 8])),
    "detractors": Count("pk", filter=Q(rating__lte=6)),
}


def nps_summary(*, firm: Firm, **slice_: Unpack[Slice]) -> Summary:
    """NPS = % promoters (9-10) - % detractors (0-6), with the benchmarks alongside."""
    qs = survey_answers(firm=firm, kind="nps", **slice_)
    return nps_from_counts(**qs.aggregate(**_NPS_COUNTS))


def nps_by(
    *,
    firm: Firm,
    by: Literal["client", "touchpoint", "segment", "month", "quarter"],
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[tuple[object, Summary]]:
    """NPS per client, touchpoint, segment, month or quarter (one query), ordered by key.
    Keys are ids for client/touchpoint, strings for segment, dates for periods."""
    keys = {
        "client": F("client_id"),
        "touchpoint": F("touchpoint_id"),
        "segment": F("client__segment"),
        "month": TruncMonth("received_at"),
        "quarter": TruncQuarter("received_at"),
    }
    qs = survey_answers(firm=firm, kind="nps", start=start, end=end)
    rows = qs.annotate(key=keys[by]).values("key").annotate(**_NPS_COUNTS).order_by("key")
    return [
        (
            row["key"],
            nps_from_counts(row["promoters"], row["passives"], row["detractors"]),
        )
        for row in rows
    ]


def csat_summary(*, firm: Firm, **slice_: Unpack[Slice]) -> Summary:
    """CSAT % = share of answers of 4 or 5 on the 1-5 scale."""
    qs = survey_answers(firm=firm, kind="csat", **slice_)
    counts = qs.aggregate(n=Count("pk"), satisfied=Count("pk", filter=Q(rating__gte=4)))
    return proportion_summary("csat", counts["satisfied"], counts["n"], "satisfied")


def ces_summary(*, firm: Firm, **slice_: Unpack[Slice]) -> Summary:
    """CES = mean answer on the 1-7 scale (7 = very easy)."""
    qs = survey_answers(firm=firm, kind="ces", **slice_)
    return _mean("ces", qs)


def review_rating_summary(*, firm: Firm, **slice_: Unpack[Slice]) -> Summary:
    """Genuine review rating: the mean 1-5 rating over *all* review answers (everyone is
    asked, nobody is filtered), with the distribution of stars."""
    qs = survey_answers(firm=firm, kind="review", **slice_)
    summary = _mean("review_rating", qs)
    stars = dict(qs.values_list("rating").annotate(n=Count("pk")).order_by())
    breakdown = {f"{star}_stars": stars.get(star, 0) for star in range(1, 6)}
    return Summary(
        summary.metric, summary.value, summary.sample_size, summary.margin_of_error, breakdown
    )


# The finest period at which the median period has at least this many NPS answers is charted
# (week, else month, else quarter): below ~30 answers the 95% margin exceeds +-30 NPS points,
# and a weekly line of such points draws noise.
NPS_MIN_PER_PERIOD = 30
NPS_GRANULARITIES = ("week", "month", "quarter")


def period_start(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def nps_series(daily: Iterable[tuple[date, int, int, int]]) -> list[dict]:
    """NPS over time from daily (day, answers, promoters, detractors) counts, at the finest
    granularity whose median period holds NPS_MIN_PER_PERIOD answers (quarters otherwise),
    each row with its n and 95% margin of error. Pure: the base tables and the rollups both
    fold their daily counts through it, so both draw the same line."""
    days = [d for d in daily if d[1]]
    chosen: dict[date, list[int]] = {}
    granularity = NPS_GRANULARITIES[-1]
    for granularity in NPS_GRANULARITIES:
        chosen = {}
        for day, n, promoters, detractors in days:
            c = chosen.setdefault(period_start(day, granularity), [0, 0, 0])
            c[0], c[1], c[2] = c[0] + n, c[1] + promoters, c[2] + detractors
        if chosen and statistics.median(c[0] for c in chosen.values()) >= NPS_MIN_PER_PERIOD:
            break
    rows = []
    for start, (n, promoters, detractors) in sorted(chosen.items()):
        summary = nps_from_counts(promoters, n - promoters - detractors, detractors)
        rows.append(
            {
                "period": start.isoformat(),
                "granularity": granularity,
                "responses": n,
                "nps": summary.value,
                "margin_of_error": summary.margin_of_error,
            }
        )
    return rows


def proportion_summary(metric: str, hits: int, n: int, label: str) -> Summary:
    breakdown = {label: hits, "total": n}
    if n == 0:
        return Summary(metric, None, 0, None, breakdown)
    p = hits / n
    moe = None if n < 2 else 100 * Z95 * math.sqrt(p * (1 - p) / n)
    return Summary(metric, round(100 * p, 1), n, _round(moe), breakdown)


def _mean(metric: str, qs: QuerySet[Feedback]) -> Summary:
    rating = Cast("rating", FloatField())
    agg = qs.aggregate(n=Count("pk"), total=Sum(rating), squares=Sum(rating * rating))
    n = agg["n"]
    if n == 0:
        return Summary(metric, None, 0, None)
    mean = agg["total"] / n
    moe = None
    if n >= 2:
        variance = max((agg["squares"] - n * mean * mean) / (n - 1), 0.0)
        moe = Z95 * math.sqrt(variance / n)
    return Summary(metric, round(mean, 2), n, _round(moe, 2))


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
