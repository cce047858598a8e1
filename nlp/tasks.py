"""Celery tasks of the NLP worker (queue `nlp`). Thin wrappers over nlp.services, taking ids."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from config.queues import (
    ANALYSE_PENDING_TASK,
    TOPIC_SPLIT_TASK,
    TOPICS_REFIT_TASK,
    TOPICS_SWEEP_TASK,
)
from feedback.services import analysis_wake_taken
from nlp.drain import feedback_analyse_pending
from nlp.services import feedback_analyse_batch


@shared_task(
    name="nlp.analyse_batch",
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def analyse_batch(feedback_ids: list[int]) -> dict[str, list[int]]:
    """Analyse these feedback items (sent by feedback_ingest on commit, by the sweeper, by
    `reanalyse`). Idempotent: only pending items are claimed, results are upserts, missing rows
    are skipped; a poison item is marked failed without failing the batch; database outages
    are retried with capped exponential backoff."""
    outcome = feedback_analyse_batch(
        feedback_ids=[int(i) for i in feedback_ids], fill_to=settings.NLP_BATCH_SIZE
    )
    return {"done": outcome.done, "failed": outcome.failed, "skipped": outcome.skipped}


@shared_task(
    name=ANALYSE_PENDING_TASK,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def analyse_pending() -> dict[str, int]:
    """Wake-up (published on commit by ingestion, at most one waiting): analyse pending items in
    batches until none is left, or for NLP_DRAIN_SECONDS and then wake again. Clears its wake-up
    flag before it looks, so an item committed later wakes a worker again. Idempotent (claims);
    database outages are retried with capped exponential backoff."""
    analysis_wake_taken()
    outcome = feedback_analyse_pending(
        batch_size=settings.NLP_BATCH_SIZE, budget_s=settings.NLP_DRAIN_SECONDS
    )
    return {
        "batches": outcome.batches,
        "done": outcome.done,
        "failed": outcome.failed,
        "drained": int(outcome.drained),
    }


@shared_task(name=TOPICS_SWEEP_TASK, soft_time_limit=900, time_limit=960)
def topics_sweep() -> dict[str, list[int]]:
    """Beat: assign new feedback to each firm's topics and queue the refits that are due.
    Idempotent (stored embeddings, assignments skip what is assigned, refits are claimed)."""
    from nlp.topics.refit import topics_sweep as sweep

    return sweep()


@shared_task(name=TOPICS_REFIT_TASK, soft_time_limit=1800, time_limit=1900)
def topics_refit(firm_id: int) -> dict[str, int]:
    """Refit one firm's topics, keeping their identity. A missing firm or a refit already
    running is a no-op; running it twice gives the same topics."""
    from nlp.topics.refit import firm_topics_refit

    outcome = firm_topics_refit(firm_id=int(firm_id))
    return {"items": outcome.items, "topics": outcome.topics, "ran": int(outcome.ran)}


@shared_task(name=TOPIC_SPLIT_TASK, soft_time_limit=600, time_limit=660)
def topic_split(topic_id: int) -> list[int]:
    """Split one topic by refitting within it; a missing or inactive topic is a no-op."""
    from nlp.topics.refit import topic_split as split

    return split(topic_id=int(topic_id))
