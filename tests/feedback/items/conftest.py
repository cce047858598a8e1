"""A small firm of analysed feedback for the explorer's tests: two clients (one the account
manager's), promises, emotions, a case, a survey score, dates spread over two months."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from feedback.models import BrandPromise, Client, Feedback
from feedback.tasks import on_analysed
from tests.factories import (
    BrandPromiseFactory,
    ClientFactory,
    ContactFactory,
    FeedbackFactory,
    SourceFactory,
    TouchpointFactory,
)
from tests.feedback.conftest import analyse


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


@dataclass
class Corpus:
    mine: Client
    theirs: Client
    speed: BrandPromise
    fees: BrandPromise
    slow: Feedback  # the AM's client, 3 days ago, "slow to reply", speed negative, case open
    praise: Feedback  # the AM's client, 10 days ago, speed positive, NPS 10
    invoice: Feedback  # another client, 40 days ago, fees negative, anger
    rival: Feedback  # another firm, same words as `slow`


@pytest.fixture
def corpus(firm, other_firm, account_manager, client_of, api_source) -> Corpus:
    theirs = ClientFactory(firm=firm, name="Initech")
    speed = BrandPromiseFactory(firm=firm, name="Responsiveness")
    fees = BrandPromiseFactory(firm=firm, name="Value for money")
    touchpoint = TouchpointFactory(firm=firm, name="Matter close")
    contact = ContactFactory(client=client_of, name="Pat Partner")
    slow = FeedbackFactory(
        source=api_source,
        client=client_of,
        contact=contact,
        text="The team was slow to reply to our emails, and replies came days late.",
        received_at=days_ago(3),
    )
    analyse(
        slow,
        negative=0.95,
        emotions={"annoyance": 0.7},
        themes=[(speed, "negative", 0.8, ["The team was slow to reply to our emails"])],
    )
    on_analysed([slow.pk])
    praise = FeedbackFactory(
        source=SourceFactory(firm=firm, channel="survey", name="NPS"),
        client=client_of,
        touchpoint=touchpoint,
        text="Quick replies and a great outcome. The team replied within the hour.",
        rating=10,
        rating_scale=10,
        received_at=days_ago(10),
    )
    analyse(
        praise,
        sentiment="positive",
        negative=0.02,
        emotions={"gratitude": 0.9},
        themes=[(speed, "positive", 0.9, ["The team replied within the hour."])],
    )
    invoice = FeedbackFactory(
        source=api_source,
        client=theirs,
        text="The invoice was far above the quote. Fees keep creeping up.",
        rating=2,
        rating_scale=10,
        received_at=days_ago(40),
    )
    analyse(
        invoice,
        negative=0.8,
        emotions={"anger": 0.8},
        themes=[(fees, "negative", 0.7, ["The invoice was far above the quote."])],
    )
    rival = FeedbackFactory(
        source=SourceFactory(firm=other_firm),
        text="The team was slow to reply to our emails, and replies came days late.",
        received_at=days_ago(3),
    )
    analyse(rival, negative=0.9)
    return Corpus(client_of, theirs, speed, fees, slow, praise, invoice, rival)
