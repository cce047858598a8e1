"""Writes of the NLP pipeline: claim feedback, run the engine outside transactions, store results.

Idempotent by construction: items are claimed with a compare-and-swap UPDATE (pending ->
running), results are upserted by (feedback, model_version) with their emotion and theme rows
replaced, and a result for text that changed since the claim is never written.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from celery import current_app
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.queues import ANALYSE_TASK
from config.queues import ON_ANALYSED_TASK as ANALYSED_TASK
from feedback.models import (
    Analysis,
    AnalysisStatus,
    EmotionTag,
    Feedback,
    Firm,
    ThemeMention,
)
from feedback.review.corrections import corrections_apply
from nlp.claims import feedback_claim_lease_kept
from nlp.engine.result import Result
from nlp.engine.themes import Theme
from nlp.selectors import themes_by_firm

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 2000


@dataclass
class BatchOutcome:
    done: list[int]
    failed: list[int]
    skipped: list[int]  # not claimable (missing, already done, claimed elsewhere) or stale


@transaction.atomic
def feedback_analysis_claim(*, feedback_ids: list[int]) -> list[int]:
    """Claim pending items (pending -> running, attempts + 1) in one guarded UPDATE: the pending
    rows are locked first (SKIP LOCKED: a concurrent claimer gets the others, never the same
    ones), so two workers given the same id never both claim it. Missing ids are ignored."""
    wanted = list(dict.fromkeys(int(i) for i in feedback_ids))
    pending = Feedback.objects.filter(pk__in=wanted, analysis_status=AnalysisStatus.PENDING)
    locked = set(pending.select_for_update(skip_locked=True).values_list("pk", flat=True))
    pending.filter(pk__in=locked).update(
        analysis_status=AnalysisStatus.RUNNING,
        analysis_attempts=F("analysis_attempts") + 1,
        analysis_updated_at=timezone.now(),
    )
    return [pk for pk in wanted if pk in locked]


def feedback_analysis_release(*, feedback_ids: list[int]) -> None:
    """Give running items back (running -> pending) after a transient error, so a retry can
    claim them again. Best effort: if this fails too, the sweeper re-queues them later."""
    Feedback.objects.filter(pk__in=feedback_ids, analysis_status=AnalysisStatus.RUNNING).update(
        analysis_status=AnalysisStatus.PENDING, analysis_updated_at=timezone.now()
    )


def feedback_analysis_fail(*, feedback_id: int, error: str) -> None:
    """Terminal failure of one item: recorded as a visible status, never swallowed."""
    Feedback.objects.filter(pk=feedback_id, analysis_status=AnalysisStatus.RUNNING).update(
        analysis_status=AnalysisStatus.FAILED,
        analysis_error=error[:MAX_ERROR_CHARS],
        analysis_updated_at=timezone.now(),
    )


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


def _infer(engine, texts: list[str], themes: list[list[Theme]]) -> list[Result | Exception]:
    """Whole batch in one pass; if that raises, item by item so one poison text fails alone."""
    try:
        return list(engine.analyse(texts, themes))
    except Exception:  # noqa: BLE001 - isolate the poison item below
        logger.exception("batch inference failed; retrying item by item")
    out: list[Result | Exception] = []
    for text, item_themes in zip(texts, themes, strict=True):
        try:
            out.append(engine.analyse([text], [item_themes])[0])
        except Exception as exc:  # noqa: BLE001 - recorded on the item as its failure
            out.append(exc)
    return out


def _top_up(feedback_ids: list[int], fill_to: int) -> list[int]:
    """Add other pending items (oldest first) up to `fill_to`: ingestion sends one id per task,
    and batching them is what makes the encoder fast. Claims stay compare-and-swap, so the
    tasks for the added ids later find them taken and return at once."""
    if len(feedback_ids) >= fill_to:
        return feedback_ids
    extra = (
        Feedback.objects.filter(analysis_status=AnalysisStatus.PENDING)
        .exclude(pk__in=feedback_ids)
        .order_by("analysis_updated_at", "pk")
        .values_list("pk", flat=True)[: fill_to - len(feedback_ids)]
    )
    return [*feedback_ids, *extra]


def feedback_analyse_batch(
    *, feedback_ids: list[int], engine=None, fill_to: int = 0
) -> BatchOutcome:
    """Analyse a batch end to end. Not atomic as a whole, on purpose: inference runs outside any
    transaction, then the results commit together (item by item if the database refuses one).
    Safe to run twice or concurrently (claims). With `fill_to`, other pending items join the
    batch up to that size. Raises OperationalError (after releasing its claims) so the task can
    retry."""
    from nlp.engine.core import engine_get

    feedback_ids = [int(i) for i in feedback_ids]
    claimed = feedback_analysis_claim(feedback_ids=_top_up(feedback_ids, fill_to))
    outcome = BatchOutcome(
        done=[], failed=[], skipped=[i for i in feedback_ids if i not in claimed]
    )
    if not claimed:
        return outcome
    try:
        with feedback_claim_lease_kept(feedback_ids=claimed):
            _analyse_claimed(claimed, engine or engine_get(), outcome)
    except OperationalError:
        feedback_analysis_release(
            feedback_ids=[i for i in claimed if i not in outcome.done + outcome.failed]
        )
        raise
    _requeue_stale(claimed_ids=claimed, outcome=outcome)
    if outcome.done:
        done = list(outcome.done)
        transaction.on_commit(partial(_publish_analysed, done))
    return outcome


# Broker blips are retried for about 20 s; beyond that the rules sweep (feedback.sweep_review_gaps)
# finds the items by their empty `rules_applied_at`.
PUBLISH_RETRY = {"max_retries": 6, "interval_start": 0.5, "interval_step": 1, "interval_max": 5}


def _publish_analysed(feedback_ids: list[int]) -> None:
    try:
        current_app.send_task(
            ANALYSED_TASK, args=[feedback_ids], retry=True, retry_policy=PUBLISH_RETRY
        )
    except Exception:  # noqa: BLE001 - any broker failure; the rules sweep catches up
        logger.warning("could not publish %s for %d item(s)", ANALYSED_TASK, len(feedback_ids))


def _analyse_claimed(claimed: list[int], engine, outcome: BatchOutcome) -> None:
    """Infer and store the claimed items, recording each one's fate in `outcome`."""
    items = list(
        Feedback.objects.filter(pk__in=claimed).values("pk", "firm_id", "text", "text_hash")
    )
    themes = themes_by_firm({item["firm_id"] for item in items})
    results = _infer(engine, [i["text"] for i in items], [themes[i["firm_id"]] for i in items])
    good = {}
    for item, result in zip(items, results, strict=True):
        if isinstance(result, Exception):
            feedback_analysis_fail(
                feedback_id=item["pk"], error=f"{type(result).__name__}: {result}"
            )
            outcome.failed.append(item["pk"])
        else:
            good[item["pk"]] = (item["text_hash"], result)
    written = _write(good, engine.version, outcome)
    for pk in good:
        if pk in written:
            outcome.done.append(pk)
        elif pk not in outcome.failed:
            outcome.skipped.append(pk)


def _write(good: dict, model_version: str, outcome: BatchOutcome) -> dict[int, Analysis]:
    """The whole batch in one transaction; if the database refuses it, item by item so a row it
    refuses fails alone. OperationalError (an outage, not a bad row) propagates for a retry."""
    try:
        return analyses_write(results=good, model_version=model_version)
    except OperationalError:
        raise
    except Exception:  # noqa: BLE001 - isolate the refused row below
        logger.exception("batch write failed; writing item by item")
    written = {}
    for pk, (text_hash, result) in good.items():
        try:
            analysis = analysis_write(
                feedback_id=pk, text_hash=text_hash, result=result, model_version=model_version
            )
        except OperationalError:
            raise
        except Exception as exc:  # noqa: BLE001 - a row the database refuses is poison
            logger.exception("could not store analysis of feedback %s", pk)
            feedback_analysis_fail(feedback_id=pk, error=f"{type(exc).__name__}: {exc}")
            outcome.failed.append(pk)
            continue
        if analysis is not None:
            written[pk] = analysis
    return written


def _requeue_stale(*, claimed_ids: list[int], outcome: BatchOutcome) -> None:
    """Claimed items whose text changed mid-flight are put back to pending and re-sent."""
    stale = [i for i in outcome.skipped if i in claimed_ids]
    if not stale:
        return
    Feedback.objects.filter(pk__in=stale, analysis_status=AnalysisStatus.RUNNING).update(
        analysis_status=AnalysisStatus.PENDING, analysis_updated_at=timezone.now()
    )
    transaction.on_commit(lambda: current_app.send_task(ANALYSE_TASK, args=[stale]))


def feedback_reanalyse(
    *,
    firm: Firm | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch_size: int = 64,
) -> int:
    """Put matching feedback (done or failed) back to pending and queue it in batches on commit,
    e.g. after a model change. Items already pending/running are left to their current run.
    Returns how many items were queued."""
    qs = Feedback.objects.filter(
        Q(analysis_status=AnalysisStatus.DONE) | Q(analysis_status=AnalysisStatus.FAILED)
    )
    if firm is not None:
        qs = qs.filter(firm=firm)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    total = 0
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            n = (
                Feedback.objects.filter(pk__in=chunk)
                .filter(
                    Q(analysis_status=AnalysisStatus.DONE)
                    | Q(analysis_status=AnalysisStatus.FAILED)
                )
                .update(
                    analysis_status=AnalysisStatus.PENDING,
                    analysis_attempts=0,
                    analysis_error="",
                    analysis_updated_at=timezone.now(),
                )
            )
            total += n
            transaction.on_commit(partial(current_app.send_task, ANALYSE_TASK, args=[chunk]))
    return total
