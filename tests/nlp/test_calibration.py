"""Per-firm sentiment calibration from the firm's own scored comments (nlp/calibration.py)."""

import numpy as np
import pytest
from django.core.management import call_command

from feedback.models import Analysis, Feedback, text_hash
from nlp.calibration import CALIBRATION_KEY, MIN_SCORED, bias_apply, bias_fit, label_from_rating
from nlp.models import FirmSentimentCalibration
from nlp.services import feedback_analyse_batch, firm_sentiment_calibration_fit
from tests.factories import FeedbackFactory, FirmFactory, SourceFactory

TERSE_PRAISE = "Nothing more to add."  # what this firm's promoters write with a 9 or 10
COMPLAINT = "The report came back late and full of errors."


def test_scores_map_to_sentiment_classes():
    assert [label_from_rating(r, 10) for r in (0, 6, 7, 8, 9, 10)] == [0, 0, 1, 1, 2, 2]
    assert [label_from_rating(r, 5) for r in (1, 2, 3, 4, 5)] == [0, 0, 1, 2, 2]
    assert label_from_rating(3, 7) is None


def test_the_fitted_bias_moves_probabilities_toward_the_scores():
    # given an engine that reads many promoters' terse praise as only just neutral
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [100, 30, 150])
    probs = np.eye(3)[y] * 0.7 + 0.1
    probs[130:190] = [0.1, 0.5, 0.4]
    probs += rng.uniform(0, 0.05, probs.shape)
    probs /= probs.sum(1, keepdims=True)
    # when
    bias = bias_fit(probs, y)
    # then the positive class gains, the total is unchanged, and agreement improves
    assert bias[2] > bias[1] and abs(bias.sum()) < 1e-6
    assert (bias_apply(probs, bias).argmax(1) == y).mean() > (probs.argmax(1) == y).mean()


def _scored(source, text: str, rating: int, n: int) -> list[Feedback]:
    return [
        FeedbackFactory(
            source=source, text=text, text_hash=text_hash(text), rating=rating, rating_scale=10
        )
        for _ in range(n)
    ]


@pytest.mark.django_db
def test_a_firm_with_enough_scored_comments_gets_its_own_calibration(nlp_engine):
    # given a firm whose promoters write a terse line the engine reads as neutral
    source = SourceFactory(firm=FirmFactory(), name="Survey")
    items = _scored(source, TERSE_PRAISE, 10, 30) + _scored(source, COMPLAINT, 3, 30)
    feedback_analyse_batch(feedback_ids=[i.pk for i in items], engine=nlp_engine)
    before = Analysis.objects.get(feedback=items[0])
    assert before.sentiment != "positive"
    # when the command fits the firm's calibration
    call_command("nlp_calibrate_firms", "--firm", str(source.firm_id))
    # then it is stored with what it rests on
    calibration = FirmSentimentCalibration.objects.get(firm=source.firm)
    assert calibration.n == 60 and calibration.accuracy_after >= calibration.accuracy_before
    # and the firm's next comment of that kind reads as its clients mean it
    new = FeedbackFactory(source=source, text=TERSE_PRAISE, text_hash=text_hash(TERSE_PRAISE))
    feedback_analyse_batch(feedback_ids=[new.pk], engine=nlp_engine)
    after = Analysis.objects.get(feedback=new)
    assert after.sentiment == "positive"
    assert after.model_info[CALIBRATION_KEY]["raw"] == before.sentiment_scores
    assert after.model_info[CALIBRATION_KEY]["bias"] == calibration.bias
    # another firm's identical comment is untouched
    other = FeedbackFactory(text=TERSE_PRAISE, text_hash=text_hash(TERSE_PRAISE))
    feedback_analyse_batch(feedback_ids=[other.pk], engine=nlp_engine)
    assert Analysis.objects.get(feedback=other).sentiment_scores == before.sentiment_scores
    # and a refit reads the raw scores, so the bias does not compound
    assert firm_sentiment_calibration_fit(firm_id=source.firm_id).bias == calibration.bias


@pytest.mark.django_db
def test_too_few_scored_comments_fit_nothing(nlp_engine):
    source = SourceFactory(firm=FirmFactory(), name="Survey")
    items = _scored(source, TERSE_PRAISE, 10, MIN_SCORED - 1)
    feedback_analyse_batch(feedback_ids=[i.pk for i in items], engine=nlp_engine)
    assert firm_sentiment_calibration_fit(firm_id=source.firm_id) is None
    assert not FirmSentimentCalibration.objects.filter(firm=source.firm).exists()
