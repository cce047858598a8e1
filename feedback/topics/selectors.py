"""Reads on topics, scoped to one firm: the list with this period's volume and emergence."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from feedback.models import Feedback, Firm, Topic, TopicStatus
from feedback.topics.emerging import Emergence, topic_emergence

PERIOD_DAYS = 30
BASELINE_DAYS = 180


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    current: int
    baseline: int
    emergence: Emergence


def topic_list(
    *, firm: Firm, now: datetime | None = None, period_days: int = PERIOD_DAYS
) -> list[TopicRow]:
    """The firm's active topics with their volume in the last `period_days` against the
    `BASELINE_DAYS` before, emerging ones first, then by volume. Two queries."""
    now = now or timezone.now()
    start = now - timedelta(days=period_days)
    base_start = start - timedelta(days=BASELINE_DAYS)
    current_q = Q(assignments__feedback__received_at__gte=start) & Q(
        assignments__feedback__received_at__lt=now
    )
    baseline_q = Q(assignments__feedback__received_at__gte=base_start) & Q(
        assignments__feedback__received_at__lt=start
    )
    topics = (
        Topic.objects.filter(firm=firm, status=TopicStatus.ACTIVE)
        .annotate(
            current=Count("assignments", filter=current_q),
            baseline=Count("assignments", filter=baseline_q),
        )
        .order_by("pk")
    )
    totals = Feedback.objects.filter(firm=firm).aggregate(
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
        )
        for t in topics
    ]
    return sorted(rows, key=lambda r: (not r.emergence.emerging, -r.current, r.topic.pk))
