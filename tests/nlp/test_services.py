"""The pipeline's services against the real database and the real embedded engine."""

import json
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import (
    Analysis,
    AnalysisStatus,
    EmotionTag,
    Feedback,
    FeedbackEmbedding,
    ThemeMention,
    text_hash,
)
from nlp.reanalysis import feedback_reanalyse
from nlp.results import analyses_write, analysis_write
from nlp.services import feedback_analyse_batch, feedback_analysis_claim
from nlp.tasks import analyse_batch
from tests.factories import BrandPromiseFactory, FeedbackFactory

pytestmark = pytest.mark.django_db


def _feedback(source, text: str) -> Feedback:
    return FeedbackFactory(source=source, text=text, text_hash=text_hash(text))


def _state(fb: Feedback) -> tuple:
    fb.refresh_from_db()
    analyses = list(Analysis.objects.filter(feedback=fb).values_list("pk", "sentiment", "emotions"))
    tags = sorted(EmotionTag.objects.filter(feedback=fb).values_list("label", flat=True))
    themes = sorted(
        ThemeMention.objects.filter(feedback=fb).values_list("brand_promise__name", "evidence")
    )
    return fb.analysis_status, fb.sentiment, analyses, tags, themes


def _theme(bp) -> dict:
    return {"name": bp.name, "description": bp.description, "examples": bp.examples, "key": bp.pk}


@pytest.fixture
def responsiveness(firm):
    return BrandPromiseFactory(
        firm=firm,
        name="Responsiveness",
        description="We answer clients quickly.",
        examples=["they replied within the hour", "took weeks to get back to us"],
    )


def test_claim_is_compare_and_swap(api_source):
    # given
    fb = _feedback(api_source, "Fine.")
    # when
    first = feedback_analysis_claim(feedback_ids=[fb.pk, fb.pk])
    second = feedback_analysis_claim(feedback_ids=[fb.pk])
    # then
    assert first == [fb.pk] and second == []
    fb.refresh_from_db()
    assert fb.analysis_status == AnalysisStatus.RUNNING and fb.analysis_attempts == 1


def test_batch_writes_sentiment_emotions_and_themes(nlp_engine, api_source, responsiveness):
    # given
    fb = _feedback(api_source, "The partner took weeks to get back to us. Very disappointing.")
    # when
    outcome = feedback_analyse_batch(feedback_ids=[fb.pk], engine=nlp_engine)
    # then
    assert outcome.done == [fb.pk]
    status, sentiment, analyses, tags, themes = _state(fb)
    assert status == AnalysisStatus.DONE and sentiment == "negative"
    assert len(analyses) == 1 and tags
    assert themes == [("Responsiveness", ["The partner took weeks to get back to us."])]
    assert fb.sentiment_value < 0


def test_task_twice_gives_the_same_state_and_missing_rows_are_no_ops(nlp_engine, api_source):
    # given
    fb = _feedback(api_source, "Thank you, excellent advice as always!")
    ids = json.loads(json.dumps([fb.pk, 999_999]))  # arguments survive a JSON round trip
    # when
    analyse_batch(ids)
    once = _state(fb)
    Feedback.objects.filter(pk=fb.pk).update(analysis_status=AnalysisStatus.PENDING)
    analyse_batch(ids)
    twice = _state(fb)
    # then
    assert once == twice
    assert once[0] == AnalysisStatus.DONE and once[1] == "positive"


def test_a_result_for_changed_text_is_not_written(nlp_engine, api_source):
    # given a claimed item whose text is edited while inference runs
    fb = _feedback(api_source, "Old text, all good.")
    feedback_analysis_claim(feedback_ids=[fb.pk])
    (result,) = nlp_engine.analyse([fb.text], [[]])
    Feedback.objects.filter(pk=fb.pk).update(text="New text", text_hash=text_hash("New text"))
    # when
    written = analysis_write(
        feedback_id=fb.pk,
        text_hash=text_hash("Old text, all good."),
        result=result,
        model_version=nlp_engine.version,
    )
    # then
    assert written is None
    assert not Analysis.objects.filter(feedback=fb).exists()


class PoisonOnMarker:
    """Fault injection around the real engine: any batch holding the marker text raises, as a
    model would on an input it cannot handle. Everything else is the real engine."""

    def __init__(self, engine, marker: str):
        self.engine, self.marker, self.version = engine, marker, engine.version

    def analyse(self, texts, themes):
        if self.marker in texts:
            raise ValueError("cannot analyse this")
        return self.engine.analyse(texts, themes)


def test_a_poison_item_fails_alone(nlp_engine, api_source):
    # given
    good = _feedback(api_source, "Great result, thanks.")
    poison = _feedback(api_source, "POISON")
    # when
    outcome = feedback_analyse_batch(
        feedback_ids=[good.pk, poison.pk], engine=PoisonOnMarker(nlp_engine, "POISON")
    )
    # then
    assert outcome.done == [good.pk] and outcome.failed == [poison.pk]
    poison.refresh_from_db()
    assert poison.analysis_status == AnalysisStatus.FAILED
    assert "cannot analyse this" in poison.analysis_error


def test_reanalyse_requeues_done_items_of_one_firm_only(api_source, other_firm):
    # given
    mine = _feedback(api_source, "a")
    theirs = FeedbackFactory(source__firm=other_firm, text="b", text_hash=text_hash("b"))
    Feedback.objects.update(analysis_status=AnalysisStatus.DONE, analysis_attempts=3)
    # when
    queued = feedback_reanalyse(firm=api_source.firm, since=timezone.now() - timedelta(days=30))
    # then
    assert queued == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.analysis_status, mine.analysis_attempts) == (AnalysisStatus.PENDING, 0)
    assert theirs.analysis_status == AnalysisStatus.DONE


def test_a_batch_is_written_in_a_fixed_number_of_queries(nlp_engine, api_source, responsiveness):
    # given two claimed batches of different sizes, analysed
    counts = []
    for size in (2, 6):
        items = [
            _feedback(api_source, f"Item {size}-{i} took weeks to get back to us.")
            for i in range(size)
        ]
        feedback_analysis_claim(feedback_ids=[fb.pk for fb in items])
        results = nlp_engine.analyse([fb.text for fb in items], [[_theme(responsiveness)]] * size)
        # when
        with CaptureQueriesContext(connection) as queries:
            written = analyses_write(
                results={fb.pk: (fb.text_hash, r) for fb, r in zip(items, results, strict=True)},
                model_version=nlp_engine.version,
            )
        counts.append(len(queries))
        # then every item is stored with its emotion and theme rows
        assert sorted(written) == sorted(fb.pk for fb in items)
        for fb in items:
            status, _, analyses, tags, themes = _state(fb)
            assert status == AnalysisStatus.DONE and len(analyses) == 1 and tags
            assert themes and themes[0][0] == "Responsiveness"
    # (one of them looks up people's corrections to re-apply; these items have none)
    assert counts[0] == counts[1] <= 11


def test_each_mention_is_stored_with_its_own_polarity_and_confidence(nlp_engine, api_source, firm):
    # given a sentence that praises one promise and faults another
    expertise = BrandPromiseFactory(
        firm=firm,
        name="Expertise",
        description="Deep technical knowledge and sound advice.",
        examples=["sound technical advice", "expert team"],
    )
    value = BrandPromiseFactory(
        firm=firm,
        name="Value for money",
        description="Fair, predictable fees that match the value delivered.",
        examples=["fees were fair", "good value", "no surprises on the invoice"],
    )
    fb = _feedback(
        api_source, "Excellent advice, but the invoice was much higher than the estimate."
    )
    # when
    feedback_analyse_batch(feedback_ids=[fb.pk], engine=nlp_engine)
    # then
    mentions = {m.brand_promise_id: m for m in ThemeMention.objects.filter(feedback=fb)}
    assert mentions[expertise.pk].sentiment == "positive"
    assert mentions[value.pk].sentiment == "negative"
    for mention in mentions.values():
        scores = mention.sentiment_scores
        assert abs(sum(scores.values()) - 1.0) < 1e-3
        assert mention.sentiment_confidence == scores[mention.sentiment]


def test_the_analysis_pass_stores_the_topic_vector_of_each_item(nlp_engine, api_source):
    # given an item
    from nlp.topics.embed import document_embeddings

    fb = _feedback(api_source, "The new billing portal keeps logging us out. Please fix it.")

    # when the worker analyses it
    outcome = feedback_analyse_batch(feedback_ids=[fb.pk], engine=nlp_engine)

    # then its document vector is stored from that same pass: the vector the topic model would
    # have encoded on its own
    assert outcome.done == [fb.pk]
    stored = FeedbackEmbedding.objects.get(feedback=fb)
    assert stored.text_hash == fb.text_hash and stored.firm_id == api_source.firm_id
    vector = np.frombuffer(stored.vector, dtype=np.float16).astype(np.float32)
    expected = document_embeddings([fb.text])[0]
    assert float(vector @ expected) > 0.999
