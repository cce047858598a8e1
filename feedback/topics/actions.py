"""People's actions on a topic beyond a name: promote it to a brand promise, split it, ask for
a refit. Each is audited; a split and a refit run on the NLP worker (they need embeddings and
clustering), so these services only queue them, after commit."""

from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.queues import TOPIC_SPLIT_TASK, TOPICS_REFIT_TASK
from feedback.enqueue import task_send_on_commit
from feedback.models import BrandPromise, Firm, Topic, TopicAssignment, TopicStatus
from feedback.services import audit_record
from feedback.topics.services import FoundTopic

PROMISE_EXAMPLES = 5
EXAMPLE_CHARS = 300


@transaction.atomic
def topic_promote(*, topic: Topic, actor: Any = None, name: str = "") -> BrandPromise:
    """A new active brand promise named after the topic (or `name`), its examples the topic's
    most representative comments. Refused (ValidationError) for a topic already promoted or a
    name the firm's promises already use."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.promise_id is not None:
        raise ValidationError("This topic is already a brand promise.")
    name = (name or topic.label).strip()[:100]
    if BrandPromise.objects.filter(firm_id=topic.firm_id, name__iexact=name).exists():
        raise ValidationError(f"The firm already has a brand promise named “{name}”.")
    examples = [
        text[:EXAMPLE_CHARS]
        for text in TopicAssignment.objects.filter(topic=topic)
        .order_by("-similarity", "pk")
        .values_list("feedback__text", flat=True)[:PROMISE_EXAMPLES]
    ]
    promise = BrandPromise(
        firm_id=topic.firm_id,
        name=name,
        description="Promoted from a topic clients raised: " + ", ".join(topic.keywords[:5]),
        examples=examples,
        active=True,
    )
    promise.full_clean()
    promise.save()
    topic.promise = promise
    topic.save(update_fields=["promise"])
    audit_record(
        firm=topic.firm,
        action="topic.promote",
        obj=topic,
        actor=actor,
        data={"promise": promise.pk, "examples": len(examples)},
    )
    return promise


@transaction.atomic
def topic_split_request(*, topic: Topic, actor: Any = None) -> None:
    """Queue a split of this active topic (the worker refits within it)."""
    if topic.status != TopicStatus.ACTIVE:
        raise ValidationError("Only an active topic can be split.")
    audit_record(firm=topic.firm, action="topic.split_requested", obj=topic, actor=actor)
    task_send_on_commit(TOPIC_SPLIT_TASK, [topic.pk])


@transaction.atomic
def topics_refit_request(*, firm: Firm, actor: Any = None) -> None:
    """Queue a refit of the firm's topics now (the beat also refits when enough is new)."""
    audit_record(firm=firm, action="topics.refit_requested", obj=firm, actor=actor)
    task_send_on_commit(TOPICS_REFIT_TASK, [firm.pk])


@transaction.atomic
def topic_split_apply(*, topic_id: int, parts: list[FoundTopic]) -> list[int]:
    """Apply a split found by the worker: the largest part keeps the topic (its id, a person's
    name, its history), each other part becomes a new topic and its feedback moves there.
    Fewer than two parts, or a topic no longer active, changes nothing. Returns the topic ids
    of the parts (the kept one first)."""
    topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
    if topic is None or topic.status != TopicStatus.ACTIVE or len(parts) < 2:
        return [topic.pk] if topic else []
    parts = sorted(parts, key=lambda p: -len(p.members))
    now = timezone.now()
    ids = [topic.pk]
    for index, part in enumerate(parts):
        target = topic if index == 0 else Topic(firm_id=topic.firm_id)
        if index or not topic.label_set_by_person:
            target.label = part.label[:200] or "(unnamed)"
        target.keywords = list(part.keywords)
        target.centroid = np.asarray(part.centroid, dtype=np.float32).tobytes()
        target.fitted_at = now
        target.full_clean()
        target.save()
        if index:
            ids.append(target.pk)
            TopicAssignment.objects.filter(
                topic=topic, feedback_id__in=[fid for fid, _ in part.members]
            ).update(topic=target)
    for pk in ids:
        Topic.objects.filter(pk=pk).update(size=TopicAssignment.objects.filter(topic_id=pk).count())
    audit_record(firm=topic.firm, action="topic.split", obj=topic, data={"into": ids})
    return ids
