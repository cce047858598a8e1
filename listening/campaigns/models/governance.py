"""Why somebody was not asked (skipped invitations, with the rule that held them back) and the
quiet periods during which a client is not surveyed."""

from django.db import models
from django.db.models import Q

from feedback.models import Client, Contact, Firm
from listening.campaigns.models.surveys import Campaign, Invitation, SurveyKind


class SkipReason(models.TextChoices):
    OPTED_OUT = "opted_out", "Contact opted out"
    QUIET_PERIOD = "quiet_period", "Client is in a quiet period"
    NPS_YEARLY_LIMIT = "nps_yearly_limit", "Client reached its NPS waves for 365 days"
    NPS_MIN_GAP = "nps_min_gap", "Too soon after (or before) another NPS wave"
    CSAT_TOO_SOON = "csat_too_soon", "Contact had a CSAT survey too recently"
    CSAT_NEAR_NPS = "csat_near_nps", "Too close to an NPS invitation"
    ALREADY_INVITED = "already_invited", "Already invited for this occasion"
    CAMPAIGN_INACTIVE = "campaign_inactive", "Campaign is not active"


class SkippedInvitation(models.Model):
    """An invitation Earshot decided not to send, and why (shown on the client page)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="skips")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="skipped_invitations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when an already scheduled invitation was cancelled.",
    )
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    occasion = models.CharField(max_length=100)
    reason = models.CharField(max_length=20, choices=SkipReason.choices)
    detail = models.CharField(max_length=300, blank=True)
    wanted_at = models.DateTimeField()
    retry_after = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the survey is asked again, under governance, once the reason "
        "has passed (an NPS wave that fell in a quiet period).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact", "occasion"], name="skip_once_per_occasion"
            )
        ]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="skip_client_created"),
            models.Index(
                fields=["retry_after"],
                name="skip_retry_due",
                condition=Q(retry_after__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.contact}"


class QuietPeriod(models.Model):
    """An admin-set pause for a client (e.g. during a dispute). Dates are inclusive and are read
    in the firm's time zone."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="quiet_periods")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="quiet_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.starts_on} to {self.ends_on}"
