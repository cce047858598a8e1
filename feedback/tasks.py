from celery import shared_task
from django.conf import settings
from django.utils import timezone

from feedback.services import feedback_sweep_unanalysed


@shared_task(name="feedback.sweep_unanalysed")
def sweep_unanalysed() -> int:
    """Periodic safety net: every saved item is eventually analysed, even if a worker or the
    broker died. Idempotent: rows are claimed with a guarded UPDATE."""
    return feedback_sweep_unanalysed(older_than=timezone.now() - settings.FEEDBACK_SWEEP_AFTER)
