"""The retention beat task (imported by feedback.tasks so that Celery's autodiscovery finds it)."""

from celery import shared_task

from config.queues import RETENTION_PURGE_TASK
from feedback.privacy.services import firms_retention_purge


@shared_task(name=RETENTION_PURGE_TASK)
def retention_purge() -> dict[str, int]:
    """Anonymise one bounded batch per firm of feedback past its retention period. Idempotent:
    anonymised rows are never chosen again; the next run carries on where this one stopped."""
    return {str(firm_id): n for firm_id, n in firms_retention_purge().items()}
