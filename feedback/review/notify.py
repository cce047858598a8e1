"""Messages that leave Earshot about cases: email to people, webhooks to systems."""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from feedback.models import Case, CaseEvent, Feedback, Firm, Member, Role
from feedback.review.events import case_payload
from feedback.webhooks import webhook_event_emit

logger = logging.getLogger(__name__)


def case_url(case: Case) -> str:
    return settings.EARSHOT_BASE_URL.rstrip("/") + reverse("review:case", args=[case.pk])


def _admin_emails(firm_id: int) -> list[str]:
    admins = Member.objects.filter(firm_id=firm_id, role=Role.ADMIN).select_related("user")
    return sorted({m.user.email for m in admins if m.user.email})


def case_opened_notify(*, case_id: int) -> bool:
    """Email the owner (or the firm's admins when unowned) and emit `case.opened`.

    At most once per case: `notified_at` is claimed with a guarded UPDATE before sending; if
    sending raises, the claim is given back and the error re-raised, so the task's retry (or the
    notification sweep) tries again. The webhook event is deduplicated by its id across tries.
    Returns False when the case is gone or was already notified."""
    claimed_at = timezone.now()
    if not Case.objects.filter(pk=case_id, notified_at__isnull=True).update(notified_at=claimed_at):
        return False
    try:
        _case_opened_send(case_id)
    except BaseException:
        Case.objects.filter(pk=case_id, notified_at=claimed_at).update(notified_at=None)
        raise
    return True


def _case_opened_send(case_id: int) -> None:
    case = Case.objects.select_related("firm", "feedback", "client", "owner__user").get(pk=case_id)
    summary = f"[{case.get_priority_display()}] {case.client or 'Unknown client'}: " + "; ".join(
        r.get("detail", "") for r in case.reasons
    )
    with transaction.atomic():
        webhook_event_emit(
            firm=case.firm,
            event="case.opened",
            event_id=f"case.opened:{case.pk}",
            payload={**case_payload(case), "summary": summary, "url": case_url(case)},
        )
    recipients = (
        [case.owner.user.email] if case.owner and case.owner.user.email else []
    ) or _admin_emails(case.firm_id)
    if recipients:
        send_mail(
            subject=f"Earshot: flagged feedback from {case.client or 'a client'}",
            message=(
                f"{summary}\n\n\u201c{case.feedback.text[:1000]}\u201d\n\n"
                f"Due {case.due_at:%Y-%m-%d %H:%M %Z}. Review it: {case_url(case)}\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )


def escalation_notify(*, case: Case) -> None:
    recipients = _admin_emails(case.firm_id)
    if not recipients:
        logger.warning("case %s is overdue but firm %s has no admin email", case.pk, case.firm_id)
        return
    send_mail(
        subject=f"Earshot: overdue case #{case.pk}",
        message=(
            f"Case #{case.pk} ({case.get_priority_display()}) was due {case.due_at:%Y-%m-%d %H:%M}"
            f" and is still {case.get_status_display().lower()}.\n{case_url(case)}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )


def case_reply_send(*, event_id: int) -> bool:
    """Email a reply to the client, at most once: the event row is locked and stamped `sent_at`
    in the same transaction. Returns False when the event is gone or already sent."""
    with transaction.atomic():
        event = (
            CaseEvent.objects.select_for_update()
            .filter(pk=event_id, kind="reply")
            .select_related("case__firm", "case__feedback")
            .first()
        )
        if event is None or event.data.get("sent_at"):
            return False
        feedback = event.case.feedback
        subject = feedback.subject or "Your feedback"
        send_mail(
            subject=subject if subject.lower().startswith("re:") else f"Re: {subject}",
            message=_reply_body(event.body, feedback),
            from_email=firm_sender(event.case.firm),
            recipient_list=[event.data["to"]],
        )
        event.data = {**event.data, "sent_at": timezone.now().isoformat()}
        event.save(update_fields=["data"])
    return True


def firm_sender(firm: Firm) -> str:
    """`"Firm name" <address>`: the firm's reply address, else DEFAULT_FROM_EMAIL's address.
    A client replies to the firm, not to the software it uses."""
    _, address = parseaddr(firm.reply_from_email or settings.DEFAULT_FROM_EMAIL)
    return formataddr((firm.name, address))


def _reply_body(body: str, feedback: Feedback) -> str:
    # Quote what the client wrote, so the reply makes sense on its own in their inbox.
    quoted = "\n".join(f"> {line}" for line in feedback.text.splitlines())
    return f"{body}\n\nOn {feedback.received_at:%d %B %Y}, you wrote:\n{quoted}\n"
