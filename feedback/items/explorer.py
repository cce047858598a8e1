"""Reads of the feedback explorer: the filtered, scoped result, one page of it with each item's
effective analysis, and the same result as CSV rows."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import cached_property

from feedback.analysis import EffectiveAnalysis, analysis_effective_map
from feedback.items.filters import ExplorerFilter
from feedback.items.selectors import feedback_case
from feedback.models import Feedback, Member
from feedback.selectors import feedback_list

PAGE_SIZE = 25
COUNT_CAP = 10_000
CSV_CHUNK = 1000
CSV_COLUMNS = (
    "id",
    "received_at",
    "channel",
    "client",
    "contact",
    "touchpoint",
    "score",
    "score_scale",
    "sentiment",
    "sentiment_value",
    "promises",
    "emotions",
    "case_status",
    "subject",
    "text",
    "url",
)


def explorer_filter(*, member: Member, params: QueryDict) -> ExplorerFilter:
    """The explorer's filters over the feedback this member may see (their firm; an account
    manager's own clients only). An invalid parameter shows its error and an empty result."""
    base = feedback_list(member=member).select_related("case")
    return ExplorerFilter(params, queryset=base, member=member)


def explorer_result(filters: ExplorerFilter) -> Any:
    return filters.qs if filters.is_valid() else filters.queryset.none()


@dataclass(frozen=True)
class Row:
    feedback: Feedback
    effective: EffectiveAnalysis


class CappedPaginator(Paginator):
    """Counts the result only up to COUNT_CAP items: a full count of a common word's matches on a
    large firm reads every match and costs more than the page itself. Past the cap, `capped` is
    true, the count shows as "10,000+" and the last page reachable is the cap's."""

    @cached_property
    def found(self) -> int:
        result: QuerySet[Feedback] = self.object_list  # type: ignore[assignment]
        return result.order_by().values("pk")[: COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.found, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.found > COUNT_CAP


def explorer_page(filters: ExplorerFilter, number: str | None) -> tuple[Page, list[Row]]:
    """One page of the result and, for its items, the effective analysis (a fixed number of
    queries whatever the page size)."""
    page = CappedPaginator(explorer_result(filters), PAGE_SIZE).get_page(number)
    items = list(page.object_list)
    effective = analysis_effective_map(items)
    return page, [Row(fb, effective[fb.pk]) for fb in items]


def _row(fb: Feedback, eff: EffectiveAnalysis, base_url: str) -> list[Any]:
    value = eff.sentiment_value
    return [
        fb.pk,
        fb.received_at.isoformat(timespec="seconds"),
        fb.channel,
        fb.client.name if fb.client else "",
        fb.contact.name if fb.contact else fb.sender,
        fb.touchpoint.name if fb.touchpoint else "",
        "" if fb.rating is None else fb.rating,
        "" if fb.rating_scale is None else fb.rating_scale,
        eff.sentiment,
        "" if value is None else round(value, 2),
        "; ".join(f"{t.promise}: {t.sentiment}" for t in eff.themes),
        "; ".join(f"{e.label} {e.score:.2f}" for e in eff.emotions),
        case.status if (case := feedback_case(fb)) else "",
        fb.subject,
        fb.text,
        base_url + reverse("items:detail", kwargs={"pk": fb.pk}),
    ]


def explorer_csv_rows(filters: ExplorerFilter, *, base_url: str) -> Iterator[list[Any]]:
    """The header, then every item of the result in the explorer's order, read in chunks (the
    effective analyses a chunk at a time), values rounded to two decimals."""
    yield list(CSV_COLUMNS)
    chunk: list[Feedback] = []
    for fb in explorer_result(filters).iterator(chunk_size=CSV_CHUNK):
        chunk.append(fb)
        if len(chunk) == CSV_CHUNK:
            yield from _rows(chunk, base_url)
            chunk = []
    yield from _rows(chunk, base_url)


def _rows(chunk: list[Feedback], base_url: str) -> Iterator[list[Any]]:
    effective = analysis_effective_map(chunk)
    for fb in chunk:
        yield _row(fb, effective[fb.pk], base_url)
