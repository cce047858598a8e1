"""Emerging topics: a topic's volume this period against its own baseline, with a test.

One noisy week is not a trend. A topic emerges when, in the current period, it has at least
`min_count` comments and its count is significantly above what its baseline share of all
feedback predicts (one-sided Poisson test, `alpha`). The expected count is the current period's
total times the topic's baseline share, with half a comment of prior so that a topic absent from
the baseline (a new one) has a small, non-zero expected rate and can still emerge. The same test
on negative comments only tells a topic whose negativity grows.
"""

from dataclasses import dataclass

MIN_COUNT = 5
ALPHA = 0.01
PRIOR = 0.5


@dataclass(frozen=True)
class Emergence:
    count: int
    expected: float
    p_value: float
    emerging: bool


def topic_emergence(
    *,
    count: int,
    total: int,
    baseline_count: int,
    baseline_total: int,
    min_count: int = MIN_COUNT,
    alpha: float = ALPHA,
) -> Emergence:
    """Is `count` of `total` (current period) above `baseline_count` of `baseline_total`?"""
    from scipy.stats import poisson

    if total <= 0:
        return Emergence(count, 0.0, 1.0, False)
    share = (baseline_count + PRIOR) / (baseline_total + 2 * PRIOR)
    expected = total * share
    # P(X >= count) for X ~ Poisson(expected): sf(count - 1).
    p_value = float(poisson.sf(count - 1, expected)) if count > 0 else 1.0
    return Emergence(count, expected, p_value, count >= min_count and p_value < alpha)
