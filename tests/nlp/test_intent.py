"""Intent to leave: the detector on the real embedded engine, its storage, and the rule."""

import numpy as np
import pytest

from feedback.models import Analysis, text_hash
from feedback.review.rules import rule_defaults_ensure, rules_evaluate
from nlp.engine.intent import CUES, intent_load
from nlp.services import feedback_analyse_batch
from tests.factories import FeedbackFactory

# Worded for this test: in neither the in-domain training file nor the challenge set.
LEAVING = (
    "The work was fine. Even so, we will be giving our property work to a different firm from "
    "next quarter."
)
STAYING = "The work was fine. Next quarter we will send you the conveyancing for the new site."


def test_the_committed_model_loads_with_a_threshold_in_range():
    model = intent_load()
    assert model is not None
    assert 0.0 < model.threshold < 1.0
    assert model.leave.shape[1] == model.stay.shape[1] == 384


def test_leaving_is_flagged_with_its_sentence_and_staying_is_not(nlp_engine):
    leaving, staying = nlp_engine.analyse([LEAVING, STAYING], [[], []])
    assert leaving.intent.flag and not staying.intent.flag
    assert leaving.intent.probability > staying.intent.probability
    assert leaving.intent.evidence == [leaving.sentences[1].text]
    assert leaving.sentences[1].intent == leaving.intent.probability
    assert leaving.to_dict()["intent_to_leave"]["flag"] is True


def test_probabilities_are_probabilities_and_empty_text_has_none(nlp_engine):
    results = nlp_engine.analyse(["", "Thanks.", LEAVING], [[], [], []])
    probs = np.asarray([r.intent.probability for r in results])
    assert probs[0] == 0.0 and not results[0].intent.flag
    assert ((probs >= 0) & (probs <= 1)).all()
    assert 0.0 <= results[1].sentiment.confidence <= 1.0
    assert results[1].sentiment.confidence == max(results[1].sentiment.scores.values())


def test_cues_alone_do_not_decide():
    # A cue fires on both; the embedding model (tested above) tells them apart.
    assert CUES.search("Let's review the panel of witnesses next week.")
    assert CUES.search("We are reviewing our panel of law firms.")


@pytest.mark.django_db
def test_the_flag_is_stored_and_the_talk_of_leaving_rule_uses_it(api_source, nlp_engine):
    # given an item with no phrase of the firm's keyword list
    item = FeedbackFactory(source=api_source, text=LEAVING, text_hash=text_hash(LEAVING))
    # when the worker's service analyses it
    outcome = feedback_analyse_batch(feedback_ids=[item.pk], engine=nlp_engine)
    # then
    assert outcome.done == [item.pk]
    analysis = Analysis.objects.get(feedback=item)
    assert analysis.intent_flag and analysis.intent_to_leave > 0.5
    assert 0.0 < analysis.sentiment_confidence <= 1.0
    rules = rule_defaults_ensure(firm=item.firm)
    (churn,) = [m for m in rules_evaluate(feedback=item, rules=rules) if m.rule == "churn_talk"]
    assert churn.detail.startswith("Talk of leaving: intent to leave (")
    assert churn.evidence[0] == analysis.sentences[1]["text"]
