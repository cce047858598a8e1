"""Reads on topics, scoped to one firm (and, for account managers, to their clients' feedback):
the list with this period's volume and emergence, months, sentiment mix and sample comments."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from feedback.models import Feedback, Firm, Member, Topic, TopicAssignment, TopicStatus
from feedback.selectors import client_list
from feedback.topics.emerging import Emergence, topic_emergence

PERIOD_DAYS = 30
BASELINE_DAYS = 180
MONTHS = 6
SAMPLES = 3


@dataclass
class TopicRow:
    topic: Topic
    current: int
    baseline: int
    emergence: Emergence
    period_days: int = PERIOD_DAYS
    months: list[tuple[datetime, int]] = field(default_factory=list)
    sentiment: dict[str, int] = field(default_factory=dict)
    samples: list[TopicAssignment] = field(default_factory=list)

    @property
    def visible(self) -> int:
        return sum(self.sentiment.values())

    @property
    def spark_points(self) -> str:
        """The monthly counts as an SVG polyline in a 100 x 24 box (a sparkline)."""
        counts = [n for _, n in self.months]
        if len(counts) < 2:
            return ""
        top = max(counts) or 1
        step = 100 / (len(counts) - 1)
        return " ".join(f"{i * step:.1f},{22 - 20 * n / top:.1f}" for i, n in enumerate(counts))


def _client_scope(member: Member | None) -> list[int] | None:
    """None: the whole firm; else the ids of the clients whose feedback the member sees."""
    if member is None or member.sees_whole_firm:
        return None
    return list(client_list(member=member).values_list("pk", flat=True))


def topic_list(
    *,
    firm: Firm,
    member: Member | None = None,
    now: datetime | None = None,
    period_days: int = PERIOD_DAYS,
) -> list[TopicRow]:
    """The firm's active topics with their volume in the last `period_days` against the
    `BASELINE_DAYS` before, emerging ones first, then by volume. Counted over the feedback the
    member sees (account managers: their clients'); an account manager sees only topics their
    clients speak to. Two queries."""
    now = now or timezone.now()
    start = now - timedelta(days=period_days)
    base_start = start - timedelta(days=BASELINE_DAYS)
    clients = _client_scope(member)
    scope = Q() if clients is None else Q(assignments__feedback__client_id__in=clients)
    current_q = scope & Q(
        assignments__feedback__received_at__gte=start, assignments__feedback__received_at__lt=now
    )
    baseline_q = scope & Q(
        assignments__feedback__received_at__gte=base_start,
        assignments__feedback__received_at__lt=start,
    )
    topics = (
        Topic.objects.filter(firm=firm, status=TopicStatus.ACTIVE)
        .select_related("promise")
        .annotate(
            current=Count("assignments", filter=current_q),
            baseline=Count("assignments", filter=baseline_q),
            visible=Count("assignments", filter=scope),
        )
        .order_by("pk")
    )
    feedback = Feedback.objects.filter(firm=firm)
    if clients is not None:
        feedback = feedback.filter(client_id__in=clients)
    totals = feedback.aggregate(
        current=Count("pk", filter=Q(received_at__gte=start, received_at__lt=now)),
        baseline=Count("pk", filter=Q(received_at__gte=base_start, received_at__lt=start)),
    )
    rows = [
        TopicRow(
            topic=t,
            current=t.current,
            baseline=t.baseline,
            emergence=topic_emergence(
                count=t.current,
                total=totals["current"],
                baseline_count=t.baseline,
                baseline_total=totals["baseline"],
            ),
            period_days=period_days,
        )
        for t in topics
        if clients is None or t.visible
    ]
    return sorted(rows, key=lambda r: (not r.emergence.emerging, -r.current, r.topic.pk))


def topics_emerging(
    *, firm: Firm, member: Member | None = None, now: datetime | None = None
) -> list[TopicRow]:
    """The topics raised as emerging (volume significantly above their baseline), over what the
    member sees: the dashboard's and the weekly digest's list."""
    return [r for r in topic_list(firm=firm, member=member, now=now) if r.emergence.emerging]


def topic_assignments(*, topic: Topic, member: Member | None) -> QuerySet[TopicAssignment]:
    """The topic's feedback the member sees, most representative first."""
    qs = TopicAssignment.objects.filter(topic=topic, firm_id=topic.firm_id)
    clients = _client_scope(member)
    if clients is not None:
        qs = qs.filter(feedback__client_id__in=clients)
    return qs.select_related("feedback", "feedback__client").order_by("-similarity", "pk")


def topic_rows_detailed(
    *, rows: list[TopicRow], member: Member | None, now: datetime | None = None
) -> list[TopicRow]:
    """Add months (last MONTHS, oldest first), sentiment mix and SAMPLES comments to each row,
    in three queries whatever the number of topics."""
    now = now or timezone.now()
    ids = [r.topic.pk for r in rows]
    if not ids:
        return rows
    qs = TopicAssignment.objects.filter(topic_id__in=ids)
    clients = _client_scope(member)
    if clients is not None:
        qs = qs.filter(feedback__client_id__in=clients)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(start.year * 12 + start.month - 1 - back, 12)
        months.append(start.replace(year=year, month=month + 1))
    first = months[0]
    per_month: dict[int, dict] = defaultdict(dict)
    for row in (
        qs.filter(feedback__received_at__gte=first)
        .annotate(month=TruncMonth("feedback__received_at"))
        .values("topic_id", "month")
        .annotate(n=Count("pk"))
    ):
        per_month[row["topic_id"]][row["month"].date()] = row["n"]
    mix: dict[int, dict[str, int]] = defaultdict(dict)
    for row in qs.values("topic_id", "feedback__sentiment").annotate(n=Count("pk")):
        mix[row["topic_id"]][row["feedback__sentiment"] or "pending"] = row["n"]
    ranked = qs.annotate(
        rank=Window(RowNumber(), partition_by=[F("topic_id")], order_by=[F("similarity").desc()])
    ).filter(rank__lte=SAMPLES)
    samples: dict[int, list[TopicAssignment]] = defaultdict(list)
    for assignment in ranked.select_related("feedback").order_by("topic_id", "rank"):
        samples[assignment.topic_id].append(assignment)
    for r in rows:
        pk = r.topic.pk
        r.months = [(m, per_month[pk].get(m.date(), 0)) for m in months]
        r.sentiment = mix[pk]
        r.samples = samples[pk]
    return rows


def topic_get(*, firm_id: int, pk: int) -> Topic:
    """Raises Topic.DoesNotExist for another firm's topic, exactly as for a missing one."""
    return Topic.objects.select_related("promise", "merged_into").get(firm_id=firm_id, pk=pk)


def topic_reach(*, topic: Topic, member: Member | None, limit: int = 5) -> dict[str, list]:
    """The clients and touchpoints the topic's (visible) feedback comes from, most first."""
    qs = topic_assignments(topic=topic, member=member).order_by()
    clients = (
        qs.filter(feedback__client__isnull=False)
        .values("feedback__client__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "feedback__client__name")[:limit]
    )
    touchpoints = (
        qs.filter(feedback__touchpoint__isnull=False)
        .values("feedback__touchpoint__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "feedback__touchpoint__name")[:limit]
    )
    return {
        "clients": [(r["feedback__client__name"], r["n"]) for r in clients],
        "touchpoints": [(r["feedback__touchpoint__name"], r["n"]) for r in touchpoints],
    }
