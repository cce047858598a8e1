"""Claims on feedback being analysed are leases: kept alive while a worker works on them.

A claim is `analysis_status = running` plus `analysis_updated_at`, the lease's last refresh. A
worker killed with SIGKILL (or out of memory) stops refreshing; the sweeper
`feedback.sweep_expired_claims` puts its items back to pending within seconds, instead of
waiting for the broker's visibility timeout or the slow sweep of stuck items."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.utils import timezone

from feedback.models import AnalysisStatus, Feedback

logger = logging.getLogger(__name__)


@contextmanager
def feedback_claim_lease_kept(*, feedback_ids: list[int]) -> Iterator[None]:
    """Keep the claim on these running items alive while the body runs: a thread refreshes their
    `analysis_updated_at` every NLP_CLAIM_HEARTBEAT_SECONDS. A worker killed mid-batch stops
    refreshing, and `feedback_sweep_expired_claims` hands its items on after NLP_CLAIM_LEASE."""
    stop = threading.Event()

    def refresh() -> None:
        try:
            while not stop.wait(settings.NLP_CLAIM_HEARTBEAT_SECONDS):
                Feedback.objects.filter(
                    pk__in=feedback_ids, analysis_status=AnalysisStatus.RUNNING
                ).update(analysis_updated_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed refresh only shortens the lease
            logger.warning("could not refresh the claim of %d item(s)", len(feedback_ids))
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=refresh, name="nlp-claim-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
