"""Writes to the core domain. `feedback_ingest` is the only way client voice enters Earshot."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.queues import ANALYSE_PENDING_TASK, ANALYSE_TASK
from feedback.analysis import analysis_current, analysis_current_id
from feedback.enqueue import (
    task_send,
    task_send_on_commit,
    task_wake,
    task_wake_on_commit,
    task_wake_taken,
)
from feedback.ingest import _check_same_firm, feedback_candidate, text_normalise
from feedback.models import (
    AnalysisStatus,
    AuditEvent,
    Case,
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


@dataclass(frozen=True)
class IngestResult:
    feedback: Feedback
    created: bool


def analysis_enqueue(feedback_ids: list[int]) -> None:
    """Publish an analysis request. A broker outage is logged, not raised: the row is already
    durable and the sweeper re-queues it."""
    if feedback_ids:
        task_send(ANALYSE_TASK, [feedback_ids])


def analysis_request_on_commit(feedback_ids: list[int], *, batch_size: int | None = None) -> None:
    """Ask for the analysis of these saved (pending) items once the transaction commits: one
    wake-up of the NLP workers per commit however many items it saved, none while one is already
    waiting; the worker that takes it drains every pending item in batches. The items are
    durable before anything is published, and a wake-up that is lost is made up for by the
    sweeps (`feedback.sweeps`)."""
    if not feedback_ids:
        return
    if settings.NLP_ENQUEUE_PER_ITEM:  # the benches' baseline: a task per item (per batch)
        batch = batch_size or settings.NLP_BATCH_SIZE
        for start in range(0, len(feedback_ids), batch):
            task_send_on_commit(ANALYSE_TASK, [list(feedback_ids[start : start + batch])])
        return
    task_wake_on_commit(ANALYSE_PENDING_TASK, ttl=settings.NLP_WAKE_TTL_SECONDS)


def analysis_wake(*, force: bool = False) -> bool:
    """Wake the NLP workers now, unless a wake-up is already waiting (`force`: even then; a
    sweep that found items waiting too long, whose wake-up may be lost). Called by a drain that
    found more than one batch waiting, so an idle worker joins it. False if the broker refused."""
    return task_wake(ANALYSE_PENDING_TASK, ttl=settings.NLP_WAKE_TTL_SECONDS, force=force)


def analysis_wake_taken() -> None:
    """The wake-up task has started: commits from now on publish a new one."""
    task_wake_taken(ANALYSE_PENDING_TASK)


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
    candidate = feedback_candidate(
        source=source,
        text=text,
        external_id=external_id,
        received_at=received_at,
        sender=sender,
        subject=subject,
        contact=contact,
        client=client,
        touchpoint=touchpoint,
        engagement=engagement,
        rating=rating,
        rating_scale=rating_scale,
        raw=raw,
        language=language,
    )
    return _ingest_save(candidate)


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
    analysis_request_on_commit([candidate.pk])
    return IngestResult(feedback=candidate, created=True)


@transaction.atomic
def feedback_current_analysis_set(*, feedback_ids: Iterable[int]) -> int:
    """Point each item's `current_analysis` at its current analysis by the rule of
    `feedback.analysis` (None where it has none), in one UPDATE. Every write of an Analysis row
    or of an item's text hash calls it (or folds `analysis_current_id` into its own UPDATE) in
    that same transaction; running it again changes nothing. Returns the rows updated."""
    return Feedback.objects.filter(pk__in=list(feedback_ids)).update(
        current_analysis=analysis_current_id()
    )


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
    # Another text has another current analysis: none yet, or one of an identical earlier text.
    feedback.current_analysis = analysis_current(feedback=feedback)
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
            "current_analysis",
        ]
    )
    analysis_request_on_commit([feedback.pk])
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
