"""Output shapes of the API. No business logic: views call services/selectors."""

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from feedback.analysis import EffectiveAnalysis, analysis_effective, analysis_effective_map
from feedback.api.fields import SaneDateTimeField
from feedback.models import Case, CaseEvent, Feedback


class ThemeOutSerializer(serializers.Serializer):
    brand_promise_id = serializers.IntegerField()
    brand_promise = serializers.CharField()
    score = serializers.FloatField()
    sentiment = serializers.CharField()
    evidence = serializers.ListField(child=serializers.CharField())


class EmotionOutSerializer(serializers.Serializer):
    label = serializers.CharField()
    score = serializers.FloatField()


class CorrectionOutSerializer(serializers.Serializer):
    kind = serializers.CharField()
    key = serializers.CharField()
    value = serializers.CharField()
    predicted = serializers.CharField(help_text="What the model said.")
    by = serializers.CharField()
    at = serializers.DateTimeField()


class FeedbackListOutSerializer(serializers.ListSerializer):
    """Reads the effective analyses of a whole page at once (a fixed number of queries)."""

    def to_representation(self, data: Any) -> list:
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["effective"] = analysis_effective_map(items)  # type: ignore[union-attr]
        return super().to_representation(items)


class FeedbackOutSerializer(serializers.ModelSerializer):
    """A feedback item with its effective analysis: people's corrections override the model."""

    client_name = serializers.CharField(source="client.name", default=None, allow_null=True)
    sentiment_confidence = serializers.SerializerMethodField()
    emotions = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    corrections = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        list_serializer_class = FeedbackListOutSerializer
        fields = [
            "id",
            "channel",
            "source_id",
            "external_id",
            "client_id",
            "client_name",
            "contact_id",
            "touchpoint_id",
            "subject",
            "text",
            "language",
            "rating",
            "rating_scale",
            "received_at",
            "analysis_status",
            "sentiment",
            "sentiment_value",
            "sentiment_confidence",
            "emotions",
            "themes",
            "corrections",
        ]

    def _effective(self, obj: Feedback) -> EffectiveAnalysis:
        found = self.context.get("effective", {}).get(obj.pk)
        return found if found is not None else analysis_effective(feedback=obj)

    def get_sentiment_confidence(self, obj: Feedback) -> float | None:
        return self._effective(obj).sentiment_confidence

    @extend_schema_field(EmotionOutSerializer(many=True))
    def get_emotions(self, obj: Feedback) -> list[dict]:
        rows = [{"label": e.label, "score": e.score} for e in self._effective(obj).emotions]
        return EmotionOutSerializer(rows, many=True).data

    @extend_schema_field(ThemeOutSerializer(many=True))
    def get_themes(self, obj: Feedback) -> list[dict]:
        data = [
            {
                "brand_promise_id": t.promise_id,
                "brand_promise": t.promise,
                "score": t.score,
                "sentiment": t.sentiment,
                "evidence": t.evidence,
            }
            for t in self._effective(obj).themes
        ]
        return ThemeOutSerializer(data, many=True).data

    @extend_schema_field(CorrectionOutSerializer(many=True))
    def get_corrections(self, obj: Feedback) -> list[dict]:
        rows = [asdict(c) for c in self._effective(obj).corrections]
        return CorrectionOutSerializer(rows, many=True).data


class FeedbackInSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="Id of one of your firm's sources.")
    text = serializers.CharField(max_length=2_000_000, trim_whitespace=False)
    external_id = serializers.CharField(max_length=255, required=False, allow_blank=True)
    received_at = SaneDateTimeField(required=False)
    sender = serializers.CharField(max_length=254, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=500, required=False, allow_blank=True)
    client = serializers.IntegerField(required=False)
    contact = serializers.IntegerField(required=False)
    touchpoint = serializers.IntegerField(required=False)
    rating = serializers.IntegerField(required=False, min_value=0, max_value=100)
    rating_scale = serializers.ChoiceField(choices=[5, 10], required=False)
    language = serializers.CharField(max_length=16, required=False, allow_blank=True)


class FeedbackBulkInSerializer(serializers.Serializer):
    items = FeedbackInSerializer(many=True, allow_empty=False, max_length=500)


class IngestOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField()


class BulkIngestOutSerializer(serializers.Serializer):
    results = IngestOutSerializer(many=True)


class CaseEventOutSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "actor", "body", "created_at"]


class CaseOutSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", default=None, allow_null=True)
    owner = serializers.CharField(source="owner.user.username", default=None, allow_null=True)
    text = serializers.CharField(source="feedback.text")

    class Meta:
        model = Case
        fields = [
            "id",
            "feedback_id",
            "client_id",
            "client_name",
            "owner_id",
            "owner",
            "status",
            "priority",
            "reasons",
            "opened_at",
            "due_at",
            "acknowledged_at",
            "resolved_at",
            "outcome",
            "text",
        ]


class CaseActionInSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["acknowledge", "reassign", "note", "reply", "resolve"]
    )
    body = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    owner = serializers.IntegerField(required=False, help_text="Member id, for reassign.")
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=20)


class CaseAcknowledgeInSerializer(serializers.Serializer):
    """Acknowledging takes no fields."""


class CaseBodyInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)


class CaseResolveInSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=20, help_text="One of the case outcomes.")
    body = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


class CaseReassignInSerializer(serializers.Serializer):
    owner = serializers.IntegerField(help_text="Member id of the new owner.")
