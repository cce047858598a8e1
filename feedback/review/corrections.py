"""Tag corrections by people: stored as the firm's labelled examples for the NLP models."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from feedback.models import (
    BrandPromise,
    EmotionTag,
    Feedback,
    Member,
    Sentiment,
    TagCorrection,
    TagKind,
    ThemeMention,
)
from feedback.review.rules import analysis_current
from feedback.services import audit_record

PRESENCE = ("present", "absent")


@transaction.atomic
def tag_correct(
    *, feedback: Feedback, member: Member, kind: str, key: str, value: str
) -> TagCorrection:
    """Record that `kind`/`key` of this feedback should be `value`.

    - sentiment: key "sentiment", value negative|neutral|positive
    - emotion: key = an emotion label, value present|absent
    - theme: key = a brand promise id of the firm, value present|absent

    Upserted on (feedback, kind, key): correcting twice keeps the latest judgement, one row."""
    if member.firm_id != feedback.firm_id:
        raise PermissionDenied("Not your firm's feedback.")
    key, value = (key or "").strip(), (value or "").strip().lower()
    analysis = analysis_current(feedback=feedback)
    promise = None
    if kind == TagKind.SENTIMENT:
        if value not in Sentiment.values:
            raise ValidationError({"value": f"Choose one of {', '.join(Sentiment.values)}."})
        key, predicted = "sentiment", feedback.sentiment
    elif kind == TagKind.EMOTION:
        key = key.lower()
        if not key or len(key) > 32 or value not in PRESENCE:
            raise ValidationError({"value": "Give an emotion label and present or absent."})
        found = EmotionTag.objects.filter(analysis=analysis, label=key)
        predicted = "present" if analysis is not None and found.exists() else "absent"
    elif kind == TagKind.THEME:
        promise = BrandPromise.objects.filter(
            firm_id=feedback.firm_id, pk=int(key) if key.isdigit() else 0
        ).first()
        if promise is None or value not in PRESENCE:
            raise ValidationError({"key": "Choose one of your firm's brand promises."})
        mentions = ThemeMention.objects.filter(analysis=analysis, brand_promise=promise)
        predicted = "present" if analysis is not None and mentions.exists() else "absent"
        key = str(promise.pk)
    else:
        raise ValidationError({"kind": f"Choose one of {', '.join(TagKind.values)}."})
    correction, _ = TagCorrection.objects.update_or_create(
        feedback=feedback,
        kind=kind,
        key=key,
        defaults={
            "firm_id": feedback.firm_id,
            "value": value,
            "brand_promise": promise,
            "predicted": predicted or "",
            "text": feedback.text,
            "corrected_by": member,
        },
    )
    audit_record(
        firm=feedback.firm,
        action="tag.corrected",
        obj=feedback,
        actor=member.user,
        data={"kind": kind, "key": key, "value": value, "predicted": predicted},
    )
    return correction
