"""The dashboard's headline KPIs: NPS (with n and its 95% margin), CSAT, survey response rate,
open and overdue cases, for exactly the slice the charts show.

NPS and CSAT come from `feedback.metrics` through `Filters.as_slice()`, the same selectors the
REST API calls, so a tile and `/api/v1/metrics/` agree for one slice. The response rate needs
the invitations, which live in `listening` (which `feedback` may not import): the listening app
registers its reader here when it starts (`response_rate_reader_register`)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from feedback import metrics
from feedback.dashboards.selectors import Filters, case_summary
from feedback.models import Firm

ResponseRateReader = Callable[..., metrics.Summary]
_readers: dict[str, ResponseRateReader] = {}


def response_rate_reader_register(reader: ResponseRateReader) -> None:
    """Called once by the listening app: `reader(firm=..., **slice)` -> Summary."""
    _readers["response_rate"] = reader


@dataclass(frozen=True)
class Kpis:
    nps: metrics.Summary
    csat: metrics.Summary
    response_rate: metrics.Summary | None
    open_cases: int
    overdue_cases: int


def kpis_get(f: Filters) -> Kpis:
    """Every headline figure for the slice: six queries whatever the firm's size."""
    firm = Firm.objects.get(pk=f.firm_id)
    slice_ = f.as_slice()
    reader = _readers.get("response_rate")
    rate = None
    # Invitations have no channel and no topic: a channel other than surveys, or a topic, has no
    # response rate.
    if reader is not None and slice_.get("channel") in (None, "survey") and not f.topic_id:
        invitations: dict[str, Any] = {
            k: v for k, v in slice_.items() if k not in ("channel", "topic")
        }
        rate = reader(firm=firm, **invitations)
    cases = case_summary(f)
    return Kpis(
        nps=metrics.nps_summary(firm=firm, **slice_),
        csat=metrics.csat_summary(firm=firm, **slice_),
        response_rate=rate,
        open_cases=cases["open"],
        overdue_cases=cases["overdue"],
    )
