"""Recording survey answers. A response becomes Feedback through `feedback_ingest`, keyed by
the invitation, so it is analysed like any other comment and never duplicated."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.models import Channel, Feedback, Firm, Source
from feedback.services import feedback_ingest, feedback_text_replace
from listening.campaigns.models import SCORE_RANGE, Invitation, Response, SurveyKind

MAX_COMMENT_CHARS = 5000
SURVEY_SOURCE_NAME = "Surveys"


def survey_source_get_or_create(*, firm: Firm) -> Source:
    """The firm's survey Source (channel "survey"), created on first use."""
    source = Source.objects.filter(firm=firm, channel=Channel.SURVEY).order_by("pk").first()
    if source is not None:
        return source
    source, _ = Source.objects.get_or_create(
        firm=firm, name=SURVEY_SOURCE_NAME, defaults={"channel": Channel.SURVEY}
    )
    return source


def feedback_external_id(invitation: Invitation) -> str:
    return f"invitation:{invitation.pk}"


def _clean_score(kind: str, score: object) -> int:
    low, high = SCORE_RANGE[kind]
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError({"score": f"Choose a score from {low} to {high}."}) from exc
    if not low <= value <= high:
        raise ValidationError({"score": f"Choose a score from {low} to {high}."})
    return value


@transaction.atomic
def response_submit(
    *, invitation: Invitation, score: object, comment: str = "", now: datetime | None = None
) -> Response:
    """Record an answer. A second submission for the same invitation updates the same Response
    and the same Feedback (and re-queues its analysis). Locks the invitation row so that two
    simultaneous submissions are applied one after the other."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("campaign", "firm", "contact", "client")
        .get(pk=invitation.pk)
    )
    if invitation.status == Invitation.Status.CANCELLED:
        raise ValidationError("This survey was withdrawn.")
    value = _clean_score(invitation.kind, score)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError({"comment": f"Please keep it under {MAX_COMMENT_CHARS} characters."})
    response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        response = Response(invitation=invitation, firm_id=invitation.firm_id, submitted_at=now)
    else:
        response.submissions += 1
    response.kind = invitation.kind
    response.score = value
    response.comment = comment
    response.feedback = _feedback_upsert(
        invitation=invitation, score=value, comment=comment, now=now
    )
    response.full_clean(exclude=["invitation", "feedback"])
    response.save()
    Invitation.objects.filter(pk=invitation.pk, responded_at__isnull=True).update(
        responded_at=now, remind_at=None
    )
    return response


def _feedback_upsert(
    *, invitation: Invitation, score: int, comment: str, now: datetime
) -> Feedback:
    low, high = SCORE_RANGE[invitation.kind]
    label = SurveyKind(invitation.kind).label
    # Score-only answers still become Feedback, so the stream shows every answer.
    text = comment or f"{label}: {score}/{high} (no comment)"
    raw = {
        "survey_kind": invitation.kind,
        "score": score,
        "comment": comment,
        "invitation_id": invitation.pk,
        "campaign_id": invitation.campaign_id,
    }
    result = feedback_ingest(
        source=survey_source_get_or_create(firm=invitation.firm),
        text=text,
        external_id=feedback_external_id(invitation),
        received_at=now,
        sender=invitation.contact.email,
        subject=invitation.campaign.name,
        contact=invitation.contact,
        client=invitation.client,
        touchpoint=invitation.touchpoint,
        engagement=invitation.engagement,
        rating=score,
        rating_scale=high,
        raw=raw,
    )
    feedback = result.feedback
    if result.created:
        return feedback
    feedback_text_replace(
        feedback=feedback, text=text, rating=score, rating_scale=high, raw=raw, now=now
    )
    return feedback
