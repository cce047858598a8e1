"""The worker's topic upkeep with the real encoder: a refit over stored embeddings, new feedback
assigned between refits, identity and a person's name kept by the next refit, a split, the
beat's sweep and its due rule. Small corpora (the agglomerative path: no UMAP compile)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import (
    FeedbackEmbedding,
    Topic,
    TopicAssignment,
    TopicModelState,
    TopicStatus,
)
from feedback.topics.services import topic_merge, topic_rename
from nlp.topics.refit import (
    REFIT_EVERY,
    firm_topics_refit,
    refit_due,
    topic_split,
    topics_sweep,
)
from tests.factories import FeedbackFactory

pytestmark = pytest.mark.django_db

SUBJECTS = {
    "portal": [
        "The new billing portal logged me out {}",
        "Could not sign in to the billing portal {}",
        "The billing portal password reset failed {}",
    ],
    "parking": [
        "Parking at your office was impossible {}",
        "There were no parking spaces at the office {}",
        "Finding a car park near your office was hard {}",
    ],
    "coffee": [
        "The coffee in your reception was lovely {}",
        "Lovely tea and coffee while we waited {}",
        "Great coffee at the front desk {}",
    ],
}
WHEN = ["today", "this week", "on Monday", "again"]


def _comments(source, subject: str, n: int, days_ago: int = 60) -> list:
    templates = SUBJECTS[subject]
    return [
        FeedbackFactory(
            source=source,
            text=templates[i % len(templates)].format(WHEN[(i // len(templates)) % len(WHEN)]),
            received_at=timezone.now() - timedelta(days=days_ago + i),
            analysis_status="done",
            sentiment="neutral",
        )
        for i in range(n)
    ]


def _topic_of(items) -> set[int]:
    return set(
        TopicAssignment.objects.filter(feedback__in=items).values_list("topic_id", flat=True)
    )


def test_refit_assign_and_refit_again_keep_identity_and_names(nlp_engine, firm, api_source):
    # given 36 analysed comments on three subjects
    portal = _comments(api_source, "portal", 12)
    parking = _comments(api_source, "parking", 12)
    coffee = _comments(api_source, "coffee", 12)
    # when the firm's topics are fitted
    first = firm_topics_refit(firm_id=firm.pk)
    # then each subject is one topic, embeddings were stored once per comment
    assert first.ran and first.items == 36 and first.topics >= 3
    assert FeedbackEmbedding.objects.filter(firm=firm).count() == 36
    (portal_topic,) = _topic_of(portal)
    assert len(_topic_of(parking)) == 1 and len(_topic_of(coffee)) == 1
    assert portal_topic not in _topic_of(parking) | _topic_of(coffee)
    state = TopicModelState.objects.get(firm=firm)
    assert state.fitted_items == 36 and state.refit_started_at is None
    topic_rename(topic=Topic.objects.get(pk=portal_topic), label="Billing portal")

    # when three new portal comments arrive and the beat's sweep runs (no refit due)
    new = _comments(api_source, "portal", 3, days_ago=1)
    outcome = topics_sweep()
    # then they are assigned to the portal topic without a refit
    assert outcome == {"refit": [], "assigned": [firm.pk]}
    assert _topic_of(new) == {portal_topic}

    # when the topics are refitted again
    second = firm_topics_refit(firm_id=firm.pk)
    # then the topics keep their ids and the person's name
    assert second.items == 39
    assert _topic_of(portal + new) == {portal_topic}
    assert Topic.objects.get(pk=portal_topic).label == "Billing portal"
    assert Topic.objects.filter(firm=firm, status=TopicStatus.ACTIVE).count() == first.topics


def test_a_split_refits_within_a_topic(nlp_engine, firm, api_source):
    # given portal and parking comments folded into one topic by a merge
    portal = _comments(api_source, "portal", 12)
    parking = _comments(api_source, "parking", 12)
    _comments(api_source, "coffee", 6)
    firm_topics_refit(firm_id=firm.pk)
    (portal_topic,) = _topic_of(portal)
    (parking_topic,) = _topic_of(parking)
    topic_merge(
        source=Topic.objects.get(pk=parking_topic), target=Topic.objects.get(pk=portal_topic)
    )
    assert _topic_of(portal + parking) == {portal_topic}
    # when the merged topic is split
    ids = topic_split(topic_id=portal_topic)
    # then each subject has its own topic again, one of them the original
    assert len(ids) >= 2 and ids[0] == portal_topic
    assert len(_topic_of(portal)) == 1 and len(_topic_of(parking)) == 1
    assert _topic_of(portal) != _topic_of(parking)


def test_the_sweep_queues_a_refit_for_a_firm_never_fitted_and_a_missing_firm_is_a_no_op(
    firm, api_source
):
    _comments(api_source, "coffee", 20)
    assert topics_sweep()["refit"] == [firm.pk]
    assert not firm_topics_refit(firm_id=999_999).ran


def test_a_refit_is_due_on_enough_new_feedback_or_weekly():
    now = timezone.now()
    assert not refit_due(items=10, fitted_items=0, fitted_at=None, now=now)
    assert refit_due(items=20, fitted_items=0, fitted_at=None, now=now)
    assert not refit_due(items=110, fitted_items=100, fitted_at=now, now=now)
    assert refit_due(items=125, fitted_items=100, fitted_at=now, now=now)
    assert refit_due(items=1250, fitted_items=1000, fitted_at=now, now=now)
    assert not refit_due(items=1199, fitted_items=1000, fitted_at=now, now=now)
    assert refit_due(items=101, fitted_items=100, fitted_at=now - REFIT_EVERY, now=now)
    assert not refit_due(items=100, fitted_items=100, fitted_at=now - REFIT_EVERY, now=now)
