"""Writes for the web form and the portal. Feedback enters only through `feedback_ingest`."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.queues import SEND_MAGIC_LINK_TASK
from feedback.enqueue import task_send_on_commit
from feedback.models import Channel, Contact, Engagement, Firm, Source, Touchpoint
from feedback.review.notify import firm_sender
from feedback.services import IngestResult, audit_record, feedback_ingest
from listening.portal.models import MagicLink
from listening.portal.tokens import MagicLinkInvalid, magic_token_make, magic_token_read
from listening.services.triage import triage_item_open

__all__ = ["MagicLinkInvalid"]

PORTAL_SOURCE_NAME = "Client portal"


@dataclass(frozen=True)
class FormSubmission:
    """One web-form post, already validated by `listening.portal.forms.FeedbackForm`."""

    text: str
    email: str = ""
    name: str = ""
    rating: int | None = None
    touchpoint: Touchpoint | None = None
    engagement_reference: str = ""
    submission_id: uuid.UUID | None = None
    meta: dict = field(default_factory=dict)


def form_source_create(
    *, firm: Firm, name: str, allowed_origins: list[str] | None = None, title: str = ""
) -> Source:
    """A web-form Source; its `public_key` is what the firm embeds. `allowed_origins` lists the
    sites (scheme://host[:port]) that may embed the form and post to it cross-origin."""
    source = Source(
        firm=firm,
        channel=Channel.FORM,
        name=name,
        config={"allowed_origins": allowed_origins or [], "title": title},
    )
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def form_feedback_submit(*, source: Source, submission: FormSubmission) -> IngestResult:
    """Save one web-form submission as Feedback.

    A known sender e-mail is linked to its contact and client; an unknown one is saved all the
    same and listed for triage with the name and matter typed (a comment without an address is
    kept but not listed: nobody could be made its contact). An engagement reference is linked
    only when it names exactly one of the firm's engagements (of the sender's client, when the
    sender is known); otherwise it is kept in `raw` rather than refused, so that a mistyped
    matter number loses nothing and the form cannot be used to probe which references exist.
    Idempotent per `submission_id` (the form's hidden field): a double-click or a retried post
    returns the first item.
    """
    firm = source.firm
    email = submission.email.strip().lower()
    # The contact is needed here only to scope the engagement reference; otherwise
    # `feedback_ingest` looks it up from `sender` (doing it here too cost every unknown sender a
    # second, identical query).
    contact = None
    engagement = None
    if submission.engagement_reference:
        if email:
            contact = (
                Contact.objects.select_related("client")
                .filter(firm=firm, email__iexact=email)
                .first()
            )
        candidates = Engagement.objects.filter(firm=firm, reference=submission.engagement_reference)
        if contact is not None:
            candidates = candidates.filter(client_id=contact.client_id)
        found = list(candidates[:2])
        engagement = found[0] if len(found) == 1 else None
    raw = {
        "form": {
            "name": submission.name,
            "email": email,
            "rating": submission.rating,
            "touchpoint": submission.touchpoint.slug if submission.touchpoint else "",
            "engagement_reference": submission.engagement_reference,
        },
        "meta": submission.meta,
    }
    result = feedback_ingest(
        source=source,
        text=submission.text,
        external_id=f"form:{submission.submission_id}" if submission.submission_id else None,
        sender=email or submission.name,
        contact=contact,
        client=engagement.client if engagement and contact is None else None,
        touchpoint=submission.touchpoint,
        engagement=engagement,
        rating=submission.rating,
        rating_scale=10 if submission.rating is not None else None,
        raw=raw,
    )
    if result.created and email and result.feedback.contact_id is None:
        triage_item_open(
            feedback=result.feedback,
            sender_name=submission.name,
            reference=submission.engagement_reference,
        )
    return result


def portal_source_get_or_create(*, firm: Firm) -> Source:
    """The firm's portal Source, created on first use. Safe under concurrency: the (firm, name)
    unique constraint decides, and get_or_create re-reads after losing the race."""
    source = Source.objects.filter(firm=firm, channel=Channel.PORTAL).order_by("pk").first()
    if source is None:
        source, _ = Source.objects.get_or_create(
            firm=firm, name=PORTAL_SOURCE_NAME, defaults={"channel": Channel.PORTAL}
        )
    return source


def portal_comment_submit(
    *,
    contact: Contact,
    text: str,
    engagement: Engagement | None = None,
    touchpoint: Touchpoint | None = None,
    submission_id: uuid.UUID | None = None,
) -> IngestResult:
    """A signed-in contact's comment, saved as Feedback of the firm's portal Source.

    Opted-out contacts may comment (opting out stops surveys, not the right to speak). The
    engagement must be one of the contact's client's: ValidationError otherwise. Idempotent per
    `submission_id` (the page's hidden field), so a double submit saves one item.
    """
    if engagement is not None and engagement.client_id != contact.client_id:
        raise ValidationError({"engagement": "Choose one of your own engagements."})
    return feedback_ingest(
        source=portal_source_get_or_create(firm=contact.firm),
        text=text,
        external_id=f"portal:{submission_id or uuid.uuid4()}",
        sender=contact.email,
        contact=contact,
        client=contact.client,
        touchpoint=touchpoint,
        engagement=engagement,
    )


def magic_link_request(*, firm: Firm, email: str) -> None:
    """Start a sign-in for whoever owns `email` at `firm`.

    Returns nothing and behaves the same for unknown addresses (no enumeration); the e-mail is
    sent by a task after commit, so the response time does not reveal whether one was sent.
    """
    contact = Contact.objects.filter(firm=firm, email__iexact=email.strip()).first()
    if contact is None:
        return
    link = MagicLink.objects.create(firm=firm, contact=contact, email=contact.email.lower())
    # A broker outage is only logged: the contact simply asks again.
    task_send_on_commit(SEND_MAGIC_LINK_TASK, [link.pk])


def magic_link_url(*, link: MagicLink) -> str:
    path = reverse(
        "portal:magic_link",
        kwargs={"firm_slug": link.firm.slug, "token": magic_token_make(jti=link.jti)},
    )
    return settings.EARSHOT_BASE_URL.rstrip("/") + path


def magic_link_send(*, magic_link_id: int) -> bool:
    """E-mail one magic link. Idempotent: `sent_at` is claimed with a guarded UPDATE, so running
    twice sends once; a missing, used or expired link is a no-op. If sending fails the claim is
    released and the error re-raised, so the task's retry sends it. Returns whether it sent."""
    fresh_after = timezone.now() - settings.PORTAL_MAGIC_LINK_MAX_AGE
    claimed = MagicLink.objects.filter(
        pk=magic_link_id, sent_at__isnull=True, used_at__isnull=True, created_at__gt=fresh_after
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    link = MagicLink.objects.select_related("firm", "contact").get(pk=magic_link_id)
    context = {
        "firm": link.firm,
        "contact": link.contact,
        "url": magic_link_url(link=link),
        "minutes": int(settings.PORTAL_MAGIC_LINK_MAX_AGE.total_seconds() // 60),
    }
    try:
        send_mail(
            subject=f"Your sign-in link for {link.firm.name}",
            message=render_to_string("portal/email/magic_link.txt", context),
            from_email=firm_sender(link.firm),
            recipient_list=[link.email],
        )
    except Exception:
        MagicLink.objects.filter(pk=magic_link_id).update(sent_at=None)
        raise
    return True


def magic_link_check(*, firm: Firm, token: str) -> MagicLink:
    """The unused, unexpired link behind `token` for this firm, without consuming it.

    Raises MagicLinkInvalid for a forged, expired, used or foreign token, or when the contact's
    e-mail has changed since the link was sent.
    """
    jti = magic_token_read(token)
    fresh_after = timezone.now() - settings.PORTAL_MAGIC_LINK_MAX_AGE
    link = (
        MagicLink.objects.select_related("contact", "contact__client")
        .filter(jti=jti, firm=firm, used_at__isnull=True, created_at__gt=fresh_after)
        .first()
    )
    if link is None or link.contact.email.lower() != link.email:
        raise MagicLinkInvalid("unknown, used or expired link")
    return link


def magic_link_consume(*, firm: Firm, token: str) -> Contact:
    """Use a link once and return its contact.

    Single use by construction: the link is claimed with one guarded UPDATE (`used_at IS NULL`),
    so of two racing requests exactly one signs in; a replay raises MagicLinkInvalid.
    """
    link = magic_link_check(firm=firm, token=token)
    claimed = MagicLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not claimed:
        raise MagicLinkInvalid("already used")
    audit_record(firm=firm, action="portal.signed_in", obj=link.contact)
    return link.contact


def magic_link_purge(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete links past any use. Idempotent. Returns how many rows were deleted."""
    deleted, _ = MagicLink.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
