"""Retention and churn per quarter, as pure functions of which quarters each client paid fees in.

A client churns in quarter q when it paid fees in the quarter before and then pays nothing for
`window` quarters in a row from q (window 1: nothing in q; window 2: nothing in q and q+1). A
longer window forgives a client that pauses between matters. A quarter's churn is only known
once its window has passed, so the latest quarters may be "pending"."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

Quarter = tuple[int, int]  # (year, 1..4)
DEFAULT_WINDOW = 1
MAX_WINDOW = 4


def quarter_of(day: date) -> Quarter:
    return day.year, (day.month - 1) // 3 + 1


def quarter_add(quarter: Quarter, n: int) -> Quarter:
    index = quarter[0] * 4 + quarter[1] - 1 + n
    return index // 4, index % 4 + 1


def quarter_start(quarter: Quarter) -> date:
    return date(quarter[0], 3 * quarter[1] - 2, 1)


def quarter_label(quarter: Quarter) -> str:
    return f"{quarter[0]} Q{quarter[1]}"


def quarters_between(first: date, last: date) -> list[Quarter]:
    """The quarters a period touches, in order."""
    quarter, end, found = quarter_of(first), quarter_of(last), []
    while quarter <= end:
        found.append(quarter)
        quarter = quarter_add(quarter, 1)
    return found


def active_quarters(periods: Iterable[tuple[int, date, date]]) -> dict[int, set[Quarter]]:
    """client id -> the quarters its fee periods touch (a fee for a year counts in all four)."""
    active: dict[int, set[Quarter]] = {}
    for client_id, first, last in periods:
        active.setdefault(client_id, set()).update(quarters_between(first, last))
    return active


@dataclass
class QuarterChurn:
    quarter: Quarter
    base_ids: list[int]  # clients that paid fees in the quarter before
    churned: list[int] = field(default_factory=list)
    new: int = 0
    pending: bool = False  # the window has not passed yet: churn unknown

    @property
    def base(self) -> int:
        return len(self.base_ids)

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def churn_rate(self) -> float | None:
        if self.pending or not self.base:
            return None
        return len(self.churned) / self.base

    @property
    def retention_rate(self) -> float | None:
        rate = self.churn_rate
        return None if rate is None else 1 - rate


def churn_by_quarter(
    active: dict[int, set[Quarter]], *, last_complete: Quarter, window: int = DEFAULT_WINDOW
) -> list[QuarterChurn]:
    """One row per quarter from the second quarter with fees up to `last_complete` (the last
    quarter whose fees are all in)."""
    window = max(1, min(window, MAX_WINDOW))
    every = set().union(*active.values()) if active else set()
    if not every:
        return []
    first = min(every)
    rows = []
    quarter = quarter_add(first, 1)
    while quarter <= last_complete:
        before = quarter_add(quarter, -1)
        base = sorted(c for c, quarters in active.items() if before in quarters)
        ahead = [quarter_add(quarter, i) for i in range(window)]
        row = QuarterChurn(
            quarter=quarter,
            base_ids=base,
            new=sum(1 for quarters in active.values() if min(quarters) == quarter),
            pending=ahead[-1] > last_complete,
        )
        if not row.pending:
            row.churned = sorted(c for c in base if not any(q in active[c] for q in ahead))
        rows.append(row)
        quarter = quarter_add(quarter, 1)
    return rows
