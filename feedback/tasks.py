"""Thin Celery tasks of the feedback app: ids in, one service call inside, idempotent."""

from celery import shared_task
from django.conf import settings
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
    SWEEP_UNANALYSED_TASK,
)
from feedback.dashboards.rollups import rollups_refresh_for_feedback, rollups_refresh_recent
from feedback.review.digest import digests_send
from feedback.review.events import feedback_analysed_emit
from feedback.review.notify import case_opened_notify, case_reply_send
from feedback.review.services import case_open_for_feedback, cases_escalate_overdue
from feedback.services import feedback_sweep_unanalysed
from feedback.webhooks import webhook_deliver, webhooks_retry_due


@shared_task(name=SWEEP_UNANALYSED_TASK)
def sweep_unanalysed() -> int:
    """Periodic safety net: every saved item is eventually analysed, even if a worker or the
    broker died. Idempotent: rows are claimed with a guarded UPDATE."""
    return feedback_sweep_unanalysed(older_than=timezone.now() - settings.FEEDBACK_SWEEP_AFTER)


# --- Review workflow ---


@shared_task(name=ON_ANALYSED_TASK)
def on_analysed(feedback_ids: list[int]) -> list[int]:
    """Sent by the NLP worker after it wrote analyses: run the rules, open cases, emit
    `feedback.analysed`. Idempotent: one case per feedback ever; missing rows are skipped.
    Returns the ids of the cases that exist for these items."""
    case_ids = []
    for feedback_id in feedback_ids:
        case = case_open_for_feedback(feedback_id=int(feedback_id))
        if case is not None:
            case_ids.append(case.pk)
    feedback_analysed_emit(feedback_ids=[int(i) for i in feedback_ids])
    rollups_refresh_for_feedback(feedback_ids=[int(i) for i in feedback_ids])
    return case_ids


@shared_task(name=NOTIFY_CASE_OPENED_TASK)
def notify_case_opened(case_id: int) -> bool:
    return case_opened_notify(case_id=case_id)


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
