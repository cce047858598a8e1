"""Thin Celery tasks: stable names, JSON-only arguments, idempotent (a missing row is a no-op).

Routes: config/queues.py (sending invitations on the email queue, planning on ingest).
"""

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from config.queues import (
    CAMPAIGN_LAUNCH_TASK,
    RETRY_DEFERRED_INVITATIONS_TASK,
    REVIEW_REQUESTS_TASK,
    SEND_DUE_INVITATIONS_TASK,
)
from feedback.enqueue import task_send_on_commit
from listening.campaigns.models import Campaign
from listening.campaigns.services import launch, sending

REVIEW_LOOKBACK = timedelta(days=7)
RETRY_BATCH = 500


@shared_task(name=SEND_DUE_INVITATIONS_TASK)
def send_due_invitations(batch_size: int | None = None) -> dict:
    """Send one bounded batch of due invitations and reminders. If the batch was full, queue
    the next one, so a large wave drains without one long task."""
    size = batch_size or settings.CAMPAIGNS_SEND_BATCH_SIZE
    report = sending.invitations_send_due(batch_size=size)
    if report.sent + report.reminded >= size:
        task_send_on_commit(SEND_DUE_INVITATIONS_TASK, kwargs={"batch_size": size})
    return {
        "sent": report.sent,
        "reminded": report.reminded,
        "retrying": report.retrying,
        "failed": report.failed,
        "cancelled": report.cancelled,
    }


@shared_task(name=CAMPAIGN_LAUNCH_TASK)
def campaign_launch(campaign_id: int, occasion: str = "", scheduled_for: str = "") -> dict:
    """Launch a wave (run by the campaign's django-celery-beat schedule, or by an admin's
    "Launch", with `scheduled_for` an ISO date-time to send at). No-op for a missing or inactive
    campaign; idempotent per occasion (default: the send day in the firm's zone)."""
    campaign = Campaign.objects.select_related("firm").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.ACTIVE:
        return {"invited": 0}
    when = datetime.fromisoformat(scheduled_for) if scheduled_for else None
    report = launch.campaign_launch(campaign=campaign, occasion=occasion, scheduled_for=when)
    return {"invited": report.invited, "already": report.already, "skipped": report.skipped}


@shared_task(name=REVIEW_REQUESTS_TASK)
def review_requests_for_closed_engagements() -> dict:
    """Daily: review requests for engagements closed in the last week (idempotent overlap)."""
    since = timezone.now().date() - REVIEW_LOOKBACK
    report = launch.review_requests_for_closed_engagements(since=since)
    return {"invited": report.invited, "already": report.already, "skipped": report.skipped}


@shared_task(name=RETRY_DEFERRED_INVITATIONS_TASK)
def retry_deferred_invitations(batch_size: int = RETRY_BATCH) -> dict:
    """Ask again, under governance, for the NPS invitations a quiet period deferred once it has
    ended. Idempotent (each skip is claimed); queues the next batch if this one was full."""
    report = launch.skips_retry_due(batch_size=batch_size)
    if report.invited + report.already + sum(report.skipped.values()) >= batch_size:
        task_send_on_commit(RETRY_DEFERRED_INVITATIONS_TASK, kwargs={"batch_size": batch_size})
    return {"invited": report.invited, "already": report.already, "skipped": report.skipped}
