"""Celery tasks of the NLP worker (queue `nlp`). Thin wrappers over nlp.services, taking ids."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

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
