"""Daily rollups behind the firm-wide dashboard (a 1M-item firm answers in milliseconds).

`rollup_refresh` recomputes whole days from the base tables and upserts them: idempotent, and
safe to run concurrently (the last writer wins with the same numbers). Filtered views (a
client, a touchpoint, a channel, an account manager's own clients) read the base tables, whose
slices are small."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from feedback.analysis import tags_of_current_analysis
from feedback.metrics import answer_q, nps_series
from feedback.models import BrandPromise, DailyRollup, EmotionTag, Feedback, Sentiment, ThemeMention


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Contiguous [first, last] runs, so one query covers each run."""
    ordered = sorted(set(days))
    runs: list[tuple[date, date]] = []
    for day in ordered:
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def rollup_refresh(*, firm_id: int, days: Iterable[date]) -> int:
    """Recompute and upsert the firm's rollup rows for these days. Returns rows written."""
    written = 0
    for first, last in _runs(days):
        start, end = _bounds(first, last)
        rows: dict[date, DailyRollup] = {
            first + timedelta(days=i): DailyRollup(firm_id=firm_id, day=first + timedelta(days=i))
            for i in range((last - first).days + 1)
        }
        items = Feedback.objects.filter(
            firm_id=firm_id, received_at__gte=start, received_at__lt=end
        )
        for r in (
            items.annotate(d=TruncDate("received_at"))
            .values("d")
            .annotate(
                total=Count("id"),
                positive=Count("id", filter=Q(sentiment=Sentiment.POSITIVE)),
                neutral=Count("id", filter=Q(sentiment=Sentiment.NEUTRAL)),
                negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
                sentiment_sum=Sum("sentiment_value"),
                sentiment_n=Count("sentiment_value"),
                nps_n=Count("id", filter=answer_q("nps")),
                promoters=Count("id", filter=answer_q("nps") & Q(rating__gte=9)),
                detractors=Count("id", filter=answer_q("nps") & Q(rating__lte=6)),
            )
        ):
            row = rows[r.pop("d")]
            r["sentiment_sum"] = r["sentiment_sum"] or 0.0
            for key, value in r.items():
                setattr(row, key, value)
        csat = items.filter(answer_q("csat")).annotate(d=TruncDate("received_at"))
        for r in csat.values("d", "touchpoint__name").annotate(
            n=Count("id"), ok=Count("id", filter=Q(rating__gte=4))
        ):
            rows[r["d"]].csat[r["touchpoint__name"] or "(none)"] = [r["n"], r["ok"]]
        tags = tags_of_current_analysis(
            EmotionTag.objects.filter(firm_id=firm_id, received_at__gte=start, received_at__lt=end)
        )
        for r in (
            tags.annotate(d=TruncDate("received_at")).values("d", "label").annotate(n=Count("id"))
        ):
            rows[r["d"]].emotions[r["label"]] = r["n"]
        themes = tags_of_current_analysis(
            ThemeMention.objects.filter(
                firm_id=firm_id, received_at__gte=start, received_at__lt=end
            )
        )
        for r in (
            themes.annotate(d=TruncDate("received_at"))
            .values("d", "brand_promise_id")
            .annotate(
                n=Count("id"),
                neg=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
                s=Sum("sentiment_value"),
            )
        ):
            rows[r["d"]].promises[str(r["brand_promise_id"])] = [r["n"], r["neg"], r["s"] or 0.0]
        fields = [f.name for f in DailyRollup._meta.fields if f.name not in ("id", "firm", "day")]
        DailyRollup.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["firm", "day"],
            update_fields=fields,
            batch_size=500,
        )
        written += len(rows)
    return written


def rollups_refresh_for_feedback(*, feedback_ids: list[int]) -> int:
    days: dict[int, set[date]] = defaultdict(set)
    tz = timezone.get_current_timezone()
    for firm_id, received_at in Feedback.objects.filter(pk__in=feedback_ids).values_list(
        "firm_id", "received_at"
    ):
        days[firm_id].add(received_at.astimezone(tz).date())
    return sum(rollup_refresh(firm_id=f, days=d) for f, d in days.items())


def rollups_refresh_recent(*, days_back: int = 2) -> int:
    """Safety net for beat: recompute the last few days of every firm that heard anything."""
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=days_back + 1)
    firms = Feedback.objects.filter(received_at__gte=since).values_list("firm_id", flat=True)
    days = [today - timedelta(days=i) for i in range(days_back + 1)]
    return sum(rollup_refresh(firm_id=f, days=days) for f in set(firms))


def _week(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def charts_from_rollups(*, firm_id: int, start: datetime, end: datetime) -> dict:
    """The overview's five charts for a whole firm, folded from daily rollups (one query)."""
    rows = DailyRollup.objects.filter(
        firm_id=firm_id,
        day__gte=timezone.localdate(start),
        day__lte=timezone.localdate(end - timedelta(microseconds=1)),
    )  # `end` is exclusive: a custom range ends at the midnight after its last day.order_by("day")
    weeks: dict[str, dict] = {}
    nps: list[tuple[date, int, int, int]] = []
    csat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    emotions: dict[str, int] = defaultdict(int)
    promises: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        week = _week(r.day)
        w = weeks.setdefault(
            week,
            {
                "week": week,
                "total": 0,
                "positive": 0,
                "neutral": 0,
                "negative": 0,
                "_sum": 0.0,
                "_n": 0,
            },
        )
        for key in ("total", "positive", "neutral", "negative"):
            w[key] += getattr(r, key)
        w["_sum"] += r.sentiment_sum
        w["_n"] += r.sentiment_n
        if r.nps_n:
            nps.append((r.day, r.nps_n, r.promoters, r.detractors))
        for name, (answers, ok) in r.csat.items():
            csat[name][0] += answers
            csat[name][1] += ok
        for label, count in r.emotions.items():
            emotions[label] += count
        for pid, (mentions, negative, total) in r.promises.items():
            p = promises.setdefault((pid, week), [0, 0, 0.0])
            p[0] += mentions
            p[1] += negative
            p[2] += total
    names = dict(BrandPromise.objects.filter(firm_id=firm_id).values_list("pk", "name"))
    return {
        "sentiment": [
            {
                **{k: v for k, v in w.items() if not k.startswith("_")},
                "avg_sentiment": w["_sum"] / w["_n"] if w["_n"] else None,
            }
            for w in weeks.values()
            if w["total"]
        ],
        "emotions": [
            {"label": label, "count": count}
            for label, count in sorted(emotions.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "promises": sorted(
            (
                {
                    "promise_id": int(pid),
                    "promise": names.get(int(pid), "?"),
                    "week": week,
                    "mentions": m,
                    "negative": neg,
                    "avg_sentiment": total / m if m else None,
                }
                for (pid, week), (m, neg, total) in promises.items()
            ),
            key=lambda r: (r["promise"], r["week"]),
        ),
        "nps": nps_series(nps),
        "csat": [
            {"touchpoint": name, "responses": n, "csat": round(100 * ok / n, 1)}
            for name, (n, ok) in sorted(csat.items())
        ],
    }
