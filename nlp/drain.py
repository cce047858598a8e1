"""Draining the pending items: what one `nlp.analyse_pending` wake-up does.

Ingestion publishes one wake-up per commit (none while one is waiting) instead of a task per
item; the worker that takes it analyses pending items a batch at a time until none is left."""

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from feedback.services import analysis_wake
from nlp.services import feedback_analyse_claimed, feedback_analysis_claim

if TYPE_CHECKING:
    from nlp.engine.core import Engine


@dataclass
class DrainOutcome:
    batches: int = 0
    done: int = 0
    failed: int = 0
    drained: bool = False  # False: the time budget ran out and a new wake-up was published


def feedback_analyse_pending(
    *, batch_size: int, budget_s: float, engine: "Engine | None" = None
) -> DrainOutcome:
    """Analyse pending items, oldest first, `batch_size` at a time, until none is left or
    `budget_s` is spent (then a new wake-up goes on with the rest, so a task stays bounded and
    the other nlp tasks get their turn). Each batch is claimed as `feedback_analyse_batch`
    claims (SKIP LOCKED), so workers drain side by side and never take the same item; a full
    batch means more may be waiting, so it wakes one more worker (at most one wake-up waits).
    Safe to run twice or concurrently; an OperationalError propagates (the batch's claims
    released) for the task to retry."""
    started = time.monotonic()
    outcome = DrainOutcome()
    while time.monotonic() - started < budget_s:
        claimed = feedback_analysis_claim(feedback_ids=[], fill_to=batch_size)
        if not claimed:
            outcome.drained = True
            return outcome
        if len(claimed) >= batch_size:
            analysis_wake()
        batch = feedback_analyse_claimed(feedback_ids=[], claimed=claimed, engine=engine)
        outcome.batches += 1
        outcome.done += len(batch.done)
        outcome.failed += len(batch.failed)
    analysis_wake()
    return outcome
