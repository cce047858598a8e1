"""Safety nets of the review workflow: rules that never ran, notifications that never went out.

`feedback.on_analysed` and `feedback.notify_case_opened` are published after a commit; a broker
or database blip at that moment loses the message. The state they leave is durable
(`Feedback.rules_applied_at`, `Case.notified_at`), so these sweeps find the gaps and redo the
work, which is idempotent (one case per item, one notification per case)."""

import logging
from datetime import datetime

from django.utils import timezone

from feedback.dashboards.rollups import rollups_refresh_for_feedback
from feedback.models import AnalysisStatus, Case, Feedback
from feedback.review.events import feedback_analysed_emit
from feedback.review.flagging import cases_open_for_feedback
from feedback.review.notify import case_opened_notify

logger = logging.getLogger(__name__)

SWEEP_CHUNK = 100


def feedback_rules_mark_applied(*, feedback_ids: list[int]) -> int:
    """Record that the rules, webhooks and rollups of these items' current analysis ran."""
    return Feedback.objects.filter(pk__in=feedback_ids, analysis_status=AnalysisStatus.DONE).update(
        rules_applied_at=timezone.now()
    )


def feedback_analysed_process(*, feedback_ids: list[int]) -> list[int]:
    """Run the rules, open cases, emit `feedback.analysed`, refresh rollups, then record that the
    rules ran. Idempotent: one case per feedback ever, webhook events deduplicated by id,
    missing rows skipped; a crash before the last step leaves the items to the rules sweep.
    Returns the ids of the cases that exist for these items."""
    ids = [int(i) for i in feedback_ids]
    case_ids = cases_open_for_feedback(feedback_ids=ids)
    feedback_analysed_emit(feedback_ids=ids)
    rollups_refresh_for_feedback(feedback_ids=ids)
    feedback_rules_mark_applied(feedback_ids=ids)
    return case_ids


def feedback_rules_unapplied_ids(*, older_than: datetime, limit: int = 2000) -> list[int]:
    """Analysed items whose rules never ran, analysed before `older_than` (the grace period
    lets the normal `feedback.on_analysed` message arrive first). Oldest first."""
    return list(
        Feedback.objects.filter(
            analysis_status=AnalysisStatus.DONE,
            rules_applied_at__isnull=True,
            analysis_updated_at__lt=older_than,
        )
        .order_by("analysis_updated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def feedback_rules_sweep(*, older_than: datetime) -> int:
    """Run what `feedback.on_analysed` runs for every item it missed, in chunks, in this process
    (not through the broker, which may be what lost the message). Returns how many items."""
    ids = feedback_rules_unapplied_ids(older_than=older_than)
    for start in range(0, len(ids), SWEEP_CHUNK):
        feedback_analysed_process(feedback_ids=ids[start : start + SWEEP_CHUNK])
    if ids:
        logger.warning(
            "rules sweep: ran the rules of %d analysed item(s) they had missed", len(ids)
        )
    return len(ids)


def cases_notify_sweep(*, older_than: datetime, limit: int = 200) -> int:
    """Notify cases opened before `older_than` that were never notified (the task was lost, or
    every retry failed). Each case is claimed by `case_opened_notify`, so a task still in flight
    never doubles an e-mail. Returns how many were notified."""
    sent = 0
    pending = Case.objects.filter(notified_at__isnull=True, opened_at__lt=older_than)
    for case_id in pending.order_by("opened_at").values_list("pk", flat=True)[:limit]:
        try:
            sent += case_opened_notify(case_id=case_id)
        except Exception:  # noqa: BLE001 - one failing mailbox must not stop the sweep
            logger.exception("could not notify case %s; the next sweep retries", case_id)
    return sent
