"""Writes to the core domain. `feedback_ingest` is the only way client voice enters Earshot."""

import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nh3
from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from feedback.models import (
    AnalysisStatus,
    AuditEvent,
    Client,
    Contact,
    Engagement,
    Feedback,
    Firm,
    Source,
    Touchpoint,
    text_hash,
)

logger = logging.getLogger(__name__)

ANALYSE_TASK = "nlp.analyse_batch"
_HTML_HINT = re.compile(r"<\s*(html|body|div|p|br|span|table|a|b|i|script|style)\b", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")


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
    if not feedback_ids:
        return
    try:
        current_app.send_task(ANALYSE_TASK, args=[feedback_ids])
    except Exception:  # noqa: BLE001 - any broker failure; the sweeper is the safety net
        logger.warning("could not enqueue analysis for %s; sweeper will retry", feedback_ids)


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
    if not isinstance(text, str):
        raise ValidationError({"text": "Feedback text must be a string."})
    if len(text) > settings.FEEDBACK_MAX_TEXT_CHARS * 2:
        raise ValidationError(
            {"text": f"Feedback text is too long (max {settings.FEEDBACK_MAX_TEXT_CHARS} chars)."}
        )
    clean = text_normalise(text)
    if not clean:
        raise ValidationError({"text": "Feedback text is empty."})
    if len(clean) > settings.FEEDBACK_MAX_TEXT_CHARS:
        raise ValidationError(
            {"text": f"Feedback text is too long (max {settings.FEEDBACK_MAX_TEXT_CHARS} chars)."}
        )
    if rating is not None:
        if isinstance(rating, bool) or not isinstance(rating, int):
            raise ValidationError({"rating": "Rating must be a whole number."})
        scale = rating_scale or 10
        if not 0 <= rating <= scale:
            raise ValidationError({"rating": f"Rating must be between 0 and {scale}."})

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
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        existing = Feedback.objects.filter(
            firm=firm, source=source, external_id=candidate.external_id
        ).first()
        if existing is None:
            raise
        return IngestResult(feedback=existing, created=False)
    transaction.on_commit(lambda: analysis_enqueue([candidate.pk]))
    return IngestResult(feedback=candidate, created=True)


def feedback_sweep_unanalysed(*, older_than: datetime, max_attempts: int = 5) -> int:
    """Re-queue feedback left pending or running since before `older_than`.

    Items that already used `max_attempts` are marked failed (a terminal, visible state). Each
    row is claimed with a guarded UPDATE, so two sweepers never queue the same item twice.
    Returns how many items were re-queued.
    """
    stale = Feedback.objects.filter(
        analysis_status__in=[AnalysisStatus.PENDING, AnalysisStatus.RUNNING],
        analysis_updated_at__lt=older_than,
    )
    now = timezone.now()
    stale.filter(analysis_attempts__gte=max_attempts).update(
        analysis_status=AnalysisStatus.FAILED,
        analysis_error="Gave up after repeated attempts.",
        analysis_updated_at=now,
    )
    requeued: list[int] = []
    for pk, status in stale.values_list("pk", "analysis_status")[:5000]:
        claimed = Feedback.objects.filter(
            pk=pk, analysis_status=status, analysis_updated_at__lt=older_than
        ).update(analysis_status=AnalysisStatus.PENDING, analysis_updated_at=now)
        if claimed:
            requeued.append(pk)
    for start in range(0, len(requeued), settings.NLP_BATCH_SIZE):
        analysis_enqueue(requeued[start : start + settings.NLP_BATCH_SIZE])
    return len(requeued)


def feedback_sweep_expired_claims(*, lease_expired_before: datetime, max_attempts: int = 5) -> int:
    """Hand on items whose analysis claim expired (running, not refreshed since
    `lease_expired_before`: their worker died, see nlp.claims): back to pending and re-queued, or
    failed after `max_attempts` claims (an item that kills its worker every time). Rows are
    locked with SKIP LOCKED, so concurrent sweeps never queue an item twice. Returns how many
    items were re-queued."""
    expired = Feedback.objects.filter(
        analysis_status=AnalysisStatus.RUNNING, analysis_updated_at__lt=lease_expired_before
    )
    now = timezone.now()
    with transaction.atomic():
        locked = list(expired.select_for_update(skip_locked=True).values_list("pk", flat=True))
        expired.filter(pk__in=locked, analysis_attempts__gte=max_attempts).update(
            analysis_status=AnalysisStatus.FAILED,
            analysis_error="Its worker was lost on every attempt.",
            analysis_updated_at=now,
        )
        requeued = list(expired.filter(pk__in=locked).order_by("pk").values_list("pk", flat=True))
        expired.filter(pk__in=requeued).update(
            analysis_status=AnalysisStatus.PENDING, analysis_updated_at=now
        )
    if requeued:
        logger.warning("re-queued %d item(s) whose analysis claim expired", len(requeued))
    for start in range(0, len(requeued), settings.NLP_BATCH_SIZE):
        analysis_enqueue(requeued[start : start + settings.NLP_BATCH_SIZE])
    return len(requeued)


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
