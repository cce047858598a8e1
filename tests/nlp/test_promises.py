"""The promise matcher's decisions on hand-made embeddings: pure numpy, no model."""

import numpy as np

from nlp.engine.promises import MatchSettings, hits, polarity, scored


def _unit(*v: float) -> np.ndarray:
    x = np.asarray(v, dtype=np.float32)
    return x / np.linalg.norm(x)


# three promises along three axes, no counter-examples
THEMES = [(np.stack([_unit(1, 0, 0, 0)]), np.zeros((0, 4), np.float32)),
          (np.stack([_unit(0, 1, 0, 0)]), np.zeros((0, 4), np.float32)),
          (np.stack([_unit(0, 0, 1, 0)]), np.zeros((0, 4), np.float32))]  # fmt: skip


def test_a_clause_close_to_a_promise_counts_and_lends_its_sentiment():
    # given one sentence between promises 0 and 1, cut into a clause for each
    sentence = np.stack([_unit(1, 1, 0, 2)])
    clause_emb = np.stack([_unit(1, 0, 0, 0.3), _unit(0, 1, 0, 0.3)])
    clause_owner = np.array([0, 0])
    sentence_sent = np.array([[0.2, 0.2, 0.6]], dtype=np.float32)
    clause_sent = np.array([[0.0, 0.1, 0.9], [0.9, 0.1, 0.0]], dtype=np.float32)
    # when
    s = scored(sentence, clause_emb, clause_owner, THEMES)
    found = hits(s, MatchSettings(threshold=0.8, floor=0.8))
    # then each promise is found through its clause, with that clause's sentiment
    assert found[0].tolist() == [True, True, False]
    assert s.sentence[0, 0] < 0.8 <= s.scores[0, 0]
    assert polarity(np.array([0]), 0, s, sentence_sent, clause_sent).argmax() == 2
    assert polarity(np.array([0]), 1, s, sentence_sent, clause_sent).argmax() == 0


def test_the_closest_promise_counts_from_the_floor_and_only_above_the_median():
    # given
    scores_close = np.stack([_unit(0.5, 0.1, 0.0, 1.0)])  # near nothing, nearest promise 0
    scores_flat = np.stack([_unit(1, 1, 1, 0.5)])  # equally near every promise
    none = np.zeros((0, 4), np.float32), np.zeros(0, np.int64)
    settings = MatchSettings(threshold=0.6, floor=0.4, margin=0.1)
    # when
    close = hits(scored(scores_close, *none, THEMES), settings)
    flat = hits(scored(scores_flat, *none, THEMES), settings)
    strict = hits(scored(scores_close, *none, THEMES), MatchSettings(threshold=0.6, floor=0.6))
    # then
    assert close[0].tolist() == [True, False, False]
    assert strict[0].tolist() == [False, False, False]
    assert flat[0].tolist() == [False, False, False]  # "great service overall"
