"""The demo firm's fees: two years of monthly fees per client through the import service, with
a little churn (so the "what is at stake" page has a history to show). Unhappy clients stop
instructing the firm in the last quarters; one content client leaves too (not every departure
is foretold), one client is new. The leaving client still pays: its fees are at risk."""

import random
from datetime import date
from decimal import Decimal

from feedback.models import Firm
from feedback.stake.churn import quarter_add, quarter_of, quarter_start
from feedback.stake.imports import fee_rows_check, fees_import

MONTHS = 24
# client -> the quarter (0: the current one, -1: the one before...) of its first month without fees
STOPS = {"Initech": -1, "Cyberdyne Systems": -1, "Oceanic Airlines": -2, "Dunder Mifflin Paper": -2}
STARTS = {"Massive Dynamic": -3}


def _months(today: date) -> list[date]:
    """The first days of the last MONTHS whole months before `today`'s month."""
    year, month, found = today.year, today.month, []
    for _ in range(MONTHS):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        found.append(date(year, month, 1))
    return sorted(found)


def demo_fees_build(*, firm: Firm, seed: int, today: date) -> int:
    """Import the demo fees; idempotent (the import replaces each period's amount with the same
    one). Returns the number of fee periods added."""
    rng = random.Random(seed + 2)
    now = quarter_of(today)
    records: list[tuple[int, dict[str, str]]] = []
    for client in firm.clients.order_by("name"):
        size = rng.choice([4000, 8000, 15000, 30000, 60000])
        stop = STOPS.get(client.name)
        start = STARTS.get(client.name)
        for first_day in _months(today):
            if stop is not None and first_day >= quarter_start(quarter_add(now, stop)):
                continue
            if start is not None and first_day < quarter_start(quarter_add(now, start)):
                continue
            amount = Decimal(size) * Decimal(rng.randint(70, 130)) / 100
            values = {
                "client": client.name,
                "month": f"{first_day:%Y-%m}",
                "amount": f"{amount:.2f}",
                "currency": "GBP",
            }
            records.append((len(records) + 1, values))
    return fees_import(firm=firm, rows=fee_rows_check(firm=firm, records=records)).created
