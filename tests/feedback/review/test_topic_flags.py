"""The flag rule "a new negative topic touching several clients": one case per topic, once."""

import pytest

from feedback.models import Case, CaseEvent, Rule, RuleKind, Topic
from feedback.review.topic_flags import negative_topics_flag
from feedback.topics.events import topics_emergence_update
from tests.factories import ClientFactory
from tests.feedback.topics.conftest import fitted_topics  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _spread_over_clients(items, firm, n: int) -> None:
    """The portal comments come from `n` different clients."""
    clients = [items[0].client] + [ClientFactory(firm=firm) for _ in range(n - 1)]
    for i, item in enumerate(items):
        item.client = clients[i % n]
        item.save(update_fields=["client"])


def test_a_new_negative_topic_from_three_clients_opens_one_case(firm, fitted_topics):  # noqa: F811
    # given the emerging billing-portal topic, negative, from three clients
    _spread_over_clients(fitted_topics["portal_items"], firm, 3)
    topics_emergence_update(firm=firm)

    # when the sweep evaluates the rule, twice
    first = negative_topics_flag(firm=firm)
    again = negative_topics_flag(firm=firm)

    # then one case opens, on the latest negative comment, naming the topic and its reach
    assert len(first) == 1 and again == []
    case = Case.objects.get(pk=first[0])
    assert case.priority == "high" and case.reasons[0]["rule"] == RuleKind.NEGATIVE_TOPIC
    assert (
        "billing portal" in case.reasons[0]["detail"] and "3 clients" in case.reasons[0]["detail"]
    )
    latest = max(fitted_topics["portal_items"], key=lambda f: f.received_at)
    assert case.feedback_id == latest.pk
    assert Topic.objects.get(pk=fitted_topics["portal"].pk).flagged_at is not None
    # the steady, neutral topic opens nothing
    assert Case.objects.count() == 1


def test_a_negative_topic_from_one_client_or_a_disabled_rule_opens_nothing(firm, fitted_topics):  # noqa: F811
    # given the emerging topic from a single client
    topics_emergence_update(firm=firm)
    assert negative_topics_flag(firm=firm) == []

    # and when it spreads but the firm turned the rule off
    _spread_over_clients(fitted_topics["portal_items"], firm, 4)
    Rule.objects.filter(firm=firm, kind=RuleKind.NEGATIVE_TOPIC).update(enabled=False)
    assert negative_topics_flag(firm=firm) == []
    assert not Case.objects.exists()


def test_when_every_negative_comment_has_a_case_the_latest_gets_a_note(firm, fitted_topics):  # noqa: F811
    # given the spread topic whose comments were all flagged one by one already
    from feedback.review.rules import RuleMatch
    from feedback.review.services import case_open

    _spread_over_clients(fitted_topics["portal_items"], firm, 3)
    topics_emergence_update(firm=firm)
    for item in fitted_topics["portal_items"]:
        case_open(feedback=item, matches=[RuleMatch("negative_sentiment", "normal", "Negative")])

    # when the rule runs
    (case_id,) = negative_topics_flag(firm=firm)

    # then no new case: the latest comment's case gets a note saying what the topic is
    assert Case.objects.count() == len(fitted_topics["portal_items"])
    note = CaseEvent.objects.get(case_id=case_id, kind="note")
    assert "New negative topic" in note.body
