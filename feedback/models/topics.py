"""Per-firm topics found in client voice (issue 13), and which feedback speaks to each.

A topic's identity outlives refits: a refit matches its new clusters to these rows (centroid and
keywords) and updates them in place, so a person's name, merge or ignore stays. `centroid` is the
topic's unit embedding (float32 bytes), the key for that matching and for assigning new feedback
between refits.
"""

from django.db import models

from feedback.models.tenancy import Firm
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
