"""Addresses of the feedback explorer with filters, for any page that links to the comments
behind a figure (dashboards' charts and tables)."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

# The explorer's GET parameters (the shared contract); `from` is spelt `from_` in Python.
EXPLORER_PARAMS = (
    "q",
    "client",
    "contact",
    "channel",
    "touchpoint",
    "promise",
    "promise_sentiment",
    "topic",
    "sentiment",
    "emotion",
    "score_min",
    "score_max",
    "from",
    "to",
    "case_status",
    "intent",
    "sort",
)


def explorer_url(**params: object) -> str:
    """`/feedback/?...` with these filters, in the contract's order; None and "" are left out,
    dates are written YYYY-MM-DD. An unknown name is a programming error (TypeError)."""
    given = {name.rstrip("_"): value for name, value in params.items()}
    unknown = set(given) - set(EXPLORER_PARAMS)
    if unknown:
        raise TypeError(f"explorer_url() got unknown filters: {sorted(unknown)}")
    pairs = [
        (name, value.isoformat() if isinstance(value, date) else str(value))
        for name in EXPLORER_PARAMS
        if (value := given.get(name)) not in (None, "")
    ]
    url = reverse("items:explorer")
    return f"{url}?{urlencode(pairs)}" if pairs else url
