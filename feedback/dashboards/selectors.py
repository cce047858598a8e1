"""Aggregations behind the dashboards. All scoped to a firm, and for account managers to the
clients they manage; all computed in SQL (GROUP BY on indexed columns), one query per chart."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from feedback.analysis import tags_of_current_analysis
from feedback.dashboards.rollups import charts_from_rollups
from feedback.metrics import Slice, answer_q, nps_series
from feedback.models import (
    Case,
    CaseStatus,
    Client,
    EmotionTag,
    Feedback,
    Member,
    Sentiment,
    ThemeMention,
)


@dataclass(frozen=True)
class Filters:
    firm_id: int
    member: Member | None
    start: datetime
    end: datetime
    client_id: int | None = None
    touchpoint_id: int | None = None
    channel: str = ""
    topic_id: int | None = None
    custom: bool = False  # a from/to range rather than the last N days

    @property
    def last_day(self) -> date:
        """The period's last calendar day (`end` is exclusive)."""
        return timezone.localdate(self.end - timedelta(microseconds=1))

    @property
    def mine_only(self) -> bool:
        return self.member is not None and not self.member.sees_whole_firm

    def as_slice(self) -> Slice:
        """The same narrowing as a `feedback.metrics` slice: the KPI tiles and the API read
        their NPS and CSAT through it, so both give one number for one slice."""
        return Slice(
            start=self.start,
            end=self.end,
            client=self.client_id,
            touchpoint=self.touchpoint_id,
            channel=self.channel or None,
            managed_by=self.member if self.mine_only else None,
            topic=self.topic_id,
        )


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filters_from(member: Member, params: dict) -> Filters:
    """Parse ?days=&from=&to=&client=&touchpoint=&channel=&topic= leniently (bad values: the
    defaults). `from` (and `to`, default today) set a custom range of whole days, which wins
    over `days` unless `days` names a preset; a range is at most 3660 days."""
    end = timezone.now()

    def as_int(name: str, default: int | None = None) -> int | None:
        value = str(params.get(name, "")).strip()
        return int(value) if value.isdigit() else default

    days = min(max(as_int("days", 90) or 90, 1), 3660)
    start = end - timedelta(days=days)
    first, last = _date(params.get("from", "")), _date(params.get("to", ""))
    custom = first is not None and not as_int("days")
    if custom and first is not None:
        last = last or timezone.localdate()
        first, last = min(first, last), max(first, last)
        first = max(first, last - timedelta(days=3659))
        start, end = _midnight(first), _midnight(last + timedelta(days=1))
    return Filters(
        firm_id=member.firm_id,
        member=member,
        start=start,
        end=end,
        client_id=as_int("client"),
        touchpoint_id=as_int("touchpoint"),
        channel=str(params.get("channel", ""))[:20],
        topic_id=as_int("topic"),
        custom=custom,
    )


def _scoped(qs: QuerySet, f: Filters, prefix: str = "") -> QuerySet:
    qs = qs.filter(
        **{
            "firm_id": f.firm_id,
            f"{prefix}received_at__gte": f.start,
            f"{prefix}received_at__lt": f.end,
        }
    )
    if f.mine_only:
        qs = qs.filter(**{f"{prefix}client__account_managers": f.member})
    if f.client_id:
        qs = qs.filter(**{f"{prefix}client_id": f.client_id})
    if f.touchpoint_id:
        qs = qs.filter(**{f"{prefix}touchpoint_id": f.touchpoint_id})
    if f.channel:
        qs = qs.filter(**{f"{prefix}channel": f.channel})
    if f.topic_id:
        qs = qs.filter(**{f"{prefix}topic_assignment__topic_id": f.topic_id})
    return qs


def feedback_scoped(f: Filters) -> QuerySet[Feedback]:
    return _scoped(Feedback.objects.all(), f)


def sentiment_over_time(f: Filters) -> list[dict]:
    rows = (
        feedback_scoped(f)
        .annotate(week=TruncWeek("received_at"))
        .values("week")
        .annotate(
            total=Count("id"),
            positive=Count("id", filter=Q(sentiment=Sentiment.POSITIVE)),
            neutral=Count("id", filter=Q(sentiment=Sentiment.NEUTRAL)),
            negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
            avg_sentiment=Avg("sentiment_value"),
        )
        .order_by("week")
    )
    return [{**r, "week": r["week"].date().isoformat()} for r in rows]


def _narrowed(f: Filters) -> bool:
    return bool(f.mine_only or f.client_id or f.touchpoint_id or f.channel or f.topic_id)


def _tag_scoped(model: type[EmotionTag] | type[ThemeMention], f: Filters) -> QuerySet:
    """Tags of each item's current analysis (never those of an older model version too).
    Tags carry firm and received_at, so the firm and period need no join."""
    qs = tags_of_current_analysis(
        model._default_manager.filter(
            firm_id=f.firm_id, received_at__gte=f.start, received_at__lt=f.end
        )
    )
    if _narrowed(f):
        qs = qs.filter(feedback__in=feedback_scoped(f).values("pk"))
    return qs


def emotion_mix(f: Filters) -> list[dict]:
    return list(
        _tag_scoped(EmotionTag, f)
        .values("label")
        .annotate(count=Count("id"))
        .order_by("-count", "label")
    )


def promise_scorecard(f: Filters) -> list[dict]:
    """Per brand promise and week: volume, negative mentions and mean sentiment."""
    rows = (
        _tag_scoped(ThemeMention, f)
        .annotate(week=TruncWeek("received_at"))
        .values("brand_promise_id", "brand_promise__name", "week")
        .annotate(
            mentions=Count("id"),
            negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
            avg_sentiment=Avg("sentiment_value"),
        )
        .order_by("brand_promise__name", "week")
    )
    return [
        {
            "promise_id": r["brand_promise_id"],
            "promise": r["brand_promise__name"],
            "week": r["week"].date().isoformat(),
            "mentions": r["mentions"],
            "negative": r["negative"],
            "avg_sentiment": r["avg_sentiment"],
        }
        for r in rows
    ]


def promise_summary(scorecard: list[dict]) -> list[dict]:
    """Fold the weekly scorecard into one row per promise, worst first."""
    totals: dict[str, dict] = {}
    for r in scorecard:
        t = totals.setdefault(
            r["promise"], {"promise": r["promise"], "mentions": 0, "negative": 0, "sum": 0.0}
        )
        t["mentions"] += r["mentions"]
        t["negative"] += r["negative"]
        t["sum"] += (r["avg_sentiment"] or 0.0) * r["mentions"]
    out = []
    for t in totals.values():
        out.append(
            {
                "promise": t["promise"],
                "mentions": t["mentions"],
                "negative": t["negative"],
                "negative_share": t["negative"] / t["mentions"] if t["mentions"] else 0.0,
                "avg_sentiment": t["sum"] / t["mentions"] if t["mentions"] else None,
            }
        )
    return sorted(out, key=lambda r: (r["avg_sentiment"] is None, r["avg_sentiment"] or 0.0))


def nps_trend(f: Filters) -> list[dict]:
    """NPS over time (week, month or quarter by the number of answers: `metrics.nps_series`),
    each period with its response count and 95% margin of error."""
    rows = (
        feedback_scoped(f)
        .filter(answer_q("nps"))
        .annotate(day=TruncDate("received_at"))
        .values("day")
        .annotate(
            n=Count("id"),
            promoters=Count("id", filter=Q(rating__gte=9)),
            detractors=Count("id", filter=Q(rating__lte=6)),
        )
        .order_by("day")
    )
    return nps_series((r["day"], r["n"], r["promoters"], r["detractors"]) for r in rows)


def csat_by_touchpoint(f: Filters) -> list[dict]:
    """CSAT (share of 4-5 of 5) per touchpoint, with the response count."""
    rows = (
        feedback_scoped(f)
        .filter(answer_q("csat"))
        .values("touchpoint__name")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(rating__gte=4)))
        .order_by("touchpoint__name")
    )
    return [
        {
            "touchpoint": r["touchpoint__name"] or "(none)",
            "responses": r["n"],
            "csat": round(100 * r["satisfied"] / r["n"], 1),
        }
        for r in rows
    ]


def case_summary(f: Filters) -> dict:
    """Open and overdue cases on feedback of the slice (its period, client, touchpoint and
    channel), so the case tiles move with every filter as the charts do."""
    qs = Case.objects.filter(
        firm_id=f.firm_id, feedback__received_at__gte=f.start, feedback__received_at__lt=f.end
    ).exclude(status=CaseStatus.RESOLVED)
    if f.mine_only:
        qs = qs.filter(Q(owner=f.member) | Q(client__account_managers=f.member))
    if f.client_id:
        qs = qs.filter(client_id=f.client_id)
    if f.touchpoint_id:
        qs = qs.filter(feedback__touchpoint_id=f.touchpoint_id)
    if f.channel:
        qs = qs.filter(feedback__channel=f.channel)
    return qs.aggregate(
        open=Count("id", distinct=True),
        overdue=Count("id", filter=Q(due_at__lt=timezone.now()), distinct=True),
    )


def client_get(*, member: Member, pk: int) -> Client:
    """Raises Client.DoesNotExist for another firm's client or one the AM does not manage."""
    qs = Client.objects.filter(firm_id=member.firm_id)
    if not member.sees_whole_firm:
        qs = qs.filter(account_managers=member)
    return qs.get(pk=pk)


def charts_for(f: Filters) -> dict[str, list[dict]]:
    """Every overview chart. The firm-wide view reads the daily rollups; any narrowing (a client,
    touchpoint, channel, or an account manager's own clients) reads the base tables."""
    if not _narrowed(f):
        return charts_from_rollups(firm_id=f.firm_id, start=f.start, end=f.end)
    return {
        "sentiment": sentiment_over_time(f),
        "emotions": emotion_mix(f),
        "promises": promise_scorecard(f),
        "nps": nps_trend(f),
        "csat": csat_by_touchpoint(f),
    }
