"""Emerging topics: volume above baseline, with a minimum count and a significance test."""

from feedback.topics.emerging import topic_emergence


def test_a_new_topic_with_enough_comments_emerges():
    # given a topic absent from 400 baseline comments, with 8 of 100 this month
    result = topic_emergence(count=8, total=100, baseline_count=0, baseline_total=400)
    # then
    assert result.emerging and result.p_value < 0.01 and result.expected < 1


def test_one_noisy_period_below_the_minimum_count_does_not_emerge():
    # given a jump from nothing to three comments: significant, but too few to raise
    result = topic_emergence(count=3, total=50, baseline_count=0, baseline_total=1000)
    # then
    assert result.p_value < 0.01 and not result.emerging


def test_a_steady_topic_does_not_emerge():
    # given a topic at 10% of feedback in the baseline and 12% now
    result = topic_emergence(count=12, total=100, baseline_count=40, baseline_total=400)
    # then
    assert not result.emerging and result.p_value > 0.1


def test_a_period_without_feedback_is_never_emerging():
    assert not topic_emergence(count=0, total=0, baseline_count=5, baseline_total=10).emerging
