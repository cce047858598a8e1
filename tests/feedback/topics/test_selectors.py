"""The topic list: volume this period against the baseline, emerging first, one firm only."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from feedback.topics.selectors import topic_list
from feedback.topics.services import FoundTopic, topics_refit_apply
from tests.factories import FeedbackFactory

pytestmark = pytest.mark.django_db


def _unit(*values: float) -> np.ndarray:
    x = np.asarray(values, dtype=np.float32)
    return x / np.linalg.norm(x)


def _batch(firm, n: int, days_ago: int):
    when = timezone.now() - timedelta(days=days_ago)
    return FeedbackFactory.create_batch(n, source__firm=firm, received_at=when)


def test_a_topic_that_starts_this_month_is_raised_as_emerging(firm, other_firm):
    # given a steady topic over six months, and one that only started this month
    steady = _batch(firm, 40, 90) + _batch(firm, 8, 5)
    new = _batch(firm, 9, 3)
    ids = topics_refit_apply(
        firm=firm,
        found=[
            FoundTopic("billing", ["billing"], _unit(1, 0), [(f.pk, 0.9) for f in steady]),
            FoundTopic("new portal", ["portal"], _unit(0, 1), [(f.pk, 0.9) for f in new]),
        ],
    )
    rival = _batch(other_firm, 3, 3)
    topics_refit_apply(
        firm=other_firm,
        found=[FoundTopic("x", ["x"], _unit(1, 0), [(f.pk, 0.9) for f in rival])],
    )
    # when
    rows = topic_list(firm=firm)
    # then
    assert [r.topic.pk for r in rows] == [ids[1], ids[0]]
    assert rows[0].emergence.emerging and rows[0].current == 9 and rows[0].baseline == 0
    assert not rows[1].emergence.emerging and rows[1].baseline == 40


def test_the_topic_list_takes_two_queries(firm, django_assert_num_queries):
    # given
    items = _batch(firm, 3, 1)
    topics_refit_apply(
        firm=firm, found=[FoundTopic("a", ["a"], _unit(1, 0), [(f.pk, 0.9) for f in items])]
    )
    # then
    with django_assert_num_queries(2):
        topic_list(firm=firm)
