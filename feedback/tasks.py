"""Thin Celery tasks of the feedback app: ids in, one service call inside, idempotent."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from config.queues import (
    DELIVER_WEBHOOK_TASK,
    ESCALATE_OVERDUE_CASES_TASK,
    NOTIFY_CASE_OPENED_TASK,
    ON_ANALYSED_TASK,
    REFRESH_ROLLUPS_TASK,
    RETRY_WEBHOOKS_TASK,
    SEND_CASE_REPLY_TASK,
    SEND_WEEKLY_DIGESTS_TASK,
    SWEEP_EXPIRED_CLAIMS_TASK,
    SWEEP_REVIEW_GAPS_TASK,
    SWEEP_UNANALYSED_TASK,
)
from feedback.dashboards.rollups import rollups_refresh_recent
from feedback.privacy import tasks as privacy_tasks  # noqa: F401  (registers the retention task)
from feedback.review.digest import digests_send
from feedback.review.notify import case_opened_notify, case_reply_send
from feedback.review.recovery import (
    cases_notify_sweep,
    feedback_analysed_process,
    feedback_rules_sweep,
)
from feedback.review.services import cases_escalate_overdue
from feedback.sweeps import feedback_sweep_expired_claims, feedback_sweep_unanalysed
from feedback.webhooks import webhook_deliver, webhooks_retry_due


@shared_task(name=SWEEP_UNANALYSED_TASK)
def sweep_unanalysed() -> int:
    """Periodic safety net: every saved item is eventually analysed, even if a worker or the
    broker died. Idempotent: rows are claimed with a guarded UPDATE."""
    return feedback_sweep_unanalysed(older_than=timezone.now() - settings.FEEDBACK_SWEEP_AFTER)


@shared_task(name=SWEEP_EXPIRED_CLAIMS_TASK)
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


@shared_task(name=ON_ANALYSED_TASK, autoretry_for=(OperationalError,), **RETRY)
def on_analysed(feedback_ids: list[int]) -> list[int]:
    """Sent by the NLP worker after it wrote analyses (see `feedback_analysed_process`)."""
    return feedback_analysed_process(feedback_ids=feedback_ids)


@shared_task(
    name=NOTIFY_CASE_OPENED_TASK,
    autoretry_for=(OperationalError, SMTPException, OSError),
    **RETRY,
)
def notify_case_opened(case_id: int) -> bool:
    return case_opened_notify(case_id=case_id)


@shared_task(name=SWEEP_REVIEW_GAPS_TASK)
def sweep_review_gaps() -> dict[str, int]:
    """Periodic safety net: analysed items whose rules never ran get them now, and cases never
    notified are notified. Idempotent (see feedback.review.recovery)."""
    older_than = timezone.now() - settings.REVIEW_SWEEP_AFTER
    return {
        "rules": feedback_rules_sweep(older_than=older_than),
        "notified": cases_notify_sweep(older_than=older_than),
    }


@shared_task(name=SEND_CASE_REPLY_TASK)
def send_case_reply(event_id: int) -> bool:
    return case_reply_send(event_id=event_id)


@shared_task(name=ESCALATE_OVERDUE_CASES_TASK)
def escalate_overdue_cases() -> int:
    return cases_escalate_overdue()


@shared_task(name=DELIVER_WEBHOOK_TASK)
def deliver_webhook(delivery_id: int) -> str:
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(name=RETRY_WEBHOOKS_TASK)
def retry_webhooks() -> int:
    return webhooks_retry_due()


@shared_task(name=SEND_WEEKLY_DIGESTS_TASK)
def send_weekly_digests() -> int:
    return digests_send()


@shared_task(name=REFRESH_ROLLUPS_TASK)
def refresh_rollups() -> int:
    """Safety net: recompute the last days' dashboard rollups of every active firm."""
    return rollups_refresh_recent()
