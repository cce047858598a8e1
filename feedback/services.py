"""Writes to the core domain. `feedback_ingest` is the only way client voice enters Earshot."""

import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.queues import ANALYSE_TASK
from feedback.enqueue import task_send, task_send_on_commit
from feedback.models import (
    AnalysisStatus,
    AuditEvent,
    Case,
    Client,
    Contact,
    Engagement,
    Feedback,
    Firm,
    PiiRedaction,
    Source,
    Touchpoint,
    text_hash,
)
from feedback.privacy.redaction import pii_redact
from feedback.privacy.selectors import firm_known_names

_HTML_HINT = re.compile(r"<\s*(html|body|div|p|br|span|table|a|b|i|script|style)\b", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    feedback: Feedback
    created: bool


def text_normalise(text: str) -> str:
    """Plain, NFC, control-free text. HTML is reduced to its visible text (scripts dropped)."""
    if _HTML_HINT.search(text):
        text = re.sub(r"<\s*(br|/p|/div|/li|/tr|/h\d)\s*/?>", "\n", text, flags=re.I)
        text = html.unescape(nh3.clean(text, tags=set()))
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _check_same_firm(firm: Firm, **objects: Any) -> None:
    errors = {
        name: f"This {name} belongs to another firm."
        for name, obj in objects.items()
        if obj is not None and obj.firm_id != firm.pk
    }
    if errors:
        raise ValidationError(errors)


def analysis_enqueue(feedback_ids: list[int]) -> None:
    """Publish an analysis request. A broker outage is logged, not raised: the row is already
    durable and the sweeper re-queues it."""
    if feedback_ids:
        task_send(ANALYSE_TASK, [feedback_ids])


def feedback_ingest(
    *,
    source: Source,
    text: str,
    external_id: str | None = None,
    received_at: datetime | None = None,
    sender: str = "",
    subject: str = "",
    contact: Contact | None = None,
    client: Client | None = None,
    touchpoint: Touchpoint | None = None,
    engagement: Engagement | None = None,
    rating: int | None = None,
    rating_scale: int | None = None,
    raw: dict | None = None,
    language: str = "",
) -> IngestResult:
    """Validate, normalise and save one feedback item, then queue its analysis on commit.

    Idempotent: the same (firm, source, external_id) returns the existing row with created=False,
    also when two transactions race (the database's unique constraint decides). Raises
    ValidationError with a clear message for bad input; nothing is saved in that case.
    """
    firm = source.firm
    clean = _ingest_text_clean(text)
    _ingest_rating_check(rating, rating_scale)
    sender = (sender or "").strip()[:254]
    if contact is None and "@" in sender:
        contact = (
            Contact.objects.select_related("client").filter(firm=firm, email__iexact=sender).first()
        )
    if client is None and contact is not None:
        client = contact.client
    _check_same_firm(
        firm, contact=contact, client=client, touchpoint=touchpoint, engagement=engagement
    )
    digest = text_hash(clean)
    if not external_id:
        # Deterministic, so a retry of the same submission is recognised. Without a receipt
        # time from the sender, the day stands in for it: the same words from the same sender
        # to the same source on the same day (UTC) are one item.
        if received_at is not None:
            external_id = "sha256:" + text_hash(f"{sender}|{received_at.isoformat()}|{digest}")
        else:
            day = timezone.now().date().isoformat()
            who = f"{sender}|{contact.pk if contact is not None else ''}"
            external_id = "sha256:" + text_hash(f"{who}|day:{day}|{digest}")
    received_at = received_at or timezone.now()
    if firm.pii_redaction == PiiRedaction.INGEST:
        # After the de-duplication key is made (a retry is still recognised), before anything is
        # stored: the original is never saved, and the NLP analyses the masked text. The sender
        # stays: it is how triage attributes the item (erasure removes it).
        names = firm_known_names(firm=firm)
        clean = pii_redact(clean, names=names)
        subject = pii_redact(subject or "", names=names)
        raw, digest = {}, text_hash(clean)

    candidate = Feedback(
        firm=firm,
        source=source,
        channel=source.channel,
        external_id=str(external_id)[:255],
        client=client,
        contact=contact,
        touchpoint=touchpoint,
        engagement=engagement,
        sender=sender,
        subject=text_normalise(subject or "")[:500],
        text=clean,
        text_hash=digest,
        language=language[:16],
        rating=rating,
        rating_scale=rating_scale if rating is not None else None,
        raw=raw or {},
        received_at=received_at,
    )
    # Foreign keys are excluded: they are objects we were handed and checked above, and
    # re-fetching each one would cost a query per item on the hot ingestion path.
    candidate.full_clean(
        exclude=["firm", "source", "client", "contact", "touchpoint", "engagement"],
        validate_unique=False,
        validate_constraints=False,
    )
    return _ingest_save(candidate)


def _ingest_text_clean(text: object) -> str:
    """The normalised text, or ValidationError. Over-long input is refused before normalising
    so a huge payload costs no work."""
    too_long = f"Feedback text is too long (max {settings.FEEDBACK_MAX_TEXT_CHARS} chars)."
    if not isinstance(text, str):
        raise ValidationError({"text": "Feedback text must be a string."})
    if len(text) > settings.FEEDBACK_MAX_TEXT_CHARS * 2:
        raise ValidationError({"text": too_long})
    clean = text_normalise(text)
    if not clean:
        raise ValidationError({"text": "Feedback text is empty."})
    if len(clean) > settings.FEEDBACK_MAX_TEXT_CHARS:
        raise ValidationError({"text": too_long})
    return clean


def _ingest_rating_check(rating: object, rating_scale: int | None) -> None:
    if rating is None:
        return
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise ValidationError({"rating": "Rating must be a whole number."})
    scale = rating_scale or 10
    if not 0 <= rating <= scale:
        raise ValidationError({"rating": f"Rating must be between 0 and {scale}."})


def _ingest_save(candidate: Feedback) -> IngestResult:
    """Insert, or return the row that won the (firm, source, external_id) race."""
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        existing = Feedback.objects.filter(
            firm_id=candidate.firm_id,
            source_id=candidate.source_id,
            external_id=candidate.external_id,
        ).first()
        if existing is None:
            raise
        return IngestResult(feedback=existing, created=False)
    task_send_on_commit(ANALYSE_TASK, [[candidate.pk]])
    return IngestResult(feedback=candidate, created=True)


@transaction.atomic
def feedback_text_replace(
    *,
    feedback: Feedback,
    text: str,
    rating: int | None,
    rating_scale: int | None,
    raw: dict,
    now: datetime | None = None,
) -> bool:
    """Replace a feedback item's text, rating and raw payload (an edited review, a re-submitted
    survey answer) and queue its re-analysis on commit.

    Returns False, changing nothing, when the normalised text and the rating are unchanged or the
    new text is empty (an edit that blanks a review keeps what was said). The caller holds the
    row (select_for_update) if concurrent edits are possible."""
    clean = text_normalise(text)
    if not clean or (clean == feedback.text and rating == feedback.rating):
        return False
    feedback.text = clean
    feedback.text_hash = text_hash(clean)
    feedback.rating = rating
    feedback.rating_scale = rating_scale if rating is not None else None
    feedback.raw = raw
    feedback.analysis_status = AnalysisStatus.PENDING
    feedback.analysis_updated_at = now or timezone.now()
    feedback.full_clean(validate_unique=False, validate_constraints=False)
    feedback.save(
        update_fields=[
            "text",
            "text_hash",
            "rating",
            "rating_scale",
            "raw",
            "analysis_status",
            "analysis_updated_at",
        ]
    )
    task_send_on_commit(ANALYSE_TASK, [[feedback.pk]])
    return True


@transaction.atomic
def feedback_attribute(*, firm: Firm, feedback_ids: list[int], contact: Contact) -> int:
    """Attribute feedback items of `firm` to `contact` and to the contact's client. Items of
    another firm are left alone. Cases opened while the sender was unknown had no client and so
    no owner: they get the client and, where still unowned, its first account manager (as
    `case_open_for_feedback` does for a known sender). Returns how many feedback rows were
    updated; running it twice is harmless."""
    _check_same_firm(firm, contact=contact)
    updated = Feedback.objects.filter(firm=firm, pk__in=feedback_ids).update(
        contact=contact, client_id=contact.client_id
    )
    cases = Case.objects.filter(firm=firm, feedback_id__in=feedback_ids, client__isnull=True)
    owner = contact.client.account_managers.order_by("pk").first()
    if owner is not None:
        cases.filter(owner__isnull=True).update(owner=owner)
    cases.update(client_id=contact.client_id)
    return updated


def audit_record(
    *, firm: Firm, action: str, obj: Any, actor: Any = None, data: dict | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(
        firm=firm,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


@transaction.atomic
def firm_branding_set(*, firm: Firm, primary_colour: str, logo_url: str = "") -> Firm:
    """Set the branding of the firm's client pages and survey e-mails (one colour for all)."""
    firm.primary_colour, firm.logo_url = primary_colour.strip(), logo_url.strip()
    firm.full_clean()
    firm.save(update_fields=["primary_colour", "logo_url"])
    return firm
