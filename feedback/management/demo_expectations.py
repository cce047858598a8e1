"""The demo firm's client expectations: each client's "why did you choose us?" as a ranking of
three promises (3, 2 and 1 points), imported through the expectations import, so the promise
gap page has importance to set against what the clients say. The unhappy clients chose the
firm for its responsiveness above all (what their complaints are about)."""

import random

from feedback.lens.imports import expectation_rows_check, expectations_import
from feedback.management.demo_data import PROMISES, UNHAPPY
from feedback.models import Firm

FIRST_CHOICE = "Responsiveness"


def demo_expectations_build(*, firm: Firm, seed: int) -> int:
    """Import the demo expectations; idempotent (the import replaces each client's weights by
    the same ones). Returns the number of clients whose expectations were set."""
    rng = random.Random(seed + 3)
    names = [name for name, _description, _examples in PROMISES]
    records: list[tuple[int, dict[str, str]]] = []
    for client in firm.clients.order_by("name"):
        ranked = rng.sample(names, 3)
        if client.name in UNHAPPY:
            ranked = [FIRST_CHOICE, *[n for n in ranked if n != FIRST_CHOICE][:2]]
        for points, promise in zip((3, 2, 1), ranked, strict=True):
            values = {"client": client.name, "promise": promise, "weight": str(points)}
            records.append((len(records) + 2, values))
    return expectations_import(firm=firm, rows=expectation_rows_check(firm=firm, records=records))
