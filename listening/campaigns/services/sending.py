"""Sending invitations and their single reminder.

Each row is claimed with a guarded UPDATE (status SCHEDULED -> SENDING, or SENT -> REMINDING)
before anything leaves the building, so two runs of the sender never email the same invitation
twice. SMTP failures put the row back with a backoff time (`next_attempt_at` / `remind_at`)
until `CAMPAIGNS_MAX_SEND_ATTEMPTS`; then it is marked FAILED with its error, never dropped.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone

from listening.campaigns import emails, governance
from listening.campaigns.models import Campaign, Invitation, QuietPeriod, SkipReason
from listening.campaigns.services.invitations import skip_record

logger = logging.getLogger(__name__)
S = Invitation.Status


@dataclass
class SendReport:
    sent: int = 0
    reminded: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    outcomes: dict[int, str] = field(default_factory=dict)


def _backoff(attempt: int) -> timedelta:
    return timedelta(seconds=settings.CAMPAIGNS_RETRY_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0))


def _blocked(invitation: Invitation, now: datetime) -> tuple[str, str] | None:
    """Opt-outs and quiet periods set after scheduling still stop the email."""
    if invitation.contact.opted_out:
        return SkipReason.OPTED_OUT, "Contact opted out before the email was sent."
    day = governance.local_date(now, governance.firm_zone(invitation.firm.timezone))
    quiet = QuietPeriod.objects.filter(
        client_id=invitation.client_id, starts_on__lte=day, ends_on__gte=day
    ).first()
    if quiet:
        return SkipReason.QUIET_PERIOD, f"Quiet from {quiet.starts_on} to {quiet.ends_on}."
    return None


def _load(pk: int) -> Invitation:
    return Invitation.objects.select_related(
        "campaign", "firm", "contact", "client", "touchpoint"
    ).get(pk=pk)


def invitation_send(*, invitation_id: int, now: datetime, connection: Any = None) -> str:
    """Send one due invitation. Returns the outcome: "sent", "retrying", "failed",
    "cancelled" or "not_claimed" (someone else has it, or it is not due)."""
    claimed = (
        Invitation.objects.filter(pk=invitation_id, status=S.SCHEDULED, scheduled_for__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not_claimed"
    invitation = _load(invitation_id)
    blocked = _blocked(invitation, now)
    if blocked:
        Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(status=S.CANCELLED)
        skip_record(
            campaign=invitation.campaign,
            contact=invitation.contact,
            occasion=invitation.occasion,
            reason=blocked[0],
            detail=blocked[1],
            wanted_at=invitation.scheduled_for,
            invitation=invitation,
        )
        return "cancelled"
    try:
        _deliver(emails.invitation_message(invitation), connection)
    except (smtplib.SMTPException, OSError) as exc:
        _close_quietly(connection)
        permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
        if permanent or invitation.attempts >= settings.CAMPAIGNS_MAX_SEND_ATTEMPTS:
            Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(
                status=S.FAILED, last_error=repr(exc)[:2000]
            )
            logger.warning("invitation %s failed for good: %r", invitation.pk, exc)
            return "failed"
        Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(
            status=S.SCHEDULED,
            next_attempt_at=now + _backoff(invitation.attempts),
            last_error=repr(exc)[:2000],
        )
        return "retrying"
    remind_at = None
    if invitation.campaign.reminder_after_days:
        # Calendar days on the firm's wall clock: adding to a firm-local time keeps 09:00 at
        # 09:00 across a daylight-saving change (plain UTC arithmetic would make it 10:00).
        local = now.astimezone(governance.firm_zone(invitation.firm.timezone))
        remind_at = local + timedelta(days=invitation.campaign.reminder_after_days)
    Invitation.objects.filter(pk=invitation.pk, status=S.SENDING).update(
        status=S.SENT, sent_at=now, next_attempt_at=None, last_error="", remind_at=remind_at
    )
    return "sent"


def invitation_remind(*, invitation_id: int, now: datetime, connection: Any = None) -> str:
    """Send the single reminder of an unanswered invitation. A reminder is not a new survey:
    it only sets `reminders_sent` (a check constraint caps it at 1)."""
    claimed = Invitation.objects.filter(
        pk=invitation_id,
        status=S.SENT,
        reminders_sent=0,
        responded_at__isnull=True,
        remind_at__lte=now,
    ).update(status=S.REMINDING, claimed_at=now, reminder_attempts=F("reminder_attempts") + 1)
    if not claimed:
        return "not_claimed"
    invitation = _load(invitation_id)
    if _blocked(invitation, now):
        Invitation.objects.filter(pk=invitation.pk, status=S.REMINDING).update(
            status=S.SENT, remind_at=None
        )
        return "cancelled"
    try:
        _deliver(emails.invitation_message(invitation, reminder=True), connection)
    except (smtplib.SMTPException, OSError) as exc:
        _close_quietly(connection)
        give_up = invitation.reminder_attempts >= settings.CAMPAIGNS_MAX_SEND_ATTEMPTS
        Invitation.objects.filter(pk=invitation.pk, status=S.REMINDING).update(
            status=S.SENT,
            remind_at=None if give_up else now + _backoff(invitation.reminder_attempts),
            last_error=repr(exc)[:2000],
        )
        return "failed" if give_up else "retrying"
    Invitation.objects.filter(pk=invitation.pk, status=S.REMINDING).update(
        status=S.SENT, reminders_sent=1, reminder_sent_at=now, remind_at=None
    )
    return "reminded"


def _deliver(message: Any, connection: Any) -> None:
    (connection or get_connection(fail_silently=False)).send_messages([message])


def _close_quietly(connection: Any) -> None:
    # A failed SMTP session is unusable; the backend reopens it on the next send.
    if connection is not None:
        with contextlib.suppress(Exception):  # closing a broken socket may fail in any way
            connection.close()


def claims_release_stale(*, now: datetime) -> int:
    """Put back rows whose sender died mid-claim (older than CAMPAIGNS_STALE_CLAIM_MINUTES)."""
    cutoff = now - timedelta(minutes=settings.CAMPAIGNS_STALE_CLAIM_MINUTES)
    released = Invitation.objects.filter(status=S.SENDING, claimed_at__lt=cutoff).update(
        status=S.SCHEDULED
    )
    released += Invitation.objects.filter(status=S.REMINDING, claimed_at__lt=cutoff).update(
        status=S.SENT
    )
    return released


def invitations_send_due(
    *, now: datetime | None = None, batch_size: int | None = None
) -> SendReport:
    """Send at most `batch_size` due invitations and reminders, oldest first, over one SMTP
    connection. Safe to run concurrently and repeatedly: each row is claimed before sending."""
    now = now or timezone.now()
    batch_size = batch_size or settings.CAMPAIGNS_SEND_BATCH_SIZE
    claims_release_stale(now=now)
    report = SendReport()
    active = Q(campaign__status=Campaign.Status.ACTIVE)
    due = list(
        Invitation.objects.filter(active, status=S.SCHEDULED, scheduled_for__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("scheduled_for", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    reminders = list(
        Invitation.objects.filter(
            active, status=S.SENT, reminders_sent=0, responded_at__isnull=True, remind_at__lte=now
        )
        .order_by("remind_at", "pk")
        .values_list("pk", flat=True)[: max(batch_size - len(due), 0)]
    )
    connection = get_connection(fail_silently=False)
    if due or reminders:
        # One SMTP session for the whole batch; if the server is down, each send below fails
        # on its own and is rescheduled with its backoff.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.open()
    try:
        for pk in due:
            outcome = invitation_send(invitation_id=pk, now=now, connection=connection)
            report.outcomes[pk] = outcome
        for pk in reminders:
            outcome = invitation_remind(invitation_id=pk, now=now, connection=connection)
            report.outcomes[pk] = outcome
    finally:
        _close_quietly(connection)
    for outcome in report.outcomes.values():
        if outcome in ("sent", "reminded", "retrying", "failed", "cancelled"):
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
