"""Reviews into Feedback, with edits kept as history."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.models import Feedback, Source
from feedback.services import feedback_ingest, feedback_text_replace
from listening.models import ReviewRevision, SkippedItem
from listening.services.common import json_safe, skipped_record
from listening.sources.base import Review


@dataclass(frozen=True)
class ReviewOutcome:
    feedback: Feedback | None
    status: str  # created | unchanged | edited | skipped


def review_save(*, source: Source, review: Review) -> ReviewOutcome:
    """Save one normalised review. De-duplicated by (source, review id); a review whose text or
    rating changed is an edit: the previous version goes to ReviewRevision, the Feedback is
    updated and re-analysed. Idempotent: saving the same review twice changes nothing.

    Locks the Feedback row (SELECT ... FOR UPDATE) while comparing, so two pollers cannot both
    record the same edit.
    """
    raw = json_safe(review.raw)
    rating = review.rating
    if rating is not None and not 0 <= rating <= (review.rating_scale or 5):
        rating = None
    with transaction.atomic():
        current = (
            Feedback.objects.select_for_update()
            .filter(firm_id=source.firm_id, source=source, external_id=review.external_id)
            .first()
        )
        if current is None:
            try:
                with transaction.atomic():
                    result = feedback_ingest(
                        source=source,
                        text=review.text,
                        external_id=review.external_id,
                        received_at=review.created_at or review.updated_at,
                        sender=review.author,
                        subject=review.title,
                        rating=rating,
                        rating_scale=review.rating_scale if rating is not None else None,
                        raw=raw,
                        language=review.language,
                    )
            except ValidationError as exc:
                skipped_record(
                    source=source,
                    external_id=review.external_id,
                    reason=SkippedItem.Reason.INVALID,
                    detail="; ".join(exc.messages),
                    sender=review.author,
                    raw=raw,
                )
                return ReviewOutcome(feedback=None, status="skipped")
            return ReviewOutcome(
                feedback=result.feedback, status="created" if result.created else "unchanged"
            )
        return _review_edit(feedback=current, review=review, rating=rating, raw=raw)


def _review_edit(
    *, feedback: Feedback, review: Review, rating: int | None, raw: dict
) -> ReviewOutcome:
    previous = ReviewRevision(
        feedback=feedback,
        text=feedback.text,
        text_hash=feedback.text_hash,
        rating=feedback.rating,
        raw=feedback.raw,
    )
    changed = feedback_text_replace(
        feedback=feedback,
        text=review.text,
        rating=rating,
        rating_scale=review.rating_scale,
        raw=raw,
    )
    if not changed:
        return ReviewOutcome(feedback=feedback, status="unchanged")
    previous.save()
    return ReviewOutcome(feedback=feedback, status="edited")
