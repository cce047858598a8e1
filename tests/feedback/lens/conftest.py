"""Helpers of the promise lens tests: promises, and comments that speak of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import BrandPromise, Client, Feedback, Source
from tests.factories import BrandPromiseFactory, FeedbackFactory
from tests.feedback.conftest import analyse


@pytest.fixture
def promises(firm) -> dict[str, BrandPromise]:
    names = ("Responsiveness", "Expertise", "Network")
    return {n: BrandPromiseFactory(firm=firm, name=n) for n in names}


def mention(
    source: Source,
    client: Client,
    promise: BrandPromise,
    sentiment: str,
    *,
    days_ago: int = 5,
    count: int = 1,
) -> list[Feedback]:
    """`count` comments of `client` that speak of `promise` with this sentiment, analysed."""
    items = []
    for _ in range(count):
        item = FeedbackFactory(
            source=source,
            client=client,
            text=f"About {promise.name}: {sentiment} {len(items)}",
            received_at=timezone.now() - timedelta(days=days_ago),
        )
        analyse(item, sentiment=sentiment, themes=[(promise, sentiment, 0.8, [])])
        items.append(item)
    return items
