"""Tenants and the people and organisations they serve, their journeys, promises and channels.

Every row that belongs to a firm carries `firm` directly, so tenant scoping is one indexed filter
and never a join chain.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1f4e79.")


class PiiRedaction(models.TextChoices):
    """Where a firm has personal data masked in client voice (feedback.privacy.redaction)."""

    OFF = "off", "Off"
    # Stored as received; masked wherever it is shown to non-admins or leaves the tenant.
    DISPLAY = "display", "Redact in display, webhooks and exports"
    # Masked before it is saved: the original is never stored (the NLP reads the masked text).
    INGEST = "ingest", "Redact at ingest (original discarded)"


class Firm(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    # Branding of the client-facing pages (portal, surveys, web form): the firm's, not ours.
    logo_url = models.URLField(blank=True, help_text="An image shown on client pages.")
    # An uploaded logo (PNG, JPEG, WebP or GIF, checked by `firm_branding_update`): shown instead
    # of `logo_url` when set. Named by its content's hash, so a new logo is a new address.
    logo = models.FileField(upload_to="logos/", max_length=200, blank=True)
    primary_colour = models.CharField(max_length=7, default="#1f4e79", validators=[HEX_COLOUR])
    reply_from_email = models.EmailField(
        blank=True, help_text="Sender of replies to clients. Defaults to DEFAULT_FROM_EMAIL."
    )
    pii_redaction = models.CharField(
        max_length=10, choices=PiiRedaction.choices, default=PiiRedaction.OFF
    )
    retention_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Feedback older than this is anonymised by a nightly task. Empty: kept.",
    )
    # Every member must sign in with a second factor (feedback.twofactor); those without one are
    # sent to set it up right after their password.
    require_two_factor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The colour is written into a style attribute: only a plain hex value may get there.
            models.CheckConstraint(
                condition=Q(primary_colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="firm_primary_colour_hex",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def logo_src(self) -> str:
        """The address of the logo on client pages: the uploaded file, else `logo_url`."""
        if self.logo:
            name = self.logo.name.rsplit("/", 1)[-1]
            return reverse("brand_logo", kwargs={"slug": self.slug, "name": name})
        return self.logo_url

    @property
    def on_primary_colour(self) -> str:
        """Black or white, whichever reads better on `primary_colour` (WCAG relative luminance)."""
        channels = [int(self.primary_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        # Contrast with white is 1.05 / (L + 0.05); with black (L + 0.05) / 0.05.
        return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 else "#111111"


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
    external_id = models.CharField(
        "external id",
        max_length=100,
        blank=True,
        help_text="Its id in your CRM or billing system; a fee import may name the client by it.",
    )
    account_managers = models.ManyToManyField(Member, blank=True, related_name="clients")
    legal_hold = models.BooleanField(
        default=False, help_text="Retention never anonymises this client's feedback while set."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="client_unique_name_per_firm"),
            models.UniqueConstraint(
                fields=["firm", "external_id"],
                condition=~models.Q(external_id=""),
                name="client_unique_external_id_per_firm",
            ),
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
    # Set by feedback.privacy.services.contact_erase: the row stays (counts, foreign keys) but
    # holds nothing personal any more.
    erased_at = models.DateTimeField(null=True, blank=True)
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
    # A retired stage keeps its history; it is only left out of new choices.
    active = models.BooleanField(default=True)

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
