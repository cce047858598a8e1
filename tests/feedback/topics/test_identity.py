"""Refits keep a topic's identity: new topics matched to old ones."""

import numpy as np

from feedback.topics.identity import topics_match


def _unit(rows):
    x = np.asarray(rows, dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_a_refit_that_renumbers_topics_keeps_their_identity_and_names_the_new_one_new():
    # given two old topics, and a refit that swapped their order and found a third, new topic
    old = _unit([[1, 0, 0], [0, 1, 0]])
    old_words = [["billing", "portal"], ["parking", "office"]]
    new = _unit([[0.1, 1, 0], [1, 0.05, 0], [0, 0, 1]])
    new_words = [["parking", "spaces"], ["billing", "portal", "login"], ["singapore", "office"]]
    # when
    matching = topics_match(old, old_words, new, new_words)
    # then
    assert matching == {0: 1, 1: 0}


def test_matching_is_one_to_one_when_a_topic_splits():
    # given one old topic that the refit split into two close halves
    old = _unit([[1, 0, 0]])
    new = _unit([[1, 0.2, 0], [1, 0, 0.3]])
    # when
    matching = topics_match(old, [["fees"]], new, [["fees", "high"], ["fees", "invoice"]])
    # then the closer half keeps the identity, the other is a new topic
    assert matching == {0: 0}


def test_nothing_to_match_gives_no_pairs():
    empty = np.zeros((0, 3), np.float32)
    assert topics_match(empty, [], _unit([[1, 0, 0]]), [["a"]]) == {}
