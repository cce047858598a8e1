"""The promise gap: importance (expectation weights) against performance (the current
analysis's promise mentions, corrections included), quadrants and early warnings."""

import pytest

from feedback.lens.selectors import (
    AT_RISK,
    KEPT,
    LOW_PRIORITY,
    OVER_SERVED,
    UNKNOWN,
    client_gap_get,
    promise_gap_get,
)
from feedback.lens.services import client_expectations_set
from feedback.models import TagKind
from feedback.review.corrections import tag_correct
from feedback.selectors import client_list
from tests.factories import ClientFactory
from tests.feedback.conftest import analyse
from tests.feedback.lens.conftest import mention

pytestmark = pytest.mark.django_db


def _weights(client, promises, **by_name: float) -> None:
    client_expectations_set(client=client, weights={promises[n].pk: w for n, w in by_name.items()})


def _by_name(points) -> dict:
    return {p.promise: p for p in points}


def test_each_promise_of_a_client_is_placed_by_its_weight_and_its_mentions(
    client_of, promises, api_source
):
    # given Globex chose the firm for responsiveness above all, and a little for expertise
    _weights(client_of, promises, Responsiveness=8, Expertise=2)
    mention(api_source, client_of, promises["Responsiveness"], "negative", count=3)
    mention(api_source, client_of, promises["Responsiveness"], "positive")
    mention(api_source, client_of, promises["Expertise"], "positive", count=3)
    mention(api_source, client_of, promises["Network"], "negative")

    # when
    gap = client_gap_get(client=client_of)

    # then responsiveness (80%, performance (1-3)/4) is at risk and leads; expertise is
    # over-served; the network, with one mention, is too little to place
    assert gap is not None
    points = _by_name(gap.points)
    assert gap.points[0].promise == "Responsiveness"
    assert points["Responsiveness"].importance == pytest.approx(0.8)
    assert points["Responsiveness"].performance == pytest.approx(-0.5)
    assert points["Responsiveness"].now.mentions == 4
    assert points["Responsiveness"].quadrant == AT_RISK
    assert (points["Expertise"].importance, points["Expertise"].quadrant) == (
        pytest.approx(0.2),
        OVER_SERVED,
    )
    assert (points["Network"].now.mentions, points["Network"].quadrant) == (1, UNKNOWN)
    assert [p.promise for p in gap.at_risk] == ["Responsiveness"]
    # and its most important promise turned negative: an early warning
    assert gap.top.promise == "Responsiveness" and gap.early_warning


def test_an_important_promise_that_falls_is_at_risk_though_still_positive(
    client_of, promises, api_source
):
    # given expertise was praised in every mention the window before, and less so now
    _weights(client_of, promises, Expertise=1)
    mention(api_source, client_of, promises["Expertise"], "positive", days_ago=120, count=3)
    mention(api_source, client_of, promises["Expertise"], "positive", count=2)
    mention(api_source, client_of, promises["Expertise"], "neutral")
    mention(api_source, client_of, promises["Responsiveness"], "negative", count=3)

    # when
    points = _by_name(client_gap_get(client=client_of).points)

    # then expertise (1.00 before, 0.67 now) is falling, so at risk; it is not negative, so
    # no early warning; an unimportant, negative promise is low priority
    assert points["Expertise"].before.performance == pytest.approx(1.0)
    assert points["Expertise"].falling and points["Expertise"].quadrant == AT_RISK
    assert not client_gap_get(client=client_of).early_warning
    assert points["Responsiveness"].quadrant == LOW_PRIORITY


def test_a_mention_counts_as_people_corrected_it_and_older_analyses_not_at_all(
    client_of, promises, api_source, account_manager
):
    # given three negative mentions of responsiveness, one of which a person corrected to
    # positive, and one item whose newer analysis no longer mentions the promise
    _weights(client_of, promises, Responsiveness=1)
    first, *_ = mention(api_source, client_of, promises["Responsiveness"], "negative", count=3)
    tag_correct(
        feedback=first,
        member=account_manager,
        kind=TagKind.POLARITY,
        key=str(promises["Responsiveness"].pk),
        value="positive",
    )
    (reanalysed,) = mention(api_source, client_of, promises["Responsiveness"], "negative")
    analyse(reanalysed, sentiment="positive", themes=[], model_version="test-2")

    # when
    point = _by_name(client_gap_get(client=client_of).points)["Responsiveness"]

    # then one positive and two negative mentions count, not four
    assert (point.now.mentions, point.now.positive, point.now.negative) == (3, 1, 2)
    assert point.performance == pytest.approx(-1 / 3)


def test_the_firms_importance_is_the_mean_over_the_clients_that_stated_theirs(
    firm, client_of, promises, api_source, account_manager, django_assert_num_queries
):
    # given Globex values responsiveness, Initech expertise, Hooli stated nothing
    initech = ClientFactory(firm=firm, name="Initech", segment="Banking")
    hooli = ClientFactory(firm=firm, name="Hooli", segment="Banking")
    _weights(client_of, promises, Responsiveness=1)
    _weights(initech, promises, Expertise=3, Network=1)
    mention(api_source, client_of, promises["Expertise"], "positive", count=2)
    mention(api_source, initech, promises["Expertise"], "positive", count=2)
    mention(api_source, hooli, promises["Expertise"], "negative", count=5)

    clients = list(client_list(member=account_manager, mine_only=False))

    # when the firm's gap is read over all clients (three queries)
    with django_assert_num_queries(3):
        gap = promise_gap_get(firm_id=firm.pk, clients=clients)

    # then importance is averaged over Globex and Initech, performance is over their mentions
    points = _by_name(gap.points)
    assert [c.client.name for c in gap.clients] == ["Globex Corp", "Initech"]
    assert points["Responsiveness"].importance == pytest.approx(0.5)
    assert points["Expertise"].importance == pytest.approx(0.375)
    assert points["Network"].importance == pytest.approx(0.125)
    assert (points["Expertise"].now.mentions, points["Expertise"].quadrant) == (4, KEPT)
    assert points["Responsiveness"].quadrant == UNKNOWN
    # and by segment: Initech alone stated its weights among the banks
    assert [(s.segment, s.clients, s.weights) for s in gap.segments] == [
        ("Banking", 1, [("Expertise", 0.75), ("Network", 0.25), ("Responsiveness", 0.0)]),
        ("No segment", 1, [("Expertise", 0.0), ("Network", 0.0), ("Responsiveness", 1.0)]),
    ]


def test_an_account_manager_sees_the_gap_over_their_own_clients_only(
    firm, client_of, promises, api_source, account_manager
):
    # given another client, not theirs, whose top promise is negative
    initech = ClientFactory(firm=firm, name="Initech")
    _weights(initech, promises, Network=1)
    mention(api_source, initech, promises["Network"], "negative", count=3)
    _weights(client_of, promises, Network=1)

    # when the account manager's gap is read
    gap = promise_gap_get(firm_id=firm.pk, clients=client_list(member=account_manager))

    # then Initech is not in it, nor its mentions
    assert [c.client.name for c in gap.clients] == ["Globex Corp"]
    assert gap.warnings == []
    assert _by_name(gap.points)["Network"].now.mentions == 0


def test_too_few_mentions_is_the_same_minimum_as_the_at_risk_reasons():
    # kept apart to avoid an import cycle; they must not drift
    from feedback.lens.selectors import MIN_MENTIONS
    from feedback.stake.selectors import NEGATIVE_PROMISE_MIN

    assert MIN_MENTIONS == NEGATIVE_PROMISE_MIN
