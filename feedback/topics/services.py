"""Writes on topics: a refit's result applied with identity kept, and people's edits (audited).

Every edit a person makes is kept by later refits: a renamed topic keeps its name, an ignored
one stays ignored, a merged one stays folded into its target (its feedback is assigned there).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from feedback.models import (
    FeedbackEmbedding,
    Firm,
    Topic,
    TopicAssignment,
    TopicModelState,
    TopicStatus,
)
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


def topic_final(topic: Topic) -> Topic:
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
        target = topic_final(Topic.objects.get(pk=ids[index]))
        rows += [
            TopicAssignment(firm=firm, feedback_id=fid, topic=target, similarity=sim)
            for fid, sim in item.members
        ]
    TopicAssignment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return ids


def feedback_embeddings_store(*, firm_id: int, rows: list[tuple[int, str, np.ndarray]]) -> None:
    """Upsert (feedback id, analysed text hash, unit vector) rows as float16 bytes: an edited
    text's new vector replaces the old one. Idempotent."""
    FeedbackEmbedding.objects.bulk_create(
        [
            FeedbackEmbedding(
                feedback_id=fid,
                firm_id=firm_id,
                text_hash=text_hash,
                vector=np.asarray(vector, dtype=np.float16).tobytes(),
            )
            for fid, text_hash, vector in rows
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["feedback"],
        update_fields=["text_hash", "vector"],
    )


@transaction.atomic
def topic_assignments_add(*, firm: Firm, pairs: list[tuple[int, int, float]]) -> int:
    """Assign new feedback to existing topics between refits: (feedback id, topic id, cosine).
    A merged topic's feedback goes to the topic it was merged into; feedback already assigned
    and topics of another firm are skipped, so running it twice adds nothing. Returns how many
    were added."""
    topics = {t.pk: t for t in Topic.objects.filter(firm=firm, pk__in={p[1] for p in pairs})}
    targets = {pk: topic_final(t).pk for pk, t in topics.items()}
    already = set(
        TopicAssignment.objects.filter(feedback_id__in=[p[0] for p in pairs]).values_list(
            "feedback_id", flat=True
        )
    )
    rows = [
        TopicAssignment(firm=firm, feedback_id=fid, topic_id=targets[tid], similarity=sim)
        for fid, tid, sim in pairs
        if tid in targets and fid not in already
    ]
    TopicAssignment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    for pk in {r.topic_id for r in rows}:
        Topic.objects.filter(pk=pk).update(size=TopicAssignment.objects.filter(topic_id=pk).count())
    return len(rows)


def topic_model_claim(*, firm: Firm, stale_after_s: int = 3600) -> bool:
    """Claim the firm's refit (guarded UPDATE): False when another refit holds a fresh claim."""
    TopicModelState.objects.get_or_create(firm=firm)
    now = timezone.now()
    free = TopicModelState.objects.filter(firm=firm).filter(
        models.Q(refit_started_at__isnull=True)
        | models.Q(refit_started_at__lt=now - timedelta(seconds=stale_after_s))
    )
    return free.update(refit_started_at=now) == 1


def topic_model_fitted(*, firm: Firm, items: int, seconds: float, ok: bool = True) -> None:
    """Release the refit claim; on success record when and over how many items it fitted."""
    fields: dict[str, object] = {"refit_started_at": None}
    if ok:
        fields.update(fitted_at=timezone.now(), fitted_items=items, fit_seconds=round(seconds, 2))
    TopicModelState.objects.filter(firm=firm).update(**fields)


@transaction.atomic
def topic_rename(*, topic: Topic, label: str, actor: Any = None) -> Topic:
    """A person's name for the topic; refits keep it."""
    old = topic.label
    topic.label = label.strip()
    topic.label_set_by_person = True
    topic.full_clean()
    topic.save(update_fields=["label", "label_set_by_person"])
    audit_record(firm=topic.firm, action="topic.rename", obj=topic, actor=actor, data={"from": old})
    return topic


@transaction.atomic
def topic_ignore(*, topic: Topic, actor: Any = None) -> Topic:
    topic.status = TopicStatus.IGNORED
    topic.save(update_fields=["status"])
    audit_record(firm=topic.firm, action="topic.ignore", obj=topic, actor=actor)
    return topic


@transaction.atomic
def topic_merge(*, source: Topic, target: Topic, actor: Any = None) -> Topic:
    """Fold `source` into `target` (same firm): its feedback moves there, now and on refits."""
    if source.firm_id != target.firm_id or source.pk == target.pk:
        raise ValidationError("a topic merges into another topic of the same firm")
    if topic_final(target).pk == source.pk:
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
