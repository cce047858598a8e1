"""`manage.py reanalyse [--firm SLUG] [--since DATE] [--until DATE]`: re-run analysis."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import make_aware


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

    def handle(
        self,
        *args: Any,
        firm: str | None = None,
        since: str | None = None,
        until: str | None = None,
        **options: Any,
    ) -> None:
        from feedback.models import Firm
        from nlp.reanalysis import feedback_reanalyse

        firm_obj = None
        if firm:
            firm_obj = Firm.objects.filter(slug=firm).first()
            if firm_obj is None:
                raise CommandError(f"no firm with slug {firm!r}")
        n = feedback_reanalyse(firm=firm_obj, since=_when(since), until=_when(until))
        self.stdout.write(f"queued {n} feedback items for analysis")
