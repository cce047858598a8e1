"""Writes on topics: a refit's result applied with identity kept, and people's edits (audited).

Every edit a person makes is kept by later refits: a renamed topic keeps its name, an ignored
one stays ignored, a merged one stays folded into its target (its feedback is assigned there).
"""

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.models import Firm, Member, Topic, TopicAssignment, TopicStatus
from feedback.services import audit_record
from feedback.topics.identity import topics_match


@dataclass(frozen=True)
class FoundTopic:
    """One topic of a refit: its label, keywords, unit centroid and its feedback (id, cosine)."""

    label: str
    keywords: list[str]
    centroid: np.ndarray
    members: list[tuple[int, float]]


def _centroid(topic: Topic) -> np.ndarray:
    return np.frombuffer(bytes(topic.centroid), dtype=np.float32)


def _final(topic: Topic) -> Topic:
    """Follow merges to the topic that now holds the feedback (a chain is short, bounded)."""
    seen = {topic.pk}
    while topic.status == TopicStatus.MERGED:
        target = topic.merged_into_id
        if target is None or target in seen:
            break
        seen.add(target)
        topic = Topic.objects.get(pk=target)
    return topic


@transaction.atomic
def topics_refit_apply(*, firm: Firm, found: list[FoundTopic]) -> dict[int, int]:
    """Replace the firm's topics with a refit's, keeping identity: each found topic matched to
    an existing one (`feedback.topics.identity.topics_match`) updates that row, the others are
    created, existing topics left unmatched fade. Assignments are rewritten. Idempotent: the
    same `found` twice gives the same rows. Returns {found index: topic id}."""
    existing = list(Topic.objects.select_for_update().filter(firm=firm).order_by("pk"))
    with_centroid = [t for t in existing if t.centroid]
    matching = topics_match(
        np.stack([_centroid(t) for t in with_centroid]) if with_centroid else np.zeros((0, 1)),
        [t.keywords for t in with_centroid],
        np.stack([f.centroid for f in found]) if found else np.zeros((0, 1)),
        [f.keywords for f in found],
    )
    now = timezone.now()
    ids: dict[int, int] = {}
    kept = set()
    for index, item in enumerate(found):
        topic = with_centroid[matching[index]] if index in matching else Topic(firm=firm)
        if not topic.label_set_by_person:
            topic.label = item.label[:200] or "(unnamed)"
        topic.keywords = list(item.keywords)
        topic.centroid = np.asarray(item.centroid, dtype=np.float32).tobytes()
        topic.size = len(item.members)
        topic.fitted_at = now
        if topic.status == TopicStatus.FADED:
            topic.status = TopicStatus.ACTIVE
        topic.full_clean()
        topic.save()
        ids[index] = topic.pk
        kept.add(topic.pk)
    Topic.objects.filter(firm=firm, status=TopicStatus.ACTIVE).exclude(pk__in=kept).update(
        status=TopicStatus.FADED, size=0
    )
    TopicAssignment.objects.filter(firm=firm).delete()
    rows = []
    for index, item in enumerate(found):
        target = _final(Topic.objects.get(pk=ids[index]))
        rows += [
            TopicAssignment(firm=firm, feedback_id=fid, topic=target, similarity=sim)
            for fid, sim in item.members
        ]
    TopicAssignment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return ids


@transaction.atomic
def topic_rename(*, topic: Topic, label: str, actor: Member | None = None) -> Topic:
    """A person's name for the topic; refits keep it."""
    old = topic.label
    topic.label = label.strip()
    topic.label_set_by_person = True
    topic.full_clean()
    topic.save(update_fields=["label", "label_set_by_person"])
    audit_record(firm=topic.firm, action="topic.rename", obj=topic, actor=actor, data={"from": old})
    return topic


@transaction.atomic
def topic_ignore(*, topic: Topic, actor: Member | None = None) -> Topic:
    topic.status = TopicStatus.IGNORED
    topic.save(update_fields=["status"])
    audit_record(firm=topic.firm, action="topic.ignore", obj=topic, actor=actor)
    return topic


@transaction.atomic
def topic_merge(*, source: Topic, target: Topic, actor: Member | None = None) -> Topic:
    """Fold `source` into `target` (same firm): its feedback moves there, now and on refits."""
    if source.firm_id != target.firm_id or source.pk == target.pk:
        raise ValidationError("a topic merges into another topic of the same firm")
    if _final(target).pk == source.pk:
        raise ValidationError("that merge would make a loop")
    source.status = TopicStatus.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into"])
    moved = TopicAssignment.objects.filter(topic=source).update(topic=target)
    target.size = TopicAssignment.objects.filter(topic=target).count()
    target.save(update_fields=["size"])
    audit_record(
        firm=source.firm,
        action="topic.merge",
        obj=source,
        actor=actor,
        data={"into": target.pk, "moved": moved},
    )
    return target
