"""Client voice: feedback as it arrived, its analysis (sentiment, emotions, themes) and the
audit log."""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from feedback.models.search_vector import TextVector
from feedback.models.tenancy import (
    BrandPromise,
    Channel,
    Client,
    Contact,
    Engagement,
    Firm,
    Source,
    Touchpoint,
)


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


class FeedbackManager(models.Manager["Feedback"]):
    def get_queryset(self) -> models.QuerySet["Feedback"]:
        # The search vector is for the database's index, not for Python: not read by default.
        return super().get_queryset().defer("search_vector")


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
    # When the review rules last ran on the current analysis (None: not yet). Cleared when an
    # analysis is written, set by feedback.on_analysed; the rules sweeper finds the gaps.
    rules_applied_at = models.DateTimeField(null=True, blank=True)
    # The current analysis (`feedback.analysis`: the newest of the current text; None if there
    # is none), so that the explorer's tag filters check a tag against its item without reading
    # Analysis. Every write of an Analysis row or of `text_hash` sets it in its own transaction
    # (`feedback.services.feedback_current_analysis_set`, or `analysis_current_id` folded into
    # its UPDATE): the NLP writer, `feedback_text_replace`, erasure and retention.
    current_analysis = models.ForeignKey(
        "Analysis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # feedback_current_analysis below leads with it
    )
    # Denormalised from the current Analysis so that dashboards aggregate without a join.
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_value = models.FloatField(null=True, blank=True, help_text="P(pos) - P(neg).")
    # Set when the text was erased (GDPR) or purged by retention; counts and scores stay.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The text's English search vector, stored (PostgreSQL keeps it; NULL on SQLite); its GIN
    # index is created by migration 0017 on PostgreSQL only.
    search_vector = models.GeneratedField(
        expression=TextVector(models.F("text")),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = FeedbackManager()

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
            # the explorer's promise and emotion filters: from a tag to its item, and the item's
            # commonest filters read from the index alone (no visit of the wide row)
            models.Index(
                fields=["current_analysis"],
                include=["firm", "received_at", "channel", "client"],
                name="feedback_current_analysis",
            ),
            # the explorer's "highest score first" (sort=score): the page read in index order
            models.Index(
                F("firm"),
                F("rating").desc(nulls_last=True),
                F("received_at").desc(),
                F("id").desc(),
                name="feedback_firm_score",
            ),
            models.Index(
                fields=["analysis_status", "analysis_updated_at"],
                name="feedback_analysis_queue",
                condition=~Q(analysis_status="done"),
            ),
            models.Index(
                fields=["analysis_updated_at"],
                name="feedback_rules_unapplied",
                condition=Q(analysis_status="done", rules_applied_at__isnull=True),
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
    sentiment_confidence = models.FloatField(
        default=0.0, help_text="Calibrated probability of the sentiment label."
    )
    intent_to_leave = models.FloatField(
        default=0.0, help_text="Calibrated probability that the client talks of leaving."
    )
    intent_flag = models.BooleanField(
        default=False, help_text="Intent to leave at or above the detector's threshold."
    )
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
        indexes = [
            # dashboards by period; the explorer's emotion filter reads the analysis from it
            models.Index(
                fields=["firm", "label", "received_at"],
                include=["analysis"],
                name="emotion_firm_analysis",
            )
        ]


class ThemeMention(models.Model):
    """A brand promise the feedback speaks to, with its own sentiment and evidence sentences."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="themes")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="themes")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    brand_promise = models.ForeignKey(
        BrandPromise, on_delete=models.CASCADE, related_name="mentions"
    )
    score = models.FloatField()
    # the sentiment toward this promise (of the clauses that speak to it), not of the text
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    sentiment_value = models.FloatField()
    sentiment_scores = models.JSONField(default=dict, blank=True)
    sentiment_confidence = models.FloatField(null=True, blank=True)  # P(sentiment)
    evidence = models.JSONField(default=list)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "brand_promise"], name="theme_unique_per_analysis"
            )
        ]
        indexes = [
            # dashboards by period; the explorer's promise filter reads sentiment and analysis
            # from it, never the wide row (evidence)
            models.Index(
                fields=["firm", "brand_promise", "received_at"],
                include=["sentiment", "analysis"],
                name="theme_firm_analysis",
            )
        ]


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
