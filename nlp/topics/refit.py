"""Per-firm topics kept current by the NLP worker: embeddings stored once, new feedback assigned
between refits, a refit when enough is new (or weekly), a split on request.

Every write goes through `feedback.topics` services (identity across refits, merges, emerging
stamps and webhooks live there). Worker side: the encoder and the clustering libraries load
inside the functions that need them.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db.models import F, Q
from django.utils import timezone

from config.queues import TOPICS_REFIT_TASK
from feedback.enqueue import task_send
from feedback.models import (
    AnalysisStatus,
    Feedback,
    FeedbackEmbedding,
    Firm,
    Topic,
    TopicAssignment,
    TopicModelState,
    TopicStatus,
)
from feedback.review.topic_flags import negative_topics_flag
from feedback.topics.actions import topic_split_apply
from feedback.topics.events import topics_emergence_update
from feedback.topics.services import (
    FoundTopic,
    feedback_embeddings_store,
    topic_assignments_add,
    topic_model_claim,
    topic_model_fitted,
    topics_refit_apply,
)
from nlp.selectors import themes_by_firm

logger = logging.getLogger(__name__)

# A firm with fewer analysed comments has no topics worth the name yet.
REFIT_MIN_ITEMS = 20
# A refit is due when this many new comments arrived since the last one (at least NEW_MIN, or
# NEW_SHARE of what the last fit saw), or a week passed and anything at all is new.
REFIT_NEW_MIN = 25
REFIT_NEW_SHARE = 0.2
REFIT_EVERY = timedelta(days=7)
# Bounded work per sweep and firm: the rest waits for the next sweep.
EMBED_LIMIT = 5000
EMBED_BATCH = 512
SPLIT_MIN_ITEMS = 4


@dataclass(frozen=True)
class RefitOutcome:
    firm_id: int
    items: int
    topics: int
    seconds: float
    ran: bool


def refit_due(*, items: int, fitted_items: int, fitted_at: datetime | None, now: datetime) -> bool:
    """Whether a firm's topics should be refitted now (see the constants above)."""
    if items < REFIT_MIN_ITEMS:
        return False
    if fitted_at is None:
        return True
    new = items - fitted_items
    if new >= max(REFIT_NEW_MIN, REFIT_NEW_SHARE * fitted_items):
        return True
    return new > 0 and now - fitted_at >= REFIT_EVERY


def _analysed(firm_id: int) -> "Q":
    return Q(firm_id=firm_id, analysis_status=AnalysisStatus.DONE)


def embeddings_ensure(*, firm_id: int, limit: int = EMBED_LIMIT) -> int:
    """Encode the firm's analysed feedback that has no stored embedding of its current text
    (at most `limit`, oldest first) and store them. Idempotent. Returns how many."""
    from nlp.topics.embed import document_embeddings

    missing = list(
        Feedback.objects.filter(_analysed(firm_id))
        .filter(Q(embedding__isnull=True) | ~Q(embedding__text_hash=F("text_hash")))
        .order_by("pk")
        .values_list("pk", "text", "text_hash")[:limit]
    )
    for start in range(0, len(missing), EMBED_BATCH):
        chunk = missing[start : start + EMBED_BATCH]
        vectors = document_embeddings([text for _, text, _ in chunk])
        feedback_embeddings_store(
            firm_id=firm_id,
            rows=[(pk, h, v) for (pk, _, h), v in zip(chunk, vectors, strict=True)],
        )
    return len(missing)


def _vectors(rows: list[bytes]) -> np.ndarray:
    if not rows:
        return np.zeros((0, 0), np.float32)
    return np.stack([np.frombuffer(bytes(v), dtype=np.float16) for v in rows]).astype(np.float32)


def topics_new_assign(*, firm_id: int) -> int:
    """Assign the firm's embedded, not yet assigned feedback to the nearest active (or ignored:
    it stays out of sight) topic, between refits. Returns how many were assigned."""
    from nlp.topics.model import assign

    topics = list(
        Topic.objects.filter(
            firm_id=firm_id, status__in=[TopicStatus.ACTIVE, TopicStatus.IGNORED]
        ).exclude(centroid=b"")
    )
    if not topics:
        return 0
    rows = list(
        FeedbackEmbedding.objects.filter(firm_id=firm_id, feedback__topic_assignment__isnull=True)
        .filter(text_hash=F("feedback__text_hash"))
        .values_list("feedback_id", "vector")[:EMBED_LIMIT]
    )
    if not rows:
        return 0
    emb = _vectors([v for _, v in rows])
    centroids = np.stack([np.frombuffer(bytes(t.centroid), dtype=np.float32) for t in topics])
    labels = assign(emb, centroids)
    pairs = [
        (fid, topics[lab].pk, float(emb[i] @ centroids[lab]))
        for i, ((fid, _), lab) in enumerate(zip(rows, labels.tolist(), strict=True))
        if lab >= 0
    ]
    return topic_assignments_add(firm=Firm.objects.get(pk=firm_id), pairs=pairs)


def _found(fit: object, ids: list[int], emb: np.ndarray) -> list[FoundTopic]:
    labels = fit.assignments  # type: ignore[attr-defined]
    return [
        FoundTopic(
            label=t.label,
            keywords=t.keywords,
            centroid=t.centroid,
            members=[(ids[j], float(emb[j] @ t.centroid)) for j in np.flatnonzero(labels == t.id)],
        )
        for t in fit.topics  # type: ignore[attr-defined]
    ]


def firm_topics_refit(*, firm_id: int, seed: int = 0) -> RefitOutcome:
    """Refit the firm's topics over all its analysed feedback (promises as known topics), keep
    identity (`topics_refit_apply`), then raise emerging topics. Claimed per firm: a refit
    already running elsewhere makes this a no-op. Idempotent for a seed."""
    from nlp.topics.embed import document_embeddings
    from nlp.topics.model import topics_fit

    firm = Firm.objects.filter(pk=firm_id).first()
    if firm is None or not topic_model_claim(firm=firm):
        return RefitOutcome(firm_id, 0, 0, 0.0, False)
    started = time.monotonic()
    ok, n, k = False, 0, 0
    try:
        while embeddings_ensure(firm_id=firm_id) == EMBED_LIMIT:
            pass
        rows = list(
            FeedbackEmbedding.objects.filter(firm_id=firm_id)
            .filter(feedback__analysis_status=AnalysisStatus.DONE)
            .filter(text_hash=F("feedback__text_hash"))
            .order_by("feedback_id")
            .values_list("feedback_id", "feedback__text", "vector")
        )
        n = len(rows)
        ids, texts = [r[0] for r in rows], [r[1] for r in rows]
        emb = _vectors([r[2] for r in rows])
        themes = themes_by_firm({firm_id}).get(firm_id, [])
        found: list[FoundTopic] = []
        if n >= REFIT_MIN_ITEMS:
            fit = topics_fit(texts, emb, themes=themes, embed=document_embeddings, seed=seed)
            found = _found(fit, ids, emb)
        k = len(found)
        topics_refit_apply(firm=firm, found=found)
        ok = True
    finally:
        topic_model_fitted(firm=firm, items=n, seconds=time.monotonic() - started, ok=ok)
    topics_emergence_update(firm=firm)
    seconds = time.monotonic() - started
    logger.info("topics of firm %s refitted: %d items, %d topics, %.1fs", firm_id, n, k, seconds)
    return RefitOutcome(firm_id, n, k, seconds, True)


def topics_sweep(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Beat: for every firm, store missing embeddings, assign new feedback to its topics, raise
    emerging ones, and queue a refit where one is due (`refit_due`). Idempotent."""
    now = now or timezone.now()
    refits, assigned = [], []
    states = {s.firm_id: s for s in TopicModelState.objects.all()}
    for firm in Firm.objects.order_by("pk"):
        items = Feedback.objects.filter(_analysed(firm.pk)).count()
        if not items:
            continue
        state = states.get(firm.pk)
        due = refit_due(
            items=items,
            fitted_items=state.fitted_items if state else 0,
            fitted_at=state.fitted_at if state else None,
            now=now,
        )
        if due:
            refits.append(firm.pk)
            task_send(TOPICS_REFIT_TASK, [firm.pk])
            continue
        if not Topic.objects.filter(firm=firm).exists():
            continue
        embeddings_ensure(firm_id=firm.pk)
        if topics_new_assign(firm_id=firm.pk):
            assigned.append(firm.pk)
        topics_emergence_update(firm=firm, now=now)
        negative_topics_flag(firm=firm, now=now)
    return {"refit": refits, "assigned": assigned}


def topic_split(*, topic_id: int, seed: int = 0) -> list[int]:
    """Refit within one active topic: its feedback clustered on its own; two or more parts
    split it (`topic_split_apply`), one part changes nothing. Returns the parts' topic ids."""
    from nlp.topics.model import topics_fit

    topic = Topic.objects.filter(pk=topic_id, status=TopicStatus.ACTIVE).first()
    if topic is None:
        return []
    embeddings_ensure(firm_id=topic.firm_id)
    rows = list(
        TopicAssignment.objects.filter(topic=topic, feedback__embedding__isnull=False)
        .order_by("feedback_id")
        .values_list("feedback_id", "feedback__text", "feedback__embedding__vector")
    )
    if len(rows) < SPLIT_MIN_ITEMS:
        return [topic.pk]
    emb = _vectors([r[2] for r in rows])
    fit = topics_fit([r[1] for r in rows], emb, seed=seed)
    return topic_split_apply(topic_id=topic.pk, parts=_found(fit, [r[0] for r in rows], emb))
