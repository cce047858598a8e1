"""The worker path's cost per batch: fixed, whatever the batch's size (real PostgreSQL, real
embedded engine). Ingestion sends one task per item; the batch a task tops up takes the others,
whose tasks then cost one statement and find nothing to do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.models import Analysis, AnalysisStatus, Feedback, text_hash
from feedback.review.recovery import feedback_analysed_process
from feedback.review.rules import rule_defaults_ensure
from nlp.services import feedback_analyse_batch, feedback_analysis_claim
from tests.factories import BrandPromiseFactory, FeedbackFactory

pytestmark = pytest.mark.django_db


def _items(source, n: int, tag: str) -> list[Feedback]:
    texts = [f"Batch {tag}, item {i}: they took weeks to get back to us." for i in range(n)]
    return [FeedbackFactory(source=source, text=t, text_hash=text_hash(t)) for t in texts]


def test_a_batch_costs_the_same_queries_whatever_its_size(nlp_engine, api_source, firm):
    # given a firm with a promise, and two backlogs of different sizes
    BrandPromiseFactory(firm=firm, name="Responsiveness", examples=["took weeks to reply"])
    counts = []
    for size in (2, 7):
        items = _items(api_source, size, str(size))
        # when the first item's task runs and tops its batch up with the others
        with CaptureQueriesContext(connection) as queries:
            outcome = feedback_analyse_batch(
                feedback_ids=[items[0].pk], engine=nlp_engine, fill_to=size
            )
        counts.append(len(queries))
        # then the whole backlog is analysed in that one batch
        assert sorted(outcome.done) == sorted(fb.pk for fb in items)
        assert Analysis.objects.filter(feedback__in=items).count() == size
    assert counts[0] == counts[1] <= 19


def test_the_task_of_an_item_a_batch_took_costs_one_statement(nlp_engine, api_source):
    # given two items analysed by the first one's batch
    first, second = _items(api_source, 2, "taken")
    feedback_analyse_batch(feedback_ids=[first.pk], engine=nlp_engine, fill_to=2)

    # when the second item's own task arrives
    with CaptureQueriesContext(connection) as queries:
        outcome = feedback_analyse_batch(feedback_ids=[second.pk], engine=nlp_engine, fill_to=2)

    # then it claims nothing, in one round trip, and the item stays analysed once
    assert len(queries) == 1
    assert (outcome.done, outcome.skipped) == ([], [second.pk])
    assert Analysis.objects.filter(feedback=second).count() == 1


def test_the_claim_tops_up_with_the_oldest_pending_items(api_source):
    # given four pending items and one already done
    a, b, c, d = _items(api_source, 4, "order")
    done = _items(api_source, 1, "done")[0]
    Feedback.objects.filter(pk=done.pk).update(analysis_status=AnalysisStatus.DONE)

    # when a task for c claims up to three, then one for d and the done item
    first = feedback_analysis_claim(feedback_ids=[c.pk], fill_to=3)
    second = feedback_analysis_claim(feedback_ids=[d.pk, done.pk, 999_999], fill_to=3)

    # then c comes first, then the oldest others; the second claim takes what is left
    assert first == [c.pk, a.pk, b.pk]
    assert second == [d.pk]
    states = dict(Feedback.objects.values_list("pk", "analysis_status"))
    assert states[done.pk] == AnalysisStatus.DONE
    assert {states[i] for i in (a.pk, b.pk, c.pk, d.pk)} == {AnalysisStatus.RUNNING}
    assert Feedback.objects.get(pk=a.pk).analysis_attempts == 1


def test_the_rules_of_a_batch_cost_the_same_queries_whatever_its_size(nlp_engine, api_source, firm):
    # given a firm whose default rules exist, and two batches of different sizes no rule flags
    rule_defaults_ensure(firm=firm)
    counts = []
    for size in (2, 7):
        texts = [f"Batch {size}, item {i}: wonderful, thank you so much." for i in range(size)]
        items = [FeedbackFactory(source=api_source, text=t, text_hash=text_hash(t)) for t in texts]
        feedback_analyse_batch(feedback_ids=[items[0].pk], engine=nlp_engine, fill_to=size)
        # when their rules, webhooks and rollups run
        with CaptureQueriesContext(connection) as queries:
            cases = feedback_analysed_process(feedback_ids=[fb.pk for fb in items])
        counts.append(len(queries))
        # then nothing is flagged and every item is recorded as done with its rules
        assert cases == []
        assert not Feedback.objects.filter(pk__in=[fb.pk for fb in items], rules_applied_at=None)
    assert counts[0] == counts[1]
