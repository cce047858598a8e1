"""The feedback explorer's filters (django-filter), on the GET parameters of the shared contract:
q, client, contact, channel, touchpoint, promise, promise_sentiment, topic, sentiment, emotion,
score_min, score_max, from, to, case_status, intent, sort.

The FilterSet only narrows a queryset that `feedback.items.explorer.explorer_queryset` has
already scoped to the member (firm, and an account manager's own clients); its choices are
scoped the same way. Tags are read as the effective analysis (feedback.analysis)."""

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters as df
from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone

from feedback import analysis
from feedback.items.search import feedback_search
from feedback.items.widgets import PlainSelect
from feedback.labels import EMOTION_LABELS
from feedback.links import EXPLORER_PARAMS
from feedback.models import (
    BrandPromise,
    CaseStatus,
    Channel,
    Feedback,
    Member,
    Sentiment,
    Topic,
    TopicStatus,
    Touchpoint,
)
from feedback.selectors import client_list

NEWEST = (F("received_at").desc(), F("pk").desc())
SORTS: dict[str, tuple[str, tuple[OrderBy, ...]]] = {
    "newest": ("Newest first", NEWEST),
    "oldest": ("Oldest first", (F("received_at").asc(), F("pk").asc())),
    "negative": ("Most negative first", (F("sentiment_value").asc(nulls_last=True), *NEWEST)),
    "score": ("Highest score first", (F("rating").desc(nulls_last=True), *NEWEST)),
    "relevance": ("Most relevant first (when searching)", (F("rank").desc(), *NEWEST)),
}
PERIOD_PRESETS = (7, 30, 90, 365)
# The parameters a saved view keeps (anything else in a query string is dropped): the explorer's
# contract, `feedback.links.EXPLORER_PARAMS`; the emotions are the NLP worker's labels.
PARAMS = EXPLORER_PARAMS
EMOTIONS = EMOTION_LABELS


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class ExplorerFilter(df.FilterSet):
    q = df.CharFilter(method="filter_q", label="Search", max_length=200)
    client = df.ModelChoiceFilter(queryset=None, empty_label="All clients")
    contact = df.NumberFilter(field_name="contact_id", label="Contact id")
    channel = df.ChoiceFilter(choices=Channel.choices, empty_label="All channels")
    touchpoint = df.ModelChoiceFilter(queryset=None, empty_label="All touchpoints")
    promise = df.ModelChoiceFilter(
        queryset=None, method="filter_promise", label="Brand promise", empty_label="Any promise"
    )
    promise_sentiment = df.ChoiceFilter(
        choices=Sentiment.choices,
        method="filter_promise",
        label="Spoken of (toward the promise)",
        empty_label="Any way",
    )
    topic = df.ModelChoiceFilter(queryset=None, method="filter_topic", empty_label="Any topic")
    sentiment = df.ChoiceFilter(choices=Sentiment.choices, empty_label="Any sentiment")
    emotion = df.ChoiceFilter(
        choices=[(e, e) for e in EMOTIONS], method="filter_emotion", empty_label="Any emotion"
    )
    score_min = df.NumberFilter(field_name="rating", lookup_expr="gte", label="Score from")
    score_max = df.NumberFilter(field_name="rating", lookup_expr="lte", label="Score to")
    date_from = df.DateFilter(method="filter_from", label="From")
    date_to = df.DateFilter(method="filter_to", label="To")
    case_status = df.ChoiceFilter(
        choices=[*CaseStatus.choices, ("none", "No case")],
        method="filter_case_status",
        label="Case",
        empty_label="Any case status",
    )
    intent = df.BooleanFilter(
        method="filter_intent",
        label="Talks of leaving",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    sort = df.ChoiceFilter(
        choices=[(k, label) for k, (label, _) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Feedback
        fields: list[str] = []

    def __init__(self, data: Any = None, *, queryset: QuerySet[Feedback], member: Member) -> None:
        super().__init__(data, queryset=queryset)
        self.member = member
        firm_id = member.firm_id
        fields = self.form.fields
        fields["client"].queryset = client_list(member=member)
        fields["touchpoint"].queryset = Touchpoint.objects.filter(firm_id=firm_id)
        fields["promise"].queryset = BrandPromise.objects.filter(firm_id=firm_id).order_by("name")
        fields["topic"].queryset = Topic.objects.filter(
            firm_id=firm_id, status=TopicStatus.ACTIVE
        ).order_by("label")
        fields["sort"].required = False
        for name, field in fields.items():
            css = "form-check-input" if name == "intent" else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
                plain = PlainSelect(attrs=field.widget.attrs)
                plain.choices = field.widget.choices
                field.widget = plain
            field.widget.attrs.setdefault("class", css)
        fields["from"].widget.input_type = "date"
        fields["to"].widget.input_type = "date"

    @property
    def searching(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("q"))

    def filter_queryset(self, queryset: QuerySet[Feedback]) -> QuerySet[Feedback]:
        qs = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            # Newest first also when searching: ranking reads every match's text again, so the
            # most relevant first is a choice (sort=relevance), not the default.
            qs = self.filter_sort(qs, "sort", "newest")
        return qs

    def filter_q(self, qs: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        return feedback_search(qs, value.strip()) if value.strip() else qs

    def filter_promise(self, qs: QuerySet[Feedback], name: str, value: Any) -> QuerySet[Feedback]:
        # promise and promise_sentiment describe one mention together; apply them once.
        if name != "promise" and self.form.cleaned_data.get("promise"):
            return qs
        promise = self.form.cleaned_data.get("promise")
        mentioning = analysis.feedback_mentioning(
            firm_id=self.member.firm_id,
            promise_id=promise.pk if promise else None,
            sentiment=self.form.cleaned_data.get("promise_sentiment") or "",
        )
        return qs.filter(mentioning)

    def filter_topic(self, qs: QuerySet[Feedback], name: str, value: Topic) -> QuerySet[Feedback]:
        topics = Q(topic_assignment__topic=value) | Q(topic_assignment__topic__merged_into=value)
        return qs.filter(topics)

    def filter_emotion(self, qs: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        return qs.filter(analysis.feedback_feeling(firm_id=self.member.firm_id, emotion=value))

    def filter_from(self, qs: QuerySet[Feedback], name: str, value: date) -> QuerySet[Feedback]:
        return qs.filter(received_at__gte=_start_of(value))

    def filter_to(self, qs: QuerySet[Feedback], name: str, value: date) -> QuerySet[Feedback]:
        return qs.filter(received_at__lt=_start_of(value + timedelta(days=1)))

    def filter_case_status(
        self, qs: QuerySet[Feedback], name: str, value: str
    ) -> QuerySet[Feedback]:
        return qs.filter(case__isnull=True) if value == "none" else qs.filter(case__status=value)

    def filter_intent(self, qs: QuerySet[Feedback], name: str, value: bool) -> QuerySet[Feedback]:
        if not value:
            return qs
        return qs.filter(analysis.feedback_intending_to_leave())

    def filter_sort(self, qs: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        if value == "relevance" and not self.searching:
            value = "newest"
        return qs.order_by(*SORTS.get(value, SORTS["newest"])[1])


# `from` and `to` are the contract's names; `from` cannot be a class attribute in Python.
for _old, _new in (("date_from", "from"), ("date_to", "to")):
    ExplorerFilter.base_filters[_new] = ExplorerFilter.base_filters.pop(_old)
