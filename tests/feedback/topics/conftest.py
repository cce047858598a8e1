"""Topic fixtures: a firm whose topics were fitted, with a steady topic and one that only
started this month (emerging), written through the real refit service."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from feedback.models import Topic
from feedback.topics.services import FoundTopic, topics_refit_apply
from tests.factories import FeedbackFactory

PORTAL = "The new billing portal keeps logging us out"


def unit(*values: float) -> np.ndarray:
    x = np.asarray(values, dtype=np.float32)
    return x / np.linalg.norm(x)


@pytest.fixture
def fitted_topics(firm, api_source, client_of):
    """40 steady comments over the last half year and 8 on the new billing portal in the last
    fortnight (from the account manager's client), fitted as two topics."""
    now = timezone.now()
    steady = [
        FeedbackFactory(
            source=api_source,
            text=f"Parking at the office was hard, visit {i}",
            received_at=now - timedelta(days=40 + 3 * i),
            sentiment="neutral",
        )
        for i in range(40)
    ]
    steady += [
        FeedbackFactory(
            source=api_source,
            text=f"Parking again, week {i}",
            received_at=now - timedelta(days=i + 1),
            sentiment="neutral",
        )
        for i in range(4)
    ]
    portal = [
        FeedbackFactory(
            source=api_source,
            client=client_of,
            text=f"{PORTAL} (report {i})",
            received_at=now - timedelta(days=i + 1),
            sentiment="negative",
        )
        for i in range(8)
    ]
    ids = topics_refit_apply(
        firm=firm,
        found=[
            FoundTopic(
                "parking, office",
                ["parking", "office"],
                unit(1, 0, 0),
                [(f.pk, 0.8) for f in steady],
            ),
            FoundTopic(
                "billing portal, logging",
                ["billing portal", "portal", "logging"],
                unit(0, 1, 0),
                [(f.pk, 0.9 - i / 100) for i, f in enumerate(portal)],
            ),
        ],
    )
    return {
        "parking": Topic.objects.get(pk=ids[0]),
        "portal": Topic.objects.get(pk=ids[1]),
        "steady_items": steady,
        "portal_items": portal,
    }
