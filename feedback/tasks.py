from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from feedback.services import feedback_sweep_expired_claims, feedback_sweep_unanalysed


@shared_task(name="feedback.sweep_unanalysed")
def sweep_unanalysed() -> int:
    """Periodic safety net: every saved item is eventually analysed, even if a worker or the
    broker died. Idempotent: rows are claimed with a guarded UPDATE."""
    return feedback_sweep_unanalysed(older_than=timezone.now() - settings.FEEDBACK_SWEEP_AFTER)


@shared_task(name="feedback.sweep_expired_claims")
def sweep_expired_claims() -> int:
    """Frequent safety net: items claimed by an NLP worker that died (its lease stopped being
    refreshed) are re-queued within seconds. Runs on the default queue, not on the NLP workers
    it watches. Idempotent: rows are locked with SKIP LOCKED."""
    return feedback_sweep_expired_claims(
        lease_expired_before=timezone.now() - settings.NLP_CLAIM_LEASE
    )


# --- Review workflow ---


# Transient failures (database, SMTP, network) are retried with capped, jittered backoff; what
# still fails is found later by the sweeps of feedback.review.recovery.
RETRY = {
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 6,
}


def analysed_process(feedback_ids: list[int]) -> list[int]:
    """Run the rules, open cases, emit `feedback.analysed`, refresh rollups, then record that the
    rules ran. Idempotent: one case per feedback ever, webhook events deduplicated by id,
    missing rows skipped; a crash before the last step leaves the items to the rules sweep.
    Returns the ids of the cases that exist for these items."""
    from feedback.dashboards.rollups import rollups_refresh_for_feedback
    from feedback.review.events import feedback_analysed_emit
    from feedback.review.recovery import feedback_rules_mark_applied
    from feedback.review.services import case_open_for_feedback

    ids = [int(i) for i in feedback_ids]
    case_ids = []
    for feedback_id in ids:
        case = case_open_for_feedback(feedback_id=feedback_id)
        if case is not None:
            case_ids.append(case.pk)
    feedback_analysed_emit(feedback_ids=ids)
    rollups_refresh_for_feedback(feedback_ids=ids)
    feedback_rules_mark_applied(feedback_ids=ids)
    return case_ids


@shared_task(name="feedback.on_analysed", autoretry_for=(OperationalError,), **RETRY)
def on_analysed(feedback_ids: list[int]) -> list[int]:
    """Sent by the NLP worker after it wrote analyses (see `analysed_process`)."""
    return analysed_process(feedback_ids)


@shared_task(
    name="feedback.notify_case_opened",
    autoretry_for=(OperationalError, SMTPException, OSError),
    **RETRY,
)
def notify_case_opened(case_id: int) -> bool:
    from feedback.review.notify import case_opened_notify

    return case_opened_notify(case_id=case_id)


@shared_task(name="feedback.sweep_review_gaps")
def sweep_review_gaps() -> dict[str, int]:
    """Periodic safety net: analysed items whose rules never ran get them now, and cases never
    notified are notified. Idempotent (see feedback.review.recovery)."""
    from feedback.review.recovery import cases_notify_sweep, feedback_rules_sweep

    older_than = timezone.now() - settings.REVIEW_SWEEP_AFTER
    return {
        "rules": feedback_rules_sweep(older_than=older_than),
        "notified": cases_notify_sweep(older_than=older_than),
    }


@shared_task(name="feedback.send_case_reply")
def send_case_reply(event_id: int) -> bool:
    from feedback.review.notify import case_reply_send

    return case_reply_send(event_id=event_id)


@shared_task(name="feedback.escalate_overdue_cases")
def escalate_overdue_cases() -> int:
    from feedback.review.services import cases_escalate_overdue

    return cases_escalate_overdue()


@shared_task(name="feedback.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    from feedback.webhooks import webhook_deliver

    return webhook_deliver(delivery_id=delivery_id)


@shared_task(name="feedback.retry_webhooks")
def retry_webhooks() -> int:
    from feedback.webhooks import webhooks_retry_due

    return webhooks_retry_due()


@shared_task(name="feedback.send_weekly_digests")
def send_weekly_digests() -> int:
    from feedback.review.digest import digests_send

    return digests_send()


@shared_task(name="feedback.refresh_rollups")
def refresh_rollups() -> int:
    """Safety net: recompute the last days' dashboard rollups of every active firm."""
    from feedback.dashboards.rollups import rollups_refresh_recent

    return rollups_refresh_recent()
