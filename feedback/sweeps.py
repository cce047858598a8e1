"""Safety nets of the analysis pipeline: every saved item is eventually analysed, even if a
worker, the broker or the database died. Both sweeps are idempotent and safe to run at once."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from feedback.models import AnalysisStatus, Feedback
from feedback.services import analysis_enqueue, analysis_wake

logger = logging.getLogger(__name__)


def feedback_sweep_unanalysed(*, older_than: datetime, max_attempts: int = 5) -> int:
    """Re-queue feedback left pending or running since before `older_than`.

    Items that already used `max_attempts` are marked failed (a terminal, visible state). Each
    row is claimed with a guarded UPDATE, so two sweepers never queue the same item twice.
    Returns how many items were re-queued.
    """
    stale = Feedback.objects.filter(
        analysis_status__in=[AnalysisStatus.PENDING, AnalysisStatus.RUNNING],
        analysis_updated_at__lt=older_than,
    )
    now = timezone.now()
    stale.filter(analysis_attempts__gte=max_attempts).update(
        analysis_status=AnalysisStatus.FAILED,
        analysis_error="Gave up after repeated attempts.",
        analysis_updated_at=now,
    )
    requeued: list[int] = []
    for pk, status in stale.values_list("pk", "analysis_status")[:5000]:
        claimed = Feedback.objects.filter(
            pk=pk, analysis_status=status, analysis_updated_at__lt=older_than
        ).update(analysis_status=AnalysisStatus.PENDING, analysis_updated_at=now)
        if claimed:
            requeued.append(pk)
    for start in range(0, len(requeued), settings.NLP_BATCH_SIZE):
        analysis_enqueue(requeued[start : start + settings.NLP_BATCH_SIZE])
    return len(requeued)


def feedback_sweep_expired_claims(*, lease_expired_before: datetime, max_attempts: int = 5) -> int:
    """Hand on items whose analysis claim expired (running, not refreshed since
    `lease_expired_before`: their worker died, see nlp.claims): back to pending and re-queued, or
    failed after `max_attempts` claims (an item that kills its worker every time). Rows are
    locked with SKIP LOCKED, so concurrent sweeps never queue an item twice. Wakes the NLP
    workers when an item has been pending since before `lease_expired_before`. Returns how many
    items were re-queued."""
    expired = Feedback.objects.filter(
        analysis_status=AnalysisStatus.RUNNING, analysis_updated_at__lt=lease_expired_before
    )
    now = timezone.now()
    with transaction.atomic():
        locked = list(expired.select_for_update(skip_locked=True).values_list("pk", flat=True))
        expired.filter(pk__in=locked, analysis_attempts__gte=max_attempts).update(
            analysis_status=AnalysisStatus.FAILED,
            analysis_error="Its worker was lost on every attempt.",
            analysis_updated_at=now,
        )
        requeued = list(expired.filter(pk__in=locked).order_by("pk").values_list("pk", flat=True))
        expired.filter(pk__in=requeued).update(
            analysis_status=AnalysisStatus.PENDING, analysis_updated_at=now
        )
    if requeued:
        logger.warning("re-queued %d item(s) whose analysis claim expired", len(requeued))
    for start in range(0, len(requeued), settings.NLP_BATCH_SIZE):
        analysis_enqueue(requeued[start : start + settings.NLP_BATCH_SIZE])
    # An item pending for a whole lease without a claim: every worker is busy, or the wake-up
    # that covered it was lost (with a worker killed before it started, or with the broker).
    # One more wake-up costs a message; the slow sweep above would take FEEDBACK_SWEEP_AFTER.
    if Feedback.objects.filter(
        analysis_status=AnalysisStatus.PENDING, analysis_updated_at__lt=lease_expired_before
    ).exists():
        analysis_wake(force=True)
    return len(requeued)
