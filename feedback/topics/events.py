"""Emerging topics raised once: the first time a topic is found emerging it is stamped
(`emerging_since`, with its p-value) and a `topic.emerging` webhook goes to the firm's
endpoints. A topic that calms down and emerges again raises nothing new."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from feedback.models import Firm, Topic
from feedback.topics.selectors import topic_list
from feedback.webhooks import webhook_event_emit


def topic_url(topic: Topic) -> str:
    return settings.EARSHOT_BASE_URL.rstrip("/") + reverse("topics:detail", args=[topic.pk])


def topics_emergence_update(*, firm: Firm, now: datetime | None = None) -> list[int]:
    """Stamp and announce the firm's topics emerging for the first time. Idempotent: the stamp
    is a guarded UPDATE (only where still empty) and the webhook's event id is the topic's, so
    running it twice or concurrently announces each topic once. Returns the ids announced."""
    now = now or timezone.now()
    announced = []
    for row in topic_list(firm=firm, now=now):
        if not row.emergence.emerging or row.topic.emerging_since is not None:
            continue
        with transaction.atomic():
            stamped = Topic.objects.filter(pk=row.topic.pk, emerging_since__isnull=True).update(
                emerging_since=now, emerging_p_value=row.emergence.p_value
            )
            if not stamped:
                continue
            topic = row.topic
            webhook_event_emit(
                firm=firm,
                event="topic.emerging",
                event_id=f"topic.emerging:{topic.pk}",
                payload={
                    "topic": {"id": topic.pk, "label": topic.label, "keywords": topic.keywords},
                    "count": row.emergence.count,
                    "expected": round(row.emergence.expected, 3),
                    "p_value": row.emergence.p_value,
                    "period_days": row.period_days,
                    "summary": f"Emerging topic: {topic.label} ({row.emergence.count} comments)",
                    "url": topic_url(topic),
                },
            )
        announced.append(topic.pk)
    return announced
