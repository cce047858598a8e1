"""Promote, split (applied as the worker finds it), refit and split requests: audited, scoped."""

import pytest
from django.core.exceptions import ValidationError

from feedback.models import AuditEvent, BrandPromise, Topic, TopicAssignment, TopicStatus
from feedback.topics.actions import topic_promote, topic_split_apply, topic_split_request
from feedback.topics.services import FoundTopic, topic_assignments_add, topic_merge
from tests.feedback.topics.conftest import PORTAL, unit

pytestmark = pytest.mark.django_db


def test_promoting_a_topic_creates_a_promise_with_its_best_comments(fitted_topics, analyst):
    # given
    portal = fitted_topics["portal"]
    # when
    promise = topic_promote(topic=portal, actor=analyst.user, name="Easy billing")
    # then the promise is active, its examples the topic's most representative comments
    promise.refresh_from_db()
    assert promise.active and promise.firm_id == portal.firm_id
    assert len(promise.examples) == 5 and promise.examples[0] == f"{PORTAL} (report 0)"
    assert Topic.objects.get(pk=portal.pk).promise_id == promise.pk
    assert AuditEvent.objects.filter(action="topic.promote", object_id=str(portal.pk)).exists()
    # and a second promotion, or a name already used, is refused
    with pytest.raises(ValidationError):
        topic_promote(topic=portal, actor=analyst.user)
    with pytest.raises(ValidationError):
        topic_promote(topic=fitted_topics["parking"], name="easy billing")
    assert BrandPromise.objects.count() == 1


def test_a_split_keeps_the_topic_for_the_largest_part_and_moves_the_rest(fitted_topics):
    # given the parking topic merged into the portal one by mistake
    portal, parking = fitted_topics["portal"], fitted_topics["parking"]
    topic_merge(source=parking, target=portal)
    steady, new = fitted_topics["steady_items"], fitted_topics["portal_items"]
    # when the worker's refit within the topic finds the two parts again
    ids = topic_split_apply(
        topic_id=portal.pk,
        parts=[
            FoundTopic("billing portal", ["portal"], unit(0, 1, 0), [(f.pk, 0.9) for f in new]),
            FoundTopic("parking", ["parking"], unit(1, 0, 0), [(f.pk, 0.9) for f in steady]),
        ],
    )
    # then the larger part (parking, 44) keeps the topic's id; the portal comments move out
    assert ids[0] == portal.pk and len(ids) == 2
    assert TopicAssignment.objects.filter(topic_id=portal.pk).count() == len(steady)
    assert TopicAssignment.objects.filter(topic_id=ids[1]).count() == len(new)
    assert Topic.objects.get(pk=ids[1]).status == TopicStatus.ACTIVE
    assert AuditEvent.objects.filter(action="topic.split").exists()


def test_a_split_into_one_part_changes_nothing(fitted_topics):
    portal = fitted_topics["portal"]
    items = fitted_topics["portal_items"]
    part = FoundTopic("x", ["x"], unit(0, 1, 0), [(f.pk, 0.9) for f in items])
    assert topic_split_apply(topic_id=portal.pk, parts=[part]) == [portal.pk]
    assert Topic.objects.filter(firm=portal.firm).count() == 2


def test_only_an_active_topic_can_be_split(fitted_topics, analyst):
    topic = fitted_topics["parking"]
    Topic.objects.filter(pk=topic.pk).update(status=TopicStatus.IGNORED)
    topic.refresh_from_db()
    with pytest.raises(ValidationError):
        topic_split_request(topic=topic, actor=analyst.user)


def test_new_feedback_is_assigned_to_the_topic_a_merge_folded_it_into(fitted_topics, api_source):
    # given a merge of parking into portal
    from tests.factories import FeedbackFactory

    parking, portal = fitted_topics["parking"], fitted_topics["portal"]
    topic_merge(source=parking, target=portal)
    item = FeedbackFactory(source=api_source, text="Parking was full")
    # when the worker assigns it to the parking centroid, twice
    pairs = [(item.pk, parking.pk, 0.8)]
    assert topic_assignments_add(firm=parking.firm, pairs=pairs) == 1
    assert topic_assignments_add(firm=parking.firm, pairs=pairs) == 0
    # then it lands in the portal topic
    assert TopicAssignment.objects.get(feedback=item).topic_id == portal.pk
    assert Topic.objects.get(pk=portal.pk).size == 53
