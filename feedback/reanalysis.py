"""Re-analysis of stored feedback after a model change: back to pending, queued in batches."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback.models import AnalysisStatus, Feedback, Firm
from feedback.services import analysis_request_on_commit

# Ids reset per transaction (one UPDATE); each is then queued as tasks of `batch_size`.
RESET_CHUNK = 2048
_FINISHED = Q(analysis_status=AnalysisStatus.DONE) | Q(analysis_status=AnalysisStatus.FAILED)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    elapsed_s: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the rate so far (None before there is a rate)."""
        return (self.total - self.done) / self.rate if self.rate > 0 else None


def reanalysis_scope(
    *, firm: Firm | None = None, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[Feedback]:
    qs = Feedback.objects.all()
    if firm is not None:
        qs = qs.filter(firm=firm)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    return qs


def feedback_reanalyse(
    *,
    firm: Firm | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch_size: int = 64,
    progress: Callable[[Progress], None] | None = None,
) -> int:
    """Put matching feedback (done or failed) back to pending and wake the NLP workers on commit,
    e.g. after a model change. Items already pending/running are left to their current run.
    Returns how many items were queued; `progress` is told after each chunk.

    Walks the ids in key order, a chunk at a time (memory stays flat for millions of rows), one
    short transaction per chunk so the worker starts on the first chunk at once."""
    qs = reanalysis_scope(firm=firm, since=since, until=until).filter(_FINISHED)
    total_expected = qs.count() if progress is not None else 0
    started = time.monotonic()
    total, last = 0, 0
    while True:
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:RESET_CHUNK])
        if not ids:
            break
        last = ids[-1]
        with transaction.atomic():
            total += (
                Feedback.objects.filter(pk__in=ids)
                .filter(_FINISHED)
                .update(
                    analysis_status=AnalysisStatus.PENDING,
                    analysis_attempts=0,
                    analysis_error="",
                    analysis_updated_at=timezone.now(),
                )
            )
            analysis_request_on_commit(ids, batch_size=batch_size)
        if progress is not None:
            progress(Progress(total, max(total, total_expected), time.monotonic() - started))
    return total


def reanalysis_remaining(
    *, firm: Firm | None = None, since: datetime | None = None, until: datetime | None = None
) -> int:
    """Items of this scope still waiting for (or in) analysis."""
    return (
        reanalysis_scope(firm=firm, since=since, until=until)
        .filter(analysis_status__in=[AnalysisStatus.PENDING, AnalysisStatus.RUNNING])
        .count()
    )
