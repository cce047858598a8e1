"""Per-firm integrations and housekeeping: API keys, outgoing webhooks, digests and
dashboard rollups."""

import uuid

from django.db import models
from django.db.models import Q

from feedback.models.tenancy import Firm, Member


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
