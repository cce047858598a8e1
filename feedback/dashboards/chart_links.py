"""Where each bar, point and row of the dashboards leads: the explorer, filtered to the comments
behind it (the dashboard's own client, touchpoint and channel, and the bar's week, sentiment,
promise, emotion or touchpoint). Shapes follow the charts of `feedback.dashboards.selectors`."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from feedback.dashboards.selectors import Filters
from feedback.links import explorer_url
from feedback.models import Sentiment, Touchpoint


def _day(value: object) -> date:
    return date.fromisoformat(str(value))


def _period_end(start: date, granularity: str) -> date:
    """The last day of the NPS chart's week, month or quarter that begins on `start`."""
    if granularity == "week":
        return start + timedelta(days=6)
    months = start.month - 1 + (3 if granularity == "quarter" else 1)
    return date(start.year + months // 12, months % 12 + 1, 1) - timedelta(days=1)


def chart_links(charts: dict[str, list[dict]], f: Filters) -> dict[str, Any]:
    """One address per chart row (for promises: per promise name and week; for the scorecard:
    per promise name, all its mentions and the negative ones), for dashboard.js to follow."""
    base = {
        "client": f.client_id,
        "touchpoint": f.touchpoint_id,
        "channel": f.channel,
        "topic": f.topic_id,
    }
    period = {
        **base,
        "from_": timezone.localtime(f.start).date(),
        "to": f.last_day,
    }

    def week(row: dict, **more: object) -> str:
        start = _day(row["week"])
        return explorer_url(**base, from_=start, to=start + timedelta(days=6), **more)

    def nps_period(row: dict) -> str:
        start = _day(row["period"])
        return explorer_url(**base, from_=start, to=_period_end(start, row["granularity"]))

    links: dict[str, Any] = {
        "sentiment": [
            {s: week(r, sentiment=s) for s in Sentiment.values} for r in charts.get("sentiment", [])
        ],
        "emotions": [
            explorer_url(**period, emotion=r["label"]) for r in charts.get("emotions", [])
        ],
        "nps": [nps_period(r) for r in charts.get("nps", [])],
    }
    promises: dict[str, dict[str, str]] = {}
    scorecard: dict[str, dict[str, str]] = {}
    for r in charts.get("promises", []):
        promises.setdefault(r["promise"], {})[r["week"]] = week(r, promise=r["promise_id"])
        scorecard[r["promise"]] = {
            "all": explorer_url(**period, promise=r["promise_id"]),
            "negative": explorer_url(
                **period, promise=r["promise_id"], promise_sentiment="negative"
            ),
        }
    links["promises"] = promises
    links["scorecard"] = scorecard
    if f.touchpoint_id is None:
        ids = dict(Touchpoint.objects.filter(firm_id=f.firm_id).values_list("name", "pk"))
        base_csat = {k: v for k, v in period.items() if k != "touchpoint"}
        links["csat"] = [
            explorer_url(**base_csat, touchpoint=ids.get(r["touchpoint"]))
            for r in charts.get("csat", [])
        ]
    else:
        links["csat"] = [explorer_url(**period) for _ in charts.get("csat", [])]
    return links
