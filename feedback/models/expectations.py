"""What each client expected of the firm: a weight (importance) per brand promise, entered by
its account manager or an admin, or imported. A client's weights sum to one."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from feedback.models.tenancy import BrandPromise, Client, Firm


class ExpectationSource(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported"


class ClientExpectation(models.Model):
    """How much one promise weighs in why this client chose the firm (0..1, normalised so the
    client's weights sum to one). One row per (client, promise); setting them again replaces
    the client's whole set."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="expectations")
    brand_promise = models.ForeignKey(
        BrandPromise, on_delete=models.CASCADE, related_name="expectations"
    )
    weight = models.FloatField()
    source = models.CharField(
        max_length=10, choices=ExpectationSource.choices, default=ExpectationSource.ENTERED
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "brand_promise"], name="client_expectation_unique_promise"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=1), name="client_expectation_weight"
            ),
        ]
        indexes = [models.Index(fields=["firm", "client"], name="client_expectation_firm")]

    def __str__(self) -> str:
        return f"{self.client}: {self.brand_promise} {self.weight:.2f}"
