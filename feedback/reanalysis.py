"""Re-analysis of stored feedback after a model change: back to pending, queued in batches."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.queues import ANALYSE_TASK
from feedback.enqueue import task_send_on_commit
from feedback.models import AnalysisStatus, Feedback, Firm


def feedback_reanalyse(
    *,
    firm: Firm | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch_size: int = 64,
) -> int:
    """Put matching feedback (done or failed) back to pending and queue it in batches on commit,
    e.g. after a model change. Items already pending/running are left to their current run.
    Returns how many items were queued."""
    qs = Feedback.objects.filter(
        Q(analysis_status=AnalysisStatus.DONE) | Q(analysis_status=AnalysisStatus.FAILED)
    )
    if firm is not None:
        qs = qs.filter(firm=firm)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    total = 0
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            n = (
                Feedback.objects.filter(pk__in=chunk)
                .filter(
                    Q(analysis_status=AnalysisStatus.DONE)
                    | Q(analysis_status=AnalysisStatus.FAILED)
                )
                .update(
                    analysis_status=AnalysisStatus.PENDING,
                    analysis_attempts=0,
                    analysis_error="",
                    analysis_updated_at=timezone.now(),
                )
            )
            total += n
            task_send_on_commit(ANALYSE_TASK, [chunk])
    return total
