"""Earshot's core domain: tenants, the people and organisations they serve, and client voice.

Every row that belongs to a firm carries `firm` directly, so tenant scoping is one indexed filter
and never a join chain.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Firm(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    ANALYST = "analyst", "Analyst"
    ACCOUNT_MANAGER = "account_manager", "Account manager"


class Member(models.Model):
    """A user's membership of one firm, with a role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ACCOUNT_MANAGER)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.firm})"

    @property
    def sees_whole_firm(self) -> bool:
        return self.role in (Role.ADMIN, Role.ANALYST)


class Client(models.Model):
    """An organisation the firm serves."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(max_length=200)
    segment = models.CharField(max_length=100, blank=True)
    account_managers = models.ManyToManyField(Member, blank=True, related_name="clients")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="client_unique_name_per_firm")
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a client. Email is stored lower-cased and is unique per firm."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="contacts")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    opted_out = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "email"], name="contact_unique_email_per_firm")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class Engagement(models.Model):
    """A matter or project for a client (optional on feedback)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="engagements")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="engagements")
    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Touchpoint(models.Model):
    """A stage of the client journey (proposal, onboarding, delivery, billing, ...)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="touchpoints")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "slug"], name="touchpoint_unique_slug_per_firm")
        ]

    def __str__(self) -> str:
        return self.name


class BrandPromise(models.Model):
    """A theme the firm's brand rests on; comments are matched against it zero-shot."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="brand_promises")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    examples = models.JSONField(default=list, blank=True, help_text="Example phrases (strings).")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="promise_unique_name_per_firm")
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    FORM = "form", "Web form"
    PORTAL = "portal", "Client portal"
    REVIEW = "review", "Review site"
    SURVEY = "survey", "Survey"
    IMPORT = "import", "Import"
    API = "api", "API"


class Source(models.Model):
    """A configured channel: a mailbox, a form, a review-site listing, an API key, ..."""

    class Status(models.TextChoices):
        OK = "ok", "OK"
        FAILING = "failing", "Failing"
        DISABLED = "disabled", "Disabled"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="sources")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    name = models.CharField(max_length=200)
    config = models.JSONField(default=dict, blank=True)
    public_key = models.CharField(max_length=64, unique=True, default=uuid.uuid4)
    cursor = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OK)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="source_unique_name_per_firm")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Feedback(models.Model):
    """One piece of client voice. Saved before any processing; de-duplicated by external id."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="feedback")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="feedback")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    external_id = models.CharField(max_length=255)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    sender = models.CharField(
        max_length=254, blank=True, help_text="Sender address or name as received (for triage)."
    )
    subject = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    text_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=16, blank=True)
    rating = models.SmallIntegerField(null=True, blank=True)
    rating_scale = models.SmallIntegerField(
        null=True, blank=True, help_text="Highest possible rating (5 for stars/CSAT, 10 for NPS)."
    )
    raw = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    analysis_status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING
    )
    analysis_attempts = models.PositiveSmallIntegerField(default=0)
    analysis_updated_at = models.DateTimeField(auto_now_add=True)
    analysis_error = models.TextField(blank=True)
    # Denormalised from the current Analysis so that dashboards aggregate without a join.
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_value = models.FloatField(null=True, blank=True, help_text="P(pos) - P(neg).")

    class Meta:
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "source", "external_id"], name="feedback_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=0), name="feedback_rating_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["firm", "-received_at"], name="feedback_firm_received"),
            models.Index(fields=["client", "-received_at"], name="feedback_client_received"),
            models.Index(
                fields=["analysis_status", "analysis_updated_at"],
                name="feedback_analysis_queue",
                condition=~Q(analysis_status="done"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}: {self.text[:60]}"


class Analysis(models.Model):
    """The NLP result for one feedback item under one model version (upserted, never duplicated)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="analyses")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    model_version = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64, help_text="Hash of the text that was analysed.")
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    sentiment_value = models.FloatField(help_text="P(pos) - P(neg), in [-1, 1].")
    sentiment_scores = models.JSONField(default=dict)
    emotion_scores = models.JSONField(default=dict)
    emotions = models.JSONField(default=list, help_text="Predicted emotion labels.")
    sentences = models.JSONField(default=list)
    model_info = models.JSONField(default=dict, help_text="Model names and versions used.")
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "analyses"
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "model_version"], name="analysis_unique_per_model"
            )
        ]


class EmotionTag(models.Model):
    """One predicted emotion of an analysis: a row each, so emotion mixes aggregate in SQL."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="emotion_tags")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="emotion_tags")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=32)
    score = models.FloatField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["analysis", "label"], name="emotion_unique_label")
        ]
        indexes = [models.Index(fields=["firm", "label", "received_at"], name="emotion_firm")]


class ThemeMention(models.Model):
    """A brand promise the feedback speaks to, with its own sentiment and evidence sentences."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="themes")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="themes")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    brand_promise = models.ForeignKey(
        BrandPromise, on_delete=models.CASCADE, related_name="mentions"
    )
    score = models.FloatField()
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    sentiment_value = models.FloatField()
    evidence = models.JSONField(default=list)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "brand_promise"], name="theme_unique_per_analysis"
            )
        ]
        indexes = [models.Index(fields=["firm", "brand_promise", "received_at"], name="theme_firm")]


class AuditEvent(models.Model):
    """Who did what to which object. Written by services, never updated."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["firm", "-created_at"], name="audit_firm_created")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


# --- Review workflow ---
# Rules flag feedback, cases route it to a person, events record what they did. API keys and
# outgoing webhooks are here too because they are per-firm configuration of the same app.


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


class TagCorrection(models.Model):
    """A person's correction of a predicted tag: a labelled example for the firm's models.

    One row per (feedback, kind, key), upserted, so the latest judgement wins. `key` is
    "sentiment", the emotion label, or the brand promise id; `value` is the sentiment label or
    "present"/"absent"."""

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


class ApiKey(models.Model):
    """A firm's API key. Only a SHA-256 of the secret is stored; `prefix` finds the row."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Write"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    hashed = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookFormat(models.TextChoices):
    EARSHOT = "earshot", "Signed JSON events"
    SLACK = "slack", "Slack incoming webhook"
    TEAMS = "teams", "Microsoft Teams incoming webhook"


class WebhookEndpoint(models.Model):
    """Where a firm wants events POSTed. Slack/Teams endpoints get a readable message."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    format = models.CharField(
        max_length=10, choices=WebhookFormat.choices, default=WebhookFormat.EARSHOT
    )
    secret = models.CharField(max_length=64, default=uuid.uuid4)
    events = models.JSONField(default=list, help_text="Event names; empty = all events.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, with its delivery attempts. (endpoint, event_id) is unique, so
    emitting the same event twice never delivers it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=50)
    event_id = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_unique_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(status__in=["pending", "sending"]),
            )
        ]


class DigestLog(models.Model):
    """Marks a weekly digest as sent to a member, so a re-run never sends it twice."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "week_start"], name="digest_unique_week")
        ]


class DailyRollup(models.Model):
    """One firm's day of feedback, pre-aggregated for the firm-wide dashboard.

    Recomputed from the base tables (never incremented), so a refresh is idempotent; refreshed
    for the days touched by each analysed batch and, as a safety net, for recent days by beat.
    JSON maps: csat {touchpoint name: [answers, satisfied]}, emotions {label: count},
    promises {promise id: [mentions, negative, sentiment sum]}."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    total = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    sentiment_sum = models.FloatField(default=0.0)
    sentiment_n = models.PositiveIntegerField(default=0)
    nps_n = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    csat = models.JSONField(default=dict)
    emotions = models.JSONField(default=dict)
    promises = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "day"], name="daily_rollup_unique_day")
        ]
