"""Revenue at risk: which clients, why, their fees of the last twelve months, and who sees them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from feedback.models import Analysis, ClientFee, Sentiment
from feedback.selectors import client_list
from feedback.stake.selectors import revenue_at_risk_get
from tests.factories import BrandPromiseFactory, ClientFactory, FeedbackFactory
from tests.feedback.conftest import analyse
from tests.feedback.stake.conftest import fee_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(firm, client_of, api_source):
    """Globex (the account manager's) talks of leaving; Initech's NPS answers are detractors;
    Hooli's promise turns negative; Umbrella is content. Each pays fees."""
    now = timezone.now()
    leaving = FeedbackFactory(
        source=api_source, client=client_of, text="We are moving our work elsewhere."
    )
    analyse(leaving, negative=0.9)
    Analysis.objects.filter(feedback=leaving).update(intent_flag=True)
    initech = ClientFactory(firm=firm, name="Initech")
    for rating in (2, 3, 9):
        FeedbackFactory(
            source=api_source, client=initech, rating=rating, rating_scale=10, text=f"NPS {rating}"
        )
    hooli = ClientFactory(firm=firm, name="Hooli")
    promise = BrandPromiseFactory(firm=firm, name="Responsiveness")
    for i in range(3):
        item = FeedbackFactory(
            source=api_source, client=hooli, text=f"Slow again {i}", received_at=now
        )
        analyse(item, themes=[(promise, Sentiment.NEGATIVE, 0.9, ["slow"])])
    umbrella = ClientFactory(firm=firm, name="Umbrella")
    analyse(FeedbackFactory(source=api_source, client=umbrella), sentiment=Sentiment.POSITIVE)
    fee_add(client_of, 5000)
    fee_add(client_of, 700, currency="EUR")
    fee_add(client_of, 99999, days_ago=400)  # older than a year: not counted
    fee_add(initech, 3000)
    fee_add(hooli, 2000)
    fee_add(umbrella, 10000)
    return {"globex": client_of, "initech": initech, "hooli": hooli, "umbrella": umbrella}


def test_clients_at_risk_come_with_their_reasons_and_fees_largest_first(admin_member, book):
    # when
    risk = revenue_at_risk_get(clients=client_list(member=admin_member))

    # then
    assert [r.client.name for r in risk.clients] == ["Globex Corp", "Initech", "Hooli"]
    globex, initech, hooli = risk.clients
    assert globex.fees == {"GBP": Decimal(5000), "EUR": Decimal(700)}
    assert globex.reasons[0] == "Intent to leave: 1 comment in 90 days"
    assert initech.reasons == ["Detractors: 2 of 3 NPS answers in a year are 0-6"]
    assert hooli.reasons == [
        "At-risk promise: Responsiveness is negative (3 of 3 mentions in 90 days)"
    ]
    assert risk.at_risk == {"GBP": Decimal(10000), "EUR": Decimal(700)}
    assert risk.total == {"GBP": Decimal(20000), "EUR": Decimal(700)}


def test_an_account_manager_sees_only_their_clients_at_risk(account_manager, book):
    risk = revenue_at_risk_get(clients=client_list(member=account_manager))

    assert [r.client.name for r in risk.clients] == ["Globex Corp"]
    assert risk.total == {"GBP": Decimal(5000), "EUR": Decimal(700)}


def test_a_client_at_risk_without_fees_is_counted_apart(admin_member, book):
    ClientFee.objects.filter(client=book["initech"]).delete()

    risk = revenue_at_risk_get(clients=client_list(member=admin_member))

    assert "Initech" not in [r.client.name for r in risk.clients]
    assert risk.flagged_without_fees == 1


def test_revenue_at_risk_takes_the_same_queries_for_three_clients_or_thirty(
    admin_member, book, django_assert_max_num_queries
):
    for i in range(27):
        fee_add(ClientFactory(firm=admin_member.firm, name=f"More {i}"), 10)
    with django_assert_max_num_queries(7):
        revenue_at_risk_get(clients=list(client_list(member=admin_member)))


def test_fee_periods_ending_today_count_and_future_ones_do_not(admin_member, client_of):
    fee_add(client_of, 100, days_ago=0)
    ClientFee.objects.create(
        firm=client_of.firm,
        client=client_of,
        period_start=timezone.localdate() + timedelta(days=1),
        period_end=timezone.localdate() + timedelta(days=30),
        amount=Decimal(50),
        currency="GBP",
    )

    risk = revenue_at_risk_get(clients=client_list(member=admin_member))

    assert risk.total == {"GBP": Decimal(100)}
