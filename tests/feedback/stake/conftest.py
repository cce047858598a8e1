"""Helpers of the "what is at stake" tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from feedback.models import Client, ClientFee


def fee_add(client: Client, amount: int, *, days_ago: int = 40, currency: str = "GBP") -> None:
    """A fee for the month up to `days_ago` days ago."""
    end = timezone.localdate() - timedelta(days=days_ago)
    ClientFee.objects.create(
        firm=client.firm,
        client=client,
        period_start=end.replace(day=1),
        period_end=end,
        amount=Decimal(amount),
        currency=currency,
    )
