"""The embedded engine on real text: one session-wide model, no training, no data files."""

import numpy as np
import pytest

from nlp.engine.core import EMOTION_LABELS
from tests.nlp.conftest import RESPONSIVENESS, VALUE

ODD_INPUTS = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "html": "<p>The <b>partner</b> was &amp; is great!</p><script>x()</script>",
    "emoji": "😡😡😡",
    "german": "Die Beratung war ausgezeichnet, vielen Dank!",
    "mixed": "Service 很好 but the invoice была слишком высокой 😊",
    "control": "tab\tand\x0bvertical\x0cform feed",
}


def _assert_well_formed(result):
    assert result.sentiment.label in {"negative", "neutral", "positive"}
    assert abs(sum(result.sentiment.scores.values()) - 1.0) < 1e-3
    assert set(result.emotions.scores) == set(EMOTION_LABELS)
    assert result.emotions.labels
    assert result.models["encoder"].endswith("all-MiniLM-L6-v2")


def test_odd_inputs_give_defined_results_in_one_batch(nlp_engine):
    # given
    texts = list(ODD_INPUTS.values())
    # when
    results = nlp_engine.analyse(texts, [[RESPONSIVENESS]] * len(texts))
    # then
    assert len(results) == len(texts)
    for result in results:
        _assert_well_formed(result)
    empty = results[0]
    assert empty.sentiment.label == "neutral" and empty.sentences == [] and empty.themes == []
    assert results[1].sentences == []


def test_one_megabyte_text_is_analysed_whole(nlp_engine):
    # given
    text = ("The audit team was thorough and answered every question quickly. " * 16_000)[
        :1_000_000
    ]
    # when
    (result,) = nlp_engine.analyse([text], [[]])
    # then every sentence is there, to the end of the text
    assert len(result.sentences) >= 15_000
    assert result.sentences[-1].end == len(text.rstrip())
    _assert_well_formed(result)


def test_clear_sentiment_is_recognised_per_sentence_and_per_document(nlp_engine):
    # given
    texts = [
        "Thank you so much, the team was brilliant and I love working with you!",
        "This is the worst service ever. I am furious and disgusted.",
        "The brilliant partner was great. The invoice was a disgrace and I am angry.",
    ]
    # when
    happy, angry, mixed = nlp_engine.analyse(texts, [[]] * 3)
    # then
    assert happy.sentiment.label == "positive"
    assert {"gratitude", "love", "admiration", "joy"} & set(happy.emotions.labels)
    assert angry.sentiment.label == "negative"
    assert {"anger", "annoyance", "disgust", "disapproval"} & set(angry.emotions.labels)
    assert [s.sentiment.label for s in mixed.sentences] == ["positive", "negative"]


def test_themes_match_at_sentence_level_with_their_own_sentiment(nlp_engine):
    # given
    text = (
        "Our lawyer took three weeks to get back to us about the contract, which was frustrating. "
        "The weather in London was nice."
    )
    # when
    (result,) = nlp_engine.analyse([text], [[RESPONSIVENESS, VALUE]])
    # then
    names = [t.name for t in result.themes]
    assert names == ["Responsiveness"]
    theme = result.themes[0]
    assert theme.key == 1
    assert theme.evidence == [
        "Our lawyer took three weeks to get back to us about the contract, which was frustrating."
    ]
    assert theme.sentiment == "negative" and theme.sentiment_value < 0


def test_unrelated_text_mentions_no_theme(nlp_engine):
    (result,) = nlp_engine.analyse(["I had pasta for lunch."], [[RESPONSIVENESS, VALUE]])
    assert result.themes == []


def test_one_pass_embedding_equals_sentence_transformers(nlp_engine):
    # given
    from nlp.inference import embedded_encoder_path, st_encode

    texts = ["They replied within the hour.", "Fees were fair.", "Slow, slow, slow."]
    # when
    ours = nlp_engine.encoder.encode_segments(texts).layers[:, -1, :]
    ours = ours / np.linalg.norm(ours, axis=1, keepdims=True)
    reference = st_encode(embedded_encoder_path(), texts)
    # then
    assert np.min(np.sum(ours * reference, axis=1)) > 0.9999


def test_result_serialises_to_the_documented_json(nlp_engine):
    (result,) = nlp_engine.analyse(
        ["They always replied within the hour, thank you!"], [[RESPONSIVENESS]]
    )
    data = result.to_dict()
    assert set(data) == {
        "sentiment",
        "sentences",
        "emotions",
        "themes",
        "models",
        "intent_to_leave",
    }
    assert set(data["sentences"][0]) >= {"text", "start", "end", "sentiment", "intent"}
    assert set(data["sentiment"]) >= {"label", "scores", "value", "confidence"}
    assert set(data["intent_to_leave"]) == {"probability", "flag", "evidence"}
    assert set(data["emotions"]) == {"labels", "scores"}
    assert set(data["themes"][0]) >= {"name", "score", "sentiment", "evidence"}


@pytest.mark.parametrize("batch", [1, 7])
def test_results_do_not_depend_on_batch_composition(nlp_engine, batch):
    text = "The partner explained everything clearly."
    alone = nlp_engine.analyse([text], [[]])[0]
    crowd = nlp_engine.analyse([text, *["Filler text here."] * batch], [[]] * (batch + 1))[0]
    assert alone.sentiment.scores == pytest.approx(crowd.sentiment.scores, abs=1e-3)
