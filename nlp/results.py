"""Result writes of the NLP pipeline: one analysis per (feedback, model version), its emotion
and theme rows replaced, people's corrections re-applied, never onto text that changed."""

from django.db import transaction
from django.utils import timezone

from feedback.analysis import analysis_current_id
from feedback.models import Analysis, AnalysisStatus, EmotionTag, Feedback, ThemeMention
from feedback.review.corrections import corrections_apply
from nlp.engine.result import Result


@transaction.atomic
def analyses_write(
    *, results: dict[int, tuple[str, Result]], model_version: str
) -> dict[int, Analysis]:
    """Store a batch of results ({feedback id: (analysed text hash, result)}) in one transaction
    and a fixed number of statements. Locks the feedback rows (SELECT ... FOR UPDATE, in pk
    order) and keeps only those still running with the analysed text; upserts their Analysis of
    (feedback, model_version), replaces its EmotionTag and ThemeMention rows and marks the items
    done, so writing the same results twice leaves the same state. Returns what was written."""
    feedback = [
        fb
        for fb in Feedback.objects.select_for_update()
        .filter(pk__in=results)
        .order_by("pk")
        .only("pk", "firm_id", "analysis_status", "text_hash", "received_at")
        if fb.analysis_status == AnalysisStatus.RUNNING and fb.text_hash == results[fb.pk][0]
    ]
    if not feedback:
        return {}
    fields = [
        "firm",
        "text_hash",
        "sentiment",
        "sentiment_value",
        "sentiment_scores",
        "emotion_scores",
        "emotions",
        "sentences",
        "model_info",
        "sentiment_confidence",
        "intent_to_leave",
        "intent_flag",
    ]
    analyses = Analysis.objects.bulk_create(
        [
            Analysis(
                feedback=fb,
                model_version=model_version,
                firm_id=fb.firm_id,
                text_hash=fb.text_hash,
                sentiment=result.sentiment.label,
                sentiment_value=round(result.sentiment.value, 4),
                sentiment_scores=result.sentiment.scores,
                emotion_scores=result.emotions.scores,
                emotions=result.emotions.labels,
                sentences=[s.to_dict() for s in result.sentences],
                model_info=result.models,
                sentiment_confidence=round(result.sentiment.confidence, 4),
                intent_to_leave=result.intent.probability,
                intent_flag=result.intent.flag,
            )
            for fb in feedback
            for result in [results[fb.pk][1]]
        ],
        update_conflicts=True,
        unique_fields=["feedback", "model_version"],
        update_fields=fields,
    )
    EmotionTag.objects.filter(analysis__in=analyses).delete()
    ThemeMention.objects.filter(analysis__in=analyses).delete()
    tags, mentions = [], []
    for fb, analysis in zip(feedback, analyses, strict=True):
        result = results[fb.pk][1]
        common = {
            "analysis": analysis,
            "feedback": fb,
            "firm_id": fb.firm_id,
            "received_at": fb.received_at,
        }
        tags += [
            EmotionTag(**common, label=label, score=result.emotions.scores.get(label, 0.0))
            for label in result.emotions.labels
        ]
        mentions += [
            ThemeMention(
                **common,
                brand_promise_id=theme.key,
                score=theme.score,
                sentiment=theme.sentiment,
                sentiment_value=theme.sentiment_value,
                sentiment_scores=theme.sentiment_scores,
                sentiment_confidence=theme.confidence,
                evidence=theme.evidence,
            )
            for theme in result.themes
            if theme.key is not None
        ]
        fb.sentiment = result.sentiment.label
        fb.sentiment_value = round(result.sentiment.value, 4)
    EmotionTag.objects.bulk_create(tags)
    ThemeMention.objects.bulk_create(mentions)
    # Only the sentiment differs per item; a CASE per field and item is costly to build.
    Feedback.objects.bulk_update(feedback, ["sentiment", "sentiment_value"])
    # People's corrections override the fresh model rows again (a re-analysis never undoes them).
    corrections_apply(feedback_ids=[fb.pk for fb in feedback], model_wrote=True)
    Feedback.objects.filter(pk__in=[fb.pk for fb in feedback]).update(
        analysis_status=AnalysisStatus.DONE,
        analysis_error="",
        analysis_updated_at=timezone.now(),
        rules_applied_at=None,  # the rules run again on the new analysis (feedback.on_analysed)
        # by the rule, not simply the row written: an upsert keeps its first write time
        current_analysis=analysis_current_id(),
    )
    return {fb.pk: analysis for fb, analysis in zip(feedback, analyses, strict=True)}


def analysis_write(
    *, feedback_id: int, text_hash: str, result: Result, model_version: str
) -> Analysis | None:
    """Store one result (`analyses_write` for one item); None, writing nothing, if the item is no
    longer running with the analysed text."""
    return analyses_write(
        results={feedback_id: (text_hash, result)}, model_version=model_version
    ).get(feedback_id)
