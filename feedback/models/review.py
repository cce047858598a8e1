"""The review workflow: rules flag feedback, cases route it to a person, events record what
they did, and people's tag corrections become the firm's labelled examples."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from feedback.models.tenancy import BrandPromise, Client, Firm, Member
from feedback.models.voice import Feedback


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


# Ordered from least to most urgent; a case takes the highest priority of the rules it matched.
PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]


class RuleKind(models.TextChoices):
    NEGATIVE_SENTIMENT = "negative_sentiment", "Negative sentiment above a confidence"
    STRONG_EMOTION = "strong_emotion", "Strong anger, annoyance or disappointment"
    NPS_DETRACTOR = "nps_detractor", "NPS detractor (0-6 of 10)"
    CSAT_LOW = "csat_low", "Low CSAT (1-2 of 5)"
    CHURN_TALK = "churn_talk", "Talk of leaving or moving work elsewhere"
    PROMISE_NEGATIVE = "promise_negative", "A brand promise spoken of negatively"
    NEGATIVE_TOPIC = "negative_topic", "A new negative topic touching several clients"


class Rule(models.Model):
    """One flag rule of a firm. Each kind exists at most once per firm; defaults are created on
    first use (see feedback.review.rules.rule_defaults_ensure)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    enabled = models.BooleanField(default=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    threshold = models.FloatField(
        null=True,
        blank=True,
        help_text="Confidence/score threshold (0-1) or the highest flagged rating, by kind.",
    )
    labels = models.JSONField(
        default=list, blank=True, help_text="Emotion labels or phrases this rule looks for."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "kind"], name="rule_unique_kind_per_firm")
        ]
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class CaseOutcome(models.TextChoices):
    ADDRESSED = "addressed", "Addressed with the client"
    NO_ACTION = "no_action", "No action needed"
    FALSE_ALARM = "false_alarm", "Flagged in error"
    ESCALATED = "escalated", "Escalated outside Earshot"


class Case(models.Model):
    """A flag on one feedback item, routed to an owner with a deadline.

    At most one case per feedback item, ever: the unique constraint on `feedback` is what
    guarantees it, also when two workers analyse the same item at once."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="cases")
    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, related_name="case")
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    owner = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    status = models.CharField(max_length=15, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    reasons = models.JSONField(default=list, help_text="The rules that matched, with details.")
    opened_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=CaseOutcome.choices, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["firm", "due_at"],
                name="case_firm_open_due",
                condition=~Q(status="resolved"),
            ),
            models.Index(
                fields=["owner", "due_at"],
                name="case_owner_open_due",
                condition=~Q(status="resolved"),
            ),
            models.Index(fields=["client", "-opened_at"], name="case_client_opened"),
        ]

    def __str__(self) -> str:
        return f"Case #{self.pk} ({self.get_status_display()})"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REASSIGNED = "reassigned", "Reassigned"
    NOTE = "note", "Note"
    REPLY = "reply", "Reply to client"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"


class CaseEvent(models.Model):
    """The timeline of a case. Replies (kind=reply) are also the firm's answers shown in the
    client's portal history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=15, choices=CaseEventKind.choices)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_case")]


class TagKind(models.TextChoices):
    SENTIMENT = "sentiment", "Sentiment"
    EMOTION = "emotion", "Emotion"
    THEME = "theme", "Theme (brand promise)"
    POLARITY = "polarity", "Sentiment toward a brand promise"


class TagCorrection(models.Model):
    """A person's correction of a predicted tag: a labelled example for the firm's models.

    One row per (feedback, kind, key), upserted, so the latest judgement wins. `key` is
    "sentiment", the emotion label, or the brand promise id (themes and polarity); `value` is a
    sentiment label (sentiment, polarity) or "present"/"absent" (emotions, themes). Corrections
    also override the model on that item everywhere (see feedback.review.corrections)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="tag_corrections")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="tag_corrections")
    kind = models.CharField(max_length=10, choices=TagKind.choices)
    key = models.CharField(max_length=64)
    value = models.CharField(max_length=16)
    brand_promise = models.ForeignKey(
        BrandPromise, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    predicted = models.CharField(max_length=32, blank=True, help_text="What the model said.")
    text = models.TextField(help_text="The text that was labelled (a snapshot).")
    corrected_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "kind", "key"], name="tag_correction_unique"
            )
        ]
        indexes = [models.Index(fields=["firm", "kind"], name="tag_correction_firm")]


class ReplyTemplate(models.Model):
    """A firm's saved reply text with placeholders ({contact_first_name}, {firm_name}, ...),
    offered on the case reply form (see feedback.review.reply_templates)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="reply_templates")
    name = models.CharField(max_length=100)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="reply_template_unique_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
