"""`manage.py nlp_calibrate_firms [--firm ID ...]`: fit each firm's sentiment bias on its own
scored comments (NPS/CSAT answers with a comment; nlp/calibration.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Fit per-firm sentiment calibration from the firms' scored comments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--firm", type=int, action="append", default=None, help="firm id")

    def handle(self, *args: Any, firm: list[int] | None, **options: Any) -> None:
        from feedback.models import Firm
        from nlp.calibration import MIN_SCORED
        from nlp.services import firm_sentiment_calibration_fit

        ids = firm or list(Firm.objects.order_by("pk").values_list("pk", flat=True))
        for firm_id in ids:
            fitted = firm_sentiment_calibration_fit(firm_id=firm_id)
            if fitted is None:
                self.stdout.write(f"firm {firm_id}: fewer than {MIN_SCORED} scored comments")
            else:
                self.stdout.write(
                    f"firm {firm_id}: {fitted.n} scored comments, bias {fitted.bias}, "
                    f"agreement {fitted.accuracy_before:.3f} -> {fitted.accuracy_after:.3f}"
                )
