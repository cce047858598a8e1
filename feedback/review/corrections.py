"""Tag corrections by people: they override the model on that item at once, everywhere, and are
stored as the firm's labelled examples for the NLP models.

Overriding is done by writing the correction onto the rows every reader already uses: the
item's denormalised sentiment and the current analysis's emotion tags and theme mentions (SQL
aggregates, rollups, rules, the API and the pages then agree without each re-applying it). The
model's own judgement survives in `Analysis.sentiment` and in each correction's `predicted`; the
NLP writer calls `corrections_apply` after every new analysis so a re-analysis never undoes a
person's judgement."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from feedback.analysis import analysis_current, corrections_applicable
from feedback.dashboards.rollups import rollups_refresh_for_feedback
from feedback.models import (
    Analysis,
    BrandPromise,
    Case,
    CaseOutcome,
    CaseStatus,
    EmotionTag,
    Feedback,
    Member,
    Role,
    Sentiment,
    TagCorrection,
    TagKind,
    ThemeMention,
)
from feedback.review.rules import rule_defaults_ensure, rules_evaluate
from feedback.review.selectors import case_can_act
from feedback.review.services import case_note, case_open_for_feedback, case_resolve
from feedback.services import audit_record

PRESENCE = ("present", "absent")
# A person's sentiment is certain: the value the dashboards average is the label's extreme.
SENTIMENT_VALUE: dict[str, float] = {
    Sentiment.NEGATIVE: -1.0,
    Sentiment.NEUTRAL: 0.0,
    Sentiment.POSITIVE: 1.0,
}
CORRECTORS = (Role.ADMIN, Role.ACCOUNT_MANAGER)


def _clean(feedback: Feedback, kind: str, key: str, value: str) -> tuple[str, BrandPromise | None]:
    """The normalised key of a correction (and its promise), or ValidationError."""
    promise = None
    if kind == TagKind.SENTIMENT:
        if value not in Sentiment.values:
            raise ValidationError({"value": f"Choose one of {', '.join(Sentiment.values)}."})
        return "sentiment", None
    if kind == TagKind.EMOTION:
        key = key.lower()
        if not key or len(key) > 32 or value not in PRESENCE:
            raise ValidationError({"value": "Give an emotion label and present or absent."})
        return key, None
    if kind in (TagKind.THEME, TagKind.POLARITY):
        promise = BrandPromise.objects.filter(
            firm_id=feedback.firm_id, pk=int(key) if key.isdigit() else 0
        ).first()
        if promise is None:
            raise ValidationError({"key": "Choose one of your firm's brand promises."})
        allowed = PRESENCE if kind == TagKind.THEME else tuple(Sentiment.values)
        if value not in allowed:
            raise ValidationError({"value": f"Choose one of {', '.join(allowed)}."})
        return str(promise.pk), promise
    raise ValidationError({"kind": f"Choose one of {', '.join(TagKind.values)}."})


def _model_said(kind: str, key: str, analysis: Analysis | None) -> str:
    """What the model's rows say now (call only while no correction of this tag is applied)."""
    if analysis is None:
        return ""
    if kind == TagKind.SENTIMENT:
        return analysis.sentiment
    if kind == TagKind.EMOTION:
        found = EmotionTag.objects.filter(analysis=analysis, label=key).exists()
        return "present" if found else "absent"
    mention = ThemeMention.objects.filter(analysis=analysis, brand_promise_id=int(key)).first()
    if kind == TagKind.THEME:
        return "present" if mention else "absent"
    return mention.sentiment if mention else "absent"


def _upsert(  # noqa: PLR0917 - a private helper of tag_correct, called once
    feedback: Feedback,
    member: Member,
    kind: str,
    key: str,
    value: str,
    promise: BrandPromise | None,
    analysis: Analysis | None,
) -> TagCorrection:
    existing = TagCorrection.objects.filter(feedback=feedback, kind=kind, key=key).first()
    if existing is not None and existing.text == feedback.text:
        predicted = existing.predicted
    elif kind == TagKind.SENTIMENT:
        predicted = analysis.sentiment if analysis else feedback.sentiment
    elif TagCorrection.objects.filter(
        feedback=feedback, kind=TagKind.THEME, key=key, predicted="absent"
    ).exists():
        # The mention a person added is no model output.
        predicted = "absent"
    else:
        predicted = _model_said(kind, key, analysis)
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
    return correction


@transaction.atomic
def tag_correct(
    *, feedback: Feedback, member: Member, kind: str, key: str, value: str
) -> TagCorrection:
    """Record that `kind`/`key` of this feedback should be `value`, and make it so at once.

    - sentiment: key "sentiment", value negative|neutral|positive
    - emotion: key = an emotion label, value present|absent
    - theme: key = a brand promise id of the firm, value present|absent
    - polarity: key = a brand promise id, value negative|neutral|positive (implies present)

    Upserted on (feedback, kind, key): correcting twice keeps the latest judgement, one row.
    Then the item's tags, the day's dashboard rollup and its case follow: a case whose rules no
    longer match is closed as flagged in error, and one the corrected tags now call for opens."""
    if member.firm_id != feedback.firm_id or member.role not in CORRECTORS:
        raise PermissionDenied("You cannot correct this feedback.")
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    value = (value or "").strip().lower()
    key, promise = _clean(feedback, kind, (key or "").strip(), value)
    analysis = analysis_current(feedback=feedback)
    correction = _upsert(feedback, member, kind, key, value, promise, analysis)
    if kind == TagKind.THEME and value == "absent":
        TagCorrection.objects.filter(feedback=feedback, kind=TagKind.POLARITY, key=key).delete()
    elif kind == TagKind.POLARITY:
        theme = TagCorrection.objects.filter(feedback=feedback, kind=TagKind.THEME, key=key)
        said = correction.predicted
        if said == "absent" or theme.filter(value="absent").exists():
            # Saying how a promise is spoken of says it is spoken of: a recall example too.
            _upsert(feedback, member, TagKind.THEME, key, "present", promise, analysis)
    audit_record(
        firm=feedback.firm,
        action="tag.corrected",
        obj=feedback,
        actor=member.user,
        data={"kind": kind, "key": key, "value": value, "predicted": correction.predicted},
    )
    corrections_apply(feedback_ids=[feedback.pk])
    rollups_refresh_for_feedback(feedback_ids=[feedback.pk])
    _case_follow(feedback_id=feedback.pk, member=member, correction=correction)
    return correction


def corrections_apply(*, feedback_ids: list[int], model_wrote: bool = False) -> int:
    """Write people's corrections of these items onto their current analysis rows and the
    denormalised sentiment. Idempotent (get-or-create/delete per tag); one read and no write
    when the items carry no correction (the NLP writer calls it on every batch). With
    `model_wrote=True` (right after fresh model rows were written) each correction's `predicted`
    is first refreshed from the new model output. Returns how many items carried corrections."""
    grouped: dict[int, list[TagCorrection]] = defaultdict(list)
    for row in TagCorrection.objects.filter(feedback_id__in=feedback_ids).select_related(
        "feedback"
    ):
        grouped[row.feedback_id].append(row)
    if not grouped:
        return 0
    with transaction.atomic():
        for item_rows in grouped.values():
            feedback = item_rows[0].feedback
            rows = corrections_applicable(feedback, item_rows)
            analysis = analysis_current(feedback=feedback)
            if model_wrote:
                for row in rows:
                    row.predicted = _model_said(row.kind, row.key, analysis)
                    row.save(update_fields=["predicted"])
            _apply(feedback, analysis, rows)
    return len(grouped)


def _apply(feedback: Feedback, analysis: Analysis | None, rows: list[TagCorrection]) -> None:
    sentiment = next((r.value for r in rows if r.kind == TagKind.SENTIMENT), feedback.sentiment)
    if any(r.kind == TagKind.SENTIMENT for r in rows):
        Feedback.objects.filter(pk=feedback.pk).update(
            sentiment=sentiment, sentiment_value=SENTIMENT_VALUE[sentiment]
        )
    if analysis is None:
        return
    common = {
        "feedback": feedback,
        "firm_id": feedback.firm_id,
        "received_at": feedback.received_at,
    }
    order = {TagKind.SENTIMENT: 0, TagKind.EMOTION: 1, TagKind.THEME: 2, TagKind.POLARITY: 3}
    for row in sorted(rows, key=lambda r: order[TagKind(r.kind)]):
        if row.kind == TagKind.EMOTION:
            tags = EmotionTag.objects.filter(analysis=analysis, label=row.key)
            if row.value == "absent":
                tags.delete()
            elif not tags.exists():
                EmotionTag.objects.create(analysis=analysis, label=row.key, score=1.0, **common)
        elif row.kind in (TagKind.THEME, TagKind.POLARITY):
            promise_id = int(row.key)
            mentions = ThemeMention.objects.filter(analysis=analysis, brand_promise_id=promise_id)
            if row.value == "absent":
                mentions.delete()
                continue
            polarity = sentiment if row.kind == TagKind.THEME else row.value
            if row.kind == TagKind.POLARITY:
                mentions.update(sentiment=polarity, sentiment_value=SENTIMENT_VALUE[polarity])
            if not mentions.exists():
                ThemeMention.objects.create(
                    analysis=analysis,
                    brand_promise_id=promise_id,
                    score=1.0,
                    sentiment=polarity or Sentiment.NEUTRAL,
                    sentiment_value=SENTIMENT_VALUE.get(polarity, 0.0),
                    evidence=[],
                    **common,
                )


def _case_follow(*, feedback_id: int, member: Member, correction: TagCorrection) -> None:
    """Re-run the rules on the corrected item: close its open case when nothing matches any more
    (the model was wrong), open one when the corrected tags call for it."""
    feedback = Feedback.objects.select_related("firm", "client").get(pk=feedback_id)
    case = Case.objects.filter(feedback=feedback).first()
    if case is None:
        case_open_for_feedback(feedback_id=feedback_id)
        return
    if case.status == CaseStatus.RESOLVED:
        return
    matches = rules_evaluate(feedback=feedback, rules=rule_defaults_ensure(firm=feedback.firm))
    if matches:
        reasons = [m.as_json() for m in matches]
        if {r["rule"] for r in reasons} != {r.get("rule") for r in case.reasons}:
            # Still flagged, but no longer for the corrected tag: say why it stays open.
            Case.objects.filter(pk=case.pk).update(reasons=reasons)
            body = "Reasons after a correction: " + "; ".join(m.detail for m in matches)
            case_note(case=case, member=member, body=body)
        return
    note = (
        f"Closed by a correction: {correction.get_kind_display()} set to {correction.value} "
        f"(the model said {correction.predicted or 'nothing'}); no rule matches any more."
    )
    case_resolve(case=case, member=member, outcome=CaseOutcome.FALSE_ALARM, note=note)
    audit_record(
        firm=feedback.firm,
        action="case.closed_by_correction",
        obj=case,
        actor=member.user,
        data={"correction": correction.pk, "kind": correction.kind, "value": correction.value},
    )


def case_tag_correct(
    *, case: Case, member: Member, kind: str, key: str, value: str
) -> TagCorrection:
    """Correct a tag of the case's feedback; only someone who may act on the case may."""
    if not case_can_act(member=member, case=case):
        raise PermissionDenied
    return tag_correct(feedback=case.feedback, member=member, kind=kind, key=key, value=value)
