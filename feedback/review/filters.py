"""The review queue's filters and sorting (django-filter), applied on top of `case_list`, which
has already scoped the cases to what the member may see. Choices are scoped too: a member is
offered only their firm's clients, members and promises (an account manager: their clients)."""

import django_filters
from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value, When

from feedback.analysis import tags_of_current_analysis
from feedback.models import (
    PRIORITY_ORDER,
    BrandPromise,
    Case,
    CaseStatus,
    Member,
    Priority,
    ThemeMention,
)
from feedback.review.selectors import member_assignable_list
from feedback.selectors import client_list

SORTS = {
    "due": ("due_at", "pk"),
    "-due": ("-due_at", "-pk"),
    "opened": ("opened_at", "pk"),
    "-opened": ("-opened_at", "-pk"),
    "-priority": ("-priority_rank", "due_at", "pk"),
    "priority": ("priority_rank", "due_at", "pk"),
    "client": ("client__name", "due_at", "pk"),
}
SORT_LABELS = {
    "due": "Due date (soonest first)",
    "-due": "Due date (latest first)",
    "-opened": "Newest first",
    "opened": "Oldest first",
    "-priority": "Most urgent first",
    "priority": "Least urgent first",
    "client": "Client name",
}


class CaseFilter(django_filters.FilterSet):
    client = django_filters.ModelChoiceFilter(queryset=None, label="Client")
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label="Priority")
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label="Status")
    owner = django_filters.ChoiceFilter(choices=(), label="Owner", method="filter_owner")
    promise = django_filters.ModelChoiceFilter(
        queryset=None, label="Promise", method="filter_promise"
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORT_LABELS.items()), label="Sort", method="filter_sort", empty_label=None
    )

    class Meta:
        model = Case
        fields = ["client", "priority", "status", "owner", "promise"]

    def __init__(self, data: object = None, *, member: Member, **kwargs: object) -> None:
        super().__init__(data, **kwargs)  # type: ignore[arg-type]
        self.filters["client"].queryset = client_list(member=member)
        self.filters["promise"].queryset = BrandPromise.objects.filter(firm_id=member.firm_id)
        owners = [(str(m.pk), str(m.user)) for m in member_assignable_list(firm_id=member.firm_id)]
        self.filters["owner"].extra["choices"] = [("none", "Unassigned"), *owners]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter_owner(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == "none":
            return qs.filter(owner__isnull=True)
        return qs.filter(owner_id=int(value)) if value.isdigit() else qs

    def filter_promise(self, qs: QuerySet[Case], name: str, value: BrandPromise) -> QuerySet[Case]:
        """Cases whose feedback's current analysis speaks to the promise."""
        if value is None:
            return qs
        mentions = tags_of_current_analysis(
            ThemeMention.objects.filter(feedback_id=OuterRef("feedback_id"), brand_promise=value)
        )
        return qs.filter(Exists(mentions))

    def filter_sort(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return case_sort(qs, value)


def case_sort(qs: QuerySet[Case], sort: str) -> QuerySet[Case]:
    """Order by one of SORTS (unknown: soonest due first); priority by urgency, not by name."""
    rank = SqlCase(
        *(When(priority=p, then=Value(i)) for i, p in enumerate(PRIORITY_ORDER)),
        output_field=IntegerField(),
    )
    return qs.annotate(priority_rank=rank).order_by(*SORTS.get(sort, SORTS["due"]))
