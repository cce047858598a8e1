"""Per-firm topics found in client voice (issue 13), and which feedback speaks to each.

A topic's identity outlives refits: a refit matches its new clusters to these rows (centroid and
keywords) and updates them in place, so a person's name, merge or ignore stays. `centroid` is the
topic's unit embedding (float32 bytes), the key for that matching and for assigning new feedback
between refits.
"""

from django.db import models

from feedback.models.tenancy import BrandPromise, Firm
from feedback.models.voice import Feedback


class TopicStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    IGNORED = "ignored", "Ignored"
    MERGED = "merged", "Merged"
    FADED = "faded", "Faded"  # no longer found by the latest refit


class Topic(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="topics")
    label = models.CharField(max_length=200)
    label_set_by_person = models.BooleanField(default=False)
    keywords = models.JSONField(default=list, blank=True)
    centroid = models.BinaryField(default=b"", blank=True)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=TopicStatus.choices, default=TopicStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_topics"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    fitted_at = models.DateTimeField(null=True, blank=True)
    # Set once, when the topic is first found emerging (the `topic.emerging` webhook goes then).
    emerging_since = models.DateTimeField(null=True, blank=True)
    emerging_p_value = models.FloatField(null=True, blank=True)
    # Set once, when the "new negative topic" flag rule opened (or noted) a case for it.
    flagged_at = models.DateTimeField(null=True, blank=True)
    # The brand promise a person promoted this topic to, if any.
    promise = models.ForeignKey(
        BrandPromise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["firm", "status"], name="topic_firm_status")]

    def __str__(self) -> str:
        return self.label


class TopicAssignment(models.Model):
    """Feedback -> topic, one per feedback; rewritten by each refit, added between refits."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="topic_assignments")
    feedback = models.OneToOneField(
        Feedback, on_delete=models.CASCADE, related_name="topic_assignment"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="assignments")
    similarity = models.FloatField(default=0.0)

    class Meta:
        indexes = [models.Index(fields=["firm", "topic"], name="topicassign_firm_topic")]


class FeedbackEmbedding(models.Model):
    """A feedback item's document embedding (the encoder's unit vector, float16 bytes), computed
    once per text (`text_hash`) so refits and assignment never encode it again."""

    feedback = models.OneToOneField(
        Feedback, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["firm", "created_at"], name="embedding_firm_created")]


class TopicModelState(models.Model):
    """One per firm: when its topics were last refitted and over how many items, and a claim
    (`refit_started_at`) so that two workers never refit the same firm at once."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="topic_model")
    fitted_at = models.DateTimeField(null=True, blank=True)
    fitted_items = models.PositiveIntegerField(default=0)
    fit_seconds = models.FloatField(default=0.0)
    refit_started_at = models.DateTimeField(null=True, blank=True)
