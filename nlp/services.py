"""Writes of the NLP pipeline: claim feedback, run the engine outside transactions, store results.

Idempotent by construction: items are claimed with a compare-and-swap UPDATE (pending ->
running), results are upserted by (feedback, model_version) with their emotion and theme rows
replaced, and a result for text that changed since the claim is never written.
"""

import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from config.queues import ANALYSE_TASK
from config.queues import ON_ANALYSED_TASK as ANALYSED_TASK
from feedback.enqueue import task_send_on_commit
from feedback.models import (
    Analysis,
    AnalysisStatus,
    Feedback,
)
from feedback.topics.services import feedback_embeddings_store
from nlp.calibration import MIN_SCORED, bias_apply, bias_fit, result_calibrated
from nlp.claims import feedback_claim_lease_kept
from nlp.engine.result import Result
from nlp.engine.themes import Theme
from nlp.models import FirmSentimentCalibration
from nlp.results import analyses_write, analysis_write
from nlp.selectors import calibrations_by_firm, scored_comments, themes_by_firm

if TYPE_CHECKING:
    from nlp.engine.core import Engine

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 2000


@dataclass
class BatchOutcome:
    done: list[int]
    failed: list[int]
    skipped: list[int]  # not claimable (missing, already done, claimed elsewhere) or stale


# The claim in one round trip (autocommit is one transaction): lock the pending rows asked for
# and the oldest other pending rows, skipping rows another claimer holds, and mark them running.
_CLAIM_SQL = """
WITH wanted AS (
    SELECT id FROM {table} WHERE id = ANY(%(ids)s) AND analysis_status = %(pending)s
    FOR UPDATE SKIP LOCKED
), extra AS (
    SELECT id FROM {table}
    WHERE analysis_status = %(pending)s AND NOT (id = ANY(%(ids)s))
    ORDER BY analysis_updated_at, id LIMIT %(extra)s
    FOR UPDATE SKIP LOCKED
)
UPDATE {table} SET analysis_status = %(running)s,
    analysis_attempts = analysis_attempts + 1, analysis_updated_at = %(now)s
WHERE id IN (SELECT id FROM wanted UNION ALL SELECT id FROM extra)
RETURNING id
"""


def feedback_analysis_claim(*, feedback_ids: list[int], fill_to: int = 0) -> list[int]:
    """Claim pending items (pending -> running, attempts + 1) in one statement: the pending rows
    are locked first (SKIP LOCKED: a concurrent claimer gets the others, never the same ones), so
    two workers given the same id never both claim it. Missing ids are ignored. With `fill_to`,
    other pending items (oldest first) join the claim up to that size (batching is what makes
    the encoder fast; with no ids it is how `nlp.drain` takes the next batch). Returns the
    given ids claimed, in their order, then the others by id."""
    wanted = list(dict.fromkeys(int(i) for i in feedback_ids))
    extra = max(0, fill_to - len(wanted))
    table = connection.ops.quote_name(Feedback._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM_SQL.format(table=table),
            {
                "ids": wanted,
                "pending": AnalysisStatus.PENDING.value,
                "running": AnalysisStatus.RUNNING.value,
                "extra": extra,
                "now": timezone.now(),
            },
        )
        claimed = {row[0] for row in cursor.fetchall()}
    return [pk for pk in wanted if pk in claimed] + sorted(claimed.difference(wanted))


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


def _infer(
    engine: "Engine", texts: list[str], themes: list[list[Theme]]
) -> list[Result | Exception]:
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


def feedback_analyse_batch(
    *, feedback_ids: list[int], engine: "Engine | None" = None, fill_to: int = 0
) -> BatchOutcome:
    """Analyse a batch end to end. Not atomic as a whole, on purpose: inference runs outside any
    transaction, then the results commit together (item by item if the database refuses one).
    Safe to run twice or concurrently (claims). With `fill_to`, other pending items join the
    batch up to that size. Raises OperationalError (after releasing its claims) so the task can
    retry."""
    feedback_ids = [int(i) for i in feedback_ids]
    claimed = feedback_analysis_claim(feedback_ids=feedback_ids, fill_to=fill_to)
    return feedback_analyse_claimed(feedback_ids=feedback_ids, claimed=claimed, engine=engine)


def feedback_analyse_claimed(
    *, feedback_ids: list[int], claimed: list[int], engine: "Engine | None" = None
) -> BatchOutcome:
    """The rest of `feedback_analyse_batch` once `claimed` (from `feedback_analysis_claim`) are
    ours: keep the lease, infer, store, hand stale items back, publish `feedback.on_analysed`."""
    from nlp.engine.core import engine_get

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


def _analyse_claimed(claimed: list[int], engine: "Engine", outcome: BatchOutcome) -> None:
    """Infer and store the claimed items, recording each one's fate in `outcome`."""
    items = list(
        Feedback.objects.filter(pk__in=claimed).values("pk", "firm_id", "text", "text_hash")
    )
    firms = {item["firm_id"] for item in items}
    themes = themes_by_firm(firms)
    results = _infer(engine, [i["text"] for i in items], [themes[i["firm_id"]] for i in items])
    biases = calibrations_by_firm(firms)
    good = {}
    for item, result in zip(items, results, strict=True):
        if isinstance(result, Exception):
            feedback_analysis_fail(
                feedback_id=item["pk"], error=f"{type(result).__name__}: {result}"
            )
            outcome.failed.append(item["pk"])
        else:
            bias = biases.get(item["firm_id"])
            good[item["pk"]] = (
                item["text_hash"],
                result if bias is None else result_calibrated(result, bias, item["firm_id"]),
            )
    written = _write(good, engine.version, outcome)
    _embeddings_store(items, results, written)
    for pk in good:
        if pk in written:
            outcome.done.append(pk)
        elif pk not in outcome.failed:
            outcome.skipped.append(pk)


def _embeddings_store(items: list[Any], results: list, written: dict[int, Analysis]) -> None:
    """Keep the encoder pass's document vectors for the topic model (no second pass over these
    texts). Best effort: the topics sweep encodes whatever is missing, so a failure only logs."""
    rows: dict[int, list[tuple[int, str, Any]]] = {}
    for item, result in zip(items, results, strict=True):
        vector = getattr(result, "embedding", None)
        if item["pk"] in written and vector is not None:
            rows.setdefault(item["firm_id"], []).append((item["pk"], item["text_hash"], vector))
    try:
        with transaction.atomic():  # a savepoint if the caller holds a transaction
            for firm_id, firm_rows in rows.items():
                feedback_embeddings_store(firm_id=firm_id, rows=firm_rows)
    except Exception:  # noqa: BLE001 - the analyses are stored; the sweep fills the vectors in
        logger.exception("could not store the topic vectors of this batch")


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
    task_send_on_commit(ANALYSE_TASK, [stale])


@transaction.atomic
def firm_sentiment_calibration_fit(*, firm_id: int) -> FirmSentimentCalibration | None:
    """Fit (or refit) a firm's sentiment bias on its scored comments (nlp/calibration.py) and
    store it; with fewer than MIN_SCORED scored comments, the firm has none (any old one is
    removed). Applies to items analysed from now on (a reanalysis applies it to the rest)."""
    import numpy as np

    probs, labels = scored_comments(firm_id=firm_id)
    if len(labels) < MIN_SCORED:
        FirmSentimentCalibration.objects.filter(firm_id=firm_id).delete()
        return None
    p, y = np.asarray(probs, dtype=np.float64), np.asarray(labels)
    bias = bias_fit(p, y)
    calibration, _ = FirmSentimentCalibration.objects.update_or_create(
        firm_id=firm_id,
        defaults={
            "bias": [round(float(b), 4) for b in bias],
            "n": len(y),
            "accuracy_before": round(float((p.argmax(1) == y).mean()), 4),
            "accuracy_after": round(float((bias_apply(p, bias).argmax(1) == y).mean()), 4),
        },
    )
    return calibration
