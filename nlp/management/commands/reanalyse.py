"""`manage.py reanalyse [--firm SLUG] [--since DATE] [--until DATE] [--follow]`: re-run
analysis. Shows how far the queuing is, with a rate and an ETA; `--follow` then watches the
workers drain the backlog (items analysed, items/s, ETA) until nothing of it is left."""

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import make_aware

if TYPE_CHECKING:
    from nlp.reanalysis import Progress


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None and parse_date(value) is not None:
        parsed = parse_datetime(f"{value}T00:00:00")
    if parsed is None:
        raise CommandError(f"not a date: {value!r} (use YYYY-MM-DD or ISO 8601)")
    return parsed if parsed.tzinfo else make_aware(parsed)


class Command(BaseCommand):
    help = "Queue done/failed feedback of a firm and/or a period for analysis again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--firm", help="firm slug (default: every firm)")
        parser.add_argument("--since", help="received at or after (date or datetime)")
        parser.add_argument("--until", help="received before (date or datetime)")
        parser.add_argument(
            "--follow", action="store_true", help="then watch the analysis drain, with an ETA"
        )
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between lines")

    def handle(
        self,
        *args: Any,
        firm: str | None = None,
        since: str | None = None,
        until: str | None = None,
        **options: Any,
    ) -> None:
        from feedback.models import Firm
        from nlp.reanalysis import Progress, feedback_reanalyse

        firm_obj = None
        if firm:
            firm_obj = Firm.objects.filter(slug=firm).first()
            if firm_obj is None:
                raise CommandError(f"no firm with slug {firm!r}")
        scope: dict[str, Any] = {"firm": firm_obj, "since": _when(since), "until": _when(until)}
        interval = float(options.get("interval") or 5.0)
        shown = [0.0]

        def queued(p: Progress) -> None:
            now = time.monotonic()
            if now - shown[0] >= min(interval, 1.0) or p.done >= p.total:
                shown[0] = now
                self.stdout.write(f"queued {_line(p)}")

        n = feedback_reanalyse(**scope, progress=queued)
        self.stdout.write(f"queued {n} feedback items for analysis")
        if options.get("follow") and n:
            self._follow(n, scope, interval)

    def _follow(self, total: int, scope: dict, interval: float) -> None:
        from nlp.reanalysis import Progress, reanalysis_remaining

        started = time.monotonic()
        while True:
            left = reanalysis_remaining(**scope)
            progress = Progress(max(0, total - left), total, time.monotonic() - started)
            self.stdout.write(f"analysed {_line(progress)}")
            if left == 0:
                return
            time.sleep(interval)


def _line(p: "Progress") -> str:
    share = 100 * p.done / p.total if p.total else 100.0
    eta = "-" if p.eta_s is None else _duration(p.eta_s)
    return f"{p.done}/{p.total} ({share:.1f}%), {p.rate:.1f}/s, ETA {eta}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"
