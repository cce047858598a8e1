"""Rebuild a firm's dashboard rollups: `manage.py refresh_rollups --firm SLUG [--days N]`."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Min
from django.utils import timezone

from feedback.dashboards.rollups import rollup_refresh
from feedback.models import Feedback, Firm


class Command(BaseCommand):
    help = "Recompute daily dashboard rollups (all history by default). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--firm", help="Firm slug; all firms when omitted.")
        parser.add_argument("--days", type=int, help="Only the last N days.")

    def handle(self, *args: Any, **opts: Any) -> None:
        firms = Firm.objects.all()
        if opts["firm"]:
            firms = firms.filter(slug=opts["firm"])
        today = timezone.localdate()
        for firm in firms:
            if opts["days"]:
                first = today - timedelta(days=opts["days"])
            else:
                oldest = Feedback.objects.filter(firm=firm).aggregate(m=Min("received_at"))["m"]
                if oldest is None:
                    continue
                first = timezone.localdate(oldest)
            # Chunks of 90 days keep each aggregate query's range modest.
            written, day = 0, first
            while day <= today:
                last = min(day + timedelta(days=89), today)
                days = [day + timedelta(days=i) for i in range((last - day).days + 1)]
                written += rollup_refresh(firm_id=firm.pk, days=days)
                day = last + timedelta(days=1)
            self.stdout.write(f"{firm.slug}: {written} days")
