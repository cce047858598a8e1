import django_filters
from django.db.models import Q, QuerySet

from feedback.api.fields import SaneIsoDateTimeField
from feedback.models import AnalysisStatus, Case, CaseStatus, Channel, Feedback, Priority, Sentiment


class SaneIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = SaneIsoDateTimeField


class FeedbackFilter(django_filters.FilterSet):
    sentiment = django_filters.ChoiceFilter(choices=Sentiment.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    analysis_status = django_filters.ChoiceFilter(choices=AnalysisStatus.choices)
    client = django_filters.NumberFilter(field_name="client_id")
    touchpoint = django_filters.NumberFilter(field_name="touchpoint_id")
    source = django_filters.NumberFilter(field_name="source_id")
    received_after = SaneIsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = SaneIsoDateTimeFilter(field_name="received_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="search", help_text="Search the text and subject.")

    class Meta:
        model = Feedback
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:200]
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(subject__icontains=value))


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    client = django_filters.NumberFilter(field_name="client_id")
    owner = django_filters.NumberFilter(field_name="owner_id")
    due_before = SaneIsoDateTimeFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = Case
        fields: list[str] = []
