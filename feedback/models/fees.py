"""What a client is worth: the fees it paid the firm, per period (imported from CSV or the API
now; a CRM sync later)."""

from django.db import models
from django.db.models import F, Q

from feedback.models.tenancy import Client, Firm


class ClientFee(models.Model):
    """Fees billed to one client for one period in one currency. One row per (client, period,
    currency): importing the same period again replaces its amount."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="fees")
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "period_start", "period_end", "currency"],
                name="client_fee_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="client_fee_period_order"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="client_fee_not_negative"),
        ]
        indexes = [models.Index(fields=["firm", "period_start"], name="client_fee_firm_period")]

    def __str__(self) -> str:
        return f"{self.client} {self.period_start}..{self.period_end} {self.amount} {self.currency}"
