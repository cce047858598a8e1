"""The flag rule "a new negative topic touching several clients": evaluated per topic, not per
comment. A topic raised as emerging (`feedback.topics.events`) whose recent comments are mostly
negative and come from at least the rule's number of clients gets one case, on its latest negative
comment that has none (else a note on that comment's case), once per topic."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from feedback.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    Firm,
    Rule,
    RuleKind,
    Sentiment,
    Topic,
    TopicAssignment,
    TopicStatus,
)
from feedback.review.rules import RuleMatch, rule_defaults_ensure
from feedback.review.services import case_open

RECENT_DAYS = 30
NEGATIVE_SHARE = 0.5


def negative_topics_flag(*, firm: Firm, now: datetime | None = None) -> list[int]:
    """Open (or note) one case per newly qualifying topic; returns the case ids. Idempotent: a
    topic is flagged once (a guarded UPDATE of `Topic.flagged_at` decides between workers)."""
    now = now or timezone.now()
    rule = next(r for r in rule_defaults_ensure(firm=firm) if r.kind == RuleKind.NEGATIVE_TOPIC)
    if not rule.enabled:
        return []
    topics = Topic.objects.filter(
        firm=firm, status=TopicStatus.ACTIVE, emerging_since__isnull=False, flagged_at__isnull=True
    )
    return [case_id for topic in topics if (case_id := _flag(topic, rule, now)) is not None]


def _flag(topic: Topic, rule: Rule, now: datetime) -> int | None:
    recent = TopicAssignment.objects.filter(
        topic=topic, feedback__received_at__gte=now - timedelta(days=RECENT_DAYS)
    )
    negative_q = Q(feedback__sentiment=Sentiment.NEGATIVE)
    stats = recent.aggregate(
        n=Count("pk"),
        negative=Count("pk", filter=negative_q),
        clients=Count("feedback__client", distinct=True, filter=negative_q),
    )
    min_clients = int(rule.threshold or 3)
    if not stats["n"] or stats["negative"] / stats["n"] < NEGATIVE_SHARE:
        return None
    if stats["clients"] < min_clients:
        return None
    negatives = recent.filter(negative_q).select_related("feedback__client", "feedback__firm")
    latest = negatives.order_by("-feedback__received_at").values_list("feedback", flat=True)
    unflagged = negatives.filter(feedback__case__isnull=True).order_by("-feedback__received_at")
    detail = (
        f"New negative topic “{topic.label}”: {stats['negative']} negative comments from "
        f"{stats['clients']} clients in {RECENT_DAYS} days"
    )
    with transaction.atomic():
        if not Topic.objects.filter(pk=topic.pk, flagged_at__isnull=True).update(flagged_at=now):
            return None
        first = unflagged.first()
        if first is not None:
            evidence = [t.feedback.text[:300] for t in negatives.order_by("-feedback__received_at")]
            match = RuleMatch(RuleKind.NEGATIVE_TOPIC, rule.priority, detail, evidence[:5])
            return case_open(feedback=first.feedback, matches=[match]).pk
        case = Case.objects.get(feedback_id=latest[0])
        CaseEvent.objects.create(
            case=case, firm_id=case.firm_id, kind=CaseEventKind.NOTE, body=detail
        )
        return case.pk
