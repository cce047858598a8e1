"""Topic identity across refits: which new topic is which old one.

A refit renumbers clusters at random; people have named, merged and promoted the old topics, so
each new topic is matched to at most one old topic (Hungarian assignment on a score mixing
centroid cosine and keyword overlap), and only a close enough pair keeps the old identity. The
others are new topics; old topics left unmatched have faded.
"""

import numpy as np

CENTROID_WEIGHT = 0.8
MIN_SCORE = 0.7


def _jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def topics_match(
    old_centroids: np.ndarray,
    old_keywords: list[list[str]],
    new_centroids: np.ndarray,
    new_keywords: list[list[str]],
    *,
    min_score: float = MIN_SCORE,
) -> dict[int, int]:
    """{new index: old index} for the pairs that are the same topic (one-to-one)."""
    from scipy.optimize import linear_sum_assignment

    if not len(old_centroids) or not len(new_centroids):
        return {}
    cosine = new_centroids @ old_centroids.T
    overlap = np.array([[_jaccard(n, o) for o in old_keywords] for n in new_keywords])
    score = CENTROID_WEIGHT * cosine + (1 - CENTROID_WEIGHT) * overlap
    rows, cols = linear_sum_assignment(-score)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if score[r, c] >= min_score}
