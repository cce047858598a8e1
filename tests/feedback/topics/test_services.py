"""Topic writes: refits keep identity and people's edits; edits are audited; tenants apart."""

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from feedback.models import AuditEvent, Topic, TopicAssignment, TopicStatus
from feedback.topics.services import (
    FoundTopic,
    topic_ignore,
    topic_merge,
    topic_rename,
    topics_refit_apply,
)
from tests.factories import FeedbackFactory

pytestmark = pytest.mark.django_db


def _unit(*values: float) -> np.ndarray:
    x = np.asarray(values, dtype=np.float32)
    return x / np.linalg.norm(x)


def _found(label, centroid, feedback, keywords=None):
    return FoundTopic(label, keywords or label.split(), centroid, [(f.pk, 0.9) for f in feedback])


def test_a_refit_keeps_topic_ids_and_a_person_given_name(firm, analyst):
    # given a first fit with two topics, one renamed by an analyst
    items = FeedbackFactory.create_batch(4, source__firm=firm)
    first = topics_refit_apply(
        firm=firm,
        found=[
            _found("billing portal", _unit(1, 0, 0), items[:2]),
            _found("parking office", _unit(0, 1, 0), items[2:]),
        ],
    )
    topic_rename(
        topic=Topic.objects.get(pk=first[0]), label="New billing portal", actor=analyst.user
    )
    # when a refit finds them in the other order, slightly moved, plus a new topic
    second = topics_refit_apply(
        firm=firm,
        found=[
            _found("parking spaces", _unit(0.1, 1, 0), items[2:3], ["parking", "office"]),
            _found("billing portal login", _unit(1, 0.1, 0), items[:2], ["billing", "portal"]),
            _found("singapore office", _unit(0, 0, 1), items[3:]),
        ],
    )
    # then the old topics keep their ids, the renamed one its name; the third is new
    assert second[0] == first[1] and second[1] == first[0]
    assert second[2] not in first.values()
    assert Topic.objects.get(pk=first[0]).label == "New billing portal"
    assert Topic.objects.get(pk=first[1]).label == "parking spaces"
    assert TopicAssignment.objects.get(feedback=items[3]).topic_id == second[2]
    assert AuditEvent.objects.filter(action="topic.rename", object_id=str(first[0])).exists()


def test_applying_the_same_refit_twice_gives_the_same_rows(firm):
    # given
    items = FeedbackFactory.create_batch(2, source__firm=firm)
    found = [_found("billing portal", _unit(1, 0, 0), items)]
    # when
    first = topics_refit_apply(firm=firm, found=found)
    second = topics_refit_apply(firm=firm, found=found)
    # then
    assert first == second
    assert Topic.objects.filter(firm=firm).count() == 1
    assert TopicAssignment.objects.filter(firm=firm).count() == 2


def test_a_topic_no_longer_found_fades_and_ignored_stays_ignored(firm):
    # given two topics, one ignored
    items = FeedbackFactory.create_batch(2, source__firm=firm)
    ids = topics_refit_apply(
        firm=firm,
        found=[
            _found("billing portal", _unit(1, 0, 0), items[:1]),
            _found("parking office", _unit(0, 1, 0), items[1:]),
        ],
    )
    topic_ignore(topic=Topic.objects.get(pk=ids[1]))
    # when the refit finds the ignored topic only
    topics_refit_apply(firm=firm, found=[_found("parking office", _unit(0, 1, 0), items[1:])])
    # then
    assert Topic.objects.get(pk=ids[0]).status == TopicStatus.FADED
    assert Topic.objects.get(pk=ids[1]).status == TopicStatus.IGNORED


def test_a_merge_moves_feedback_now_and_on_later_refits(firm, analyst):
    # given two topics
    items = FeedbackFactory.create_batch(3, source__firm=firm)
    found = [
        _found("billing portal", _unit(1, 0, 0), items[:2]),
        _found("portal login", _unit(0, 1, 0), items[2:]),
    ]
    ids = topics_refit_apply(firm=firm, found=found)
    source, target = Topic.objects.get(pk=ids[1]), Topic.objects.get(pk=ids[0])
    # when merged, then refitted
    topic_merge(source=source, target=target, actor=analyst.user)
    assert Topic.objects.get(pk=ids[0]).size == 3
    topics_refit_apply(firm=firm, found=found)
    # then the merged topic's feedback is still in the target
    assert TopicAssignment.objects.get(feedback=items[2]).topic_id == ids[0]
    assert AuditEvent.objects.filter(action="topic.merge", object_id=str(ids[1])).exists()


def test_a_topic_cannot_merge_into_another_firms_topic_or_make_a_loop(firm, other_firm):
    # given
    mine = topics_refit_apply(
        firm=firm,
        found=[
            _found("a", _unit(1, 0, 0), FeedbackFactory.create_batch(1, source__firm=firm)),
            _found("b", _unit(0, 1, 0), FeedbackFactory.create_batch(1, source__firm=firm)),
        ],
    )
    theirs = topics_refit_apply(
        firm=other_firm,
        found=[
            _found("c", _unit(1, 0, 0), FeedbackFactory.create_batch(1, source__firm=other_firm))
        ],
    )
    a, b, c = (Topic.objects.get(pk=x) for x in (mine[0], mine[1], theirs[0]))
    # then
    with pytest.raises(ValidationError):
        topic_merge(source=a, target=c)
    topic_merge(source=a, target=b)
    with pytest.raises(ValidationError):
        topic_merge(source=b, target=a)
