"""Survey campaigns: who is asked what, when, and why somebody was *not* asked.

Governance (how often a client organisation may be surveyed) is enforced by the services in
`services/invitations.py` under a lock on the Client row; the constraints here are the
database's last line of defence (a firm can never configure 3 NPS waves a year, a contact is
never invited twice for the same occasion, an invitation never gets a second reminder).
"""

import uuid

from django.db import models
from django.db.models import Q

from feedback.models import Client, Contact, Engagement, Feedback, Firm, Touchpoint


class SurveyKind(models.TextChoices):
    NPS = "nps", "Net Promoter Score"
    CSAT = "csat", "Customer satisfaction"
    CES = "ces", "Customer effort"
    REVIEW = "review", "Review request"


# (lowest, highest) score a respondent may give, per kind.
SCORE_RANGE: dict[str, tuple[int, int]] = {
    SurveyKind.NPS: (0, 10),
    SurveyKind.CSAT: (1, 5),
    SurveyKind.CES: (1, 7),
    SurveyKind.REVIEW: (1, 5),
}


class SurveyPolicy(models.Model):
    """A firm's contact-governance settings and e-mail sender (one row per firm; defaults apply
    when the row is missing). The e-mails' colour is the firm's own (`Firm.primary_colour`)."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="survey_policy")
    nps_max_per_year = models.PositiveSmallIntegerField(
        default=2, help_text="NPS waves per client per rolling 365 days: 1 or 2."
    )
    nps_min_gap_days = models.PositiveSmallIntegerField(
        default=150, help_text="Minimum days between two NPS waves for the same client."
    )
    csat_min_gap_days = models.PositiveSmallIntegerField(
        default=14, help_text="Minimum days between two CSAT invitations to the same contact."
    )
    csat_nps_buffer_days = models.PositiveSmallIntegerField(
        default=7, help_text="No CSAT this many days either side of an NPS invitation."
    )
    from_email = models.EmailField(blank=True, help_text="Defaults to DEFAULT_FROM_EMAIL.")

    class Meta:
        verbose_name_plural = "survey policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(nps_max_per_year__in=[1, 2]), name="policy_nps_max_one_or_two"
            ),
            models.CheckConstraint(
                condition=Q(nps_min_gap_days__lte=365), name="policy_nps_gap_at_most_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"Survey policy of {self.firm}"


class Audience(models.TextChoices):
    ALL = "all", "All contacts"
    CLIENT = "client", "The contacts of one client"
    CLOSED = "closed", "Contacts of engagements closed in a period"


class Campaign(models.Model):
    """What is asked, of whom. NPS waves target a segment (blank = every client); CSAT/CES are
    triggered by events at a touchpoint; review requests go to every contact."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ARCHIVED = "archived", "Archived"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    segment = models.CharField(max_length=100, blank=True, help_text="Blank: every client.")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.CharField(max_length=300, blank=True, help_text="Blank: the standard one.")
    follow_up = models.CharField(
        max_length=300, blank=True, help_text="Asked under the score. Blank: the standard one."
    )
    audience = models.CharField(
        max_length=10, choices=Audience.choices, default=Audience.ALL, help_text="Who a wave asks."
    )
    audience_client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_from = models.DateField(null=True, blank=True)
    closed_to = models.DateField(null=True, blank=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=5, help_text="Blank: never remind."
    )
    link_valid_days = models.PositiveSmallIntegerField(default=30)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The beat schedule that launches this campaign's waves.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="campaign_unique_name_per_firm"),
            models.CheckConstraint(
                condition=Q(link_valid_days__gte=1), name="campaign_link_valid_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """One survey sent (or to be sent) to one contact for one occasion.

    `occasion` names why it exists (an NPS wave's date, "engagement:42", an event id), so that
    scheduling the same thing twice is a no-op. A reminder is a field here, never a new row,
    so it is not a new survey for governance.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        REMINDING = "reminding", "Sending reminder"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invitations")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    occasion = models.CharField(max_length=100)
    token_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    reminder_attempts = models.PositiveSmallIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact", "occasion"], name="invitation_once_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(reminders_sent__lte=1), name="invitation_at_most_one_reminder"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "kind", "scheduled_for"], name="invitation_governance"),
            models.Index(fields=["contact", "kind", "scheduled_for"], name="invitation_contact"),
            models.Index(
                fields=["scheduled_for"],
                name="invitation_due",
                condition=Q(status="scheduled"),
            ),
            models.Index(
                fields=["remind_at"],
                name="invitation_remind_due",
                condition=Q(status="sent", remind_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.contact} ({self.occasion})"


class Response(models.Model):
    """A contact's answer to one invitation; a second submission updates this row."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    score = models.SmallIntegerField()
    comment = models.TextField(blank=True)
    feedback = models.OneToOneField(
        Feedback, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_response"
    )
    submissions = models.PositiveSmallIntegerField(default=1)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="nps", score__gte=0, score__lte=10)
                    | Q(kind__in=["csat", "review"], score__gte=1, score__lte=5)
                    | Q(kind="ces", score__gte=1, score__lte=7)
                ),
                name="response_score_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.score} for invitation #{self.invitation_id}"
