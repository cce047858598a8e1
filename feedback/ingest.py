"""Building one feedback row from what a channel received: normalised text, the
de-duplication key, PII masking at ingest, validation. Saving is `feedback.services`
(one item) or `feedback.ingest_bulk` (many)."""

import html
import re
import unicodedata
from datetime import datetime
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback.models import (
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


def feedback_candidate(
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
    contacts_by_email: dict[str, Contact] | None = None,
    known_names: list[str] | None = None,
    field_checks: bool = True,
) -> Feedback:
    """The validated, normalised, unsaved row `feedback_ingest` would save (ValidationError for
    bad input). A bulk caller passes the firm's contacts by lower-cased e-mail and its known
    names, looked up once for the batch instead of once per item, and may skip the model's
    field checks (`field_checks=False`): every field is truncated to its length or checked
    above, so `full_clean` finds nothing more, at a third of a bulk item's cost."""
    firm = source.firm
    clean = _ingest_text_clean(text)
    _ingest_rating_check(rating, rating_scale)
    sender = (sender or "").strip()[:254]
    if contact is None and "@" in sender:
        if contacts_by_email is not None:
            contact = contacts_by_email.get(sender.lower())
        else:
            contact = (
                Contact.objects.select_related("client")
                .filter(firm=firm, email__iexact=sender)
                .first()
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
        names = known_names if known_names is not None else firm_known_names(firm=firm)
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
    if field_checks:
        # Foreign keys are excluded: they are objects we were handed and checked above, and
        # re-fetching each one would cost a query per item on the hot ingestion path.
        candidate.full_clean(
            exclude=["firm", "source", "client", "contact", "touchpoint", "engagement"],
            validate_unique=False,
            validate_constraints=False,
        )
    return candidate


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
