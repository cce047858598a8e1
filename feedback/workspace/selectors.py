"""Reads of the settings pages, every one scoped to the member's firm."""

from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from feedback.models import (
    BrandPromise,
    Client,
    Contact,
    Engagement,
    Member,
    TagCorrection,
    TagKind,
    Touchpoint,
    WebhookEndpoint,
)

M = TypeVar("M", bound=Model)
LIST_LIMIT = 200


def firm_object_get(model: type[M], *, firm_id: int, pk: int) -> M:
    """One object of the firm; another firm's id is a 404, like a missing one."""
    return get_object_or_404(model, firm_id=firm_id, pk=pk)


def promise_list(*, firm_id: int) -> QuerySet[BrandPromise]:
    return BrandPromise.objects.filter(firm_id=firm_id).order_by("-active", "name")


def promise_corrections(*, promise: BrandPromise) -> QuerySet[TagCorrection]:
    """The people's theme and polarity corrections that teach this promise, newest first."""
    return (
        TagCorrection.objects.filter(
            firm_id=promise.firm_id,
            brand_promise=promise,
            kind__in=[TagKind.THEME, TagKind.POLARITY],
        )
        .select_related("corrected_by__user")
        .order_by("-updated_at")[:LIST_LIMIT]
    )


def touchpoint_list(*, firm_id: int) -> QuerySet[Touchpoint]:
    return Touchpoint.objects.filter(firm_id=firm_id).order_by("-active", "order", "name")


def client_list(*, firm_id: int, q: str = "") -> QuerySet[Client]:
    qs = Client.objects.filter(firm_id=firm_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(segment__icontains=q))
    return (
        qs.annotate(n_contacts=Count("contacts", distinct=True))
        .prefetch_related("account_managers__user")
        .order_by("name")[:LIST_LIMIT]
    )


def contact_list(*, firm_id: int, q: str = "") -> QuerySet[Contact]:
    qs = Contact.objects.filter(firm_id=firm_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(client__name__icontains=q))
    return qs.select_related("client").order_by("client__name", "email")[:LIST_LIMIT]


def engagement_list(*, firm_id: int, q: str = "") -> QuerySet[Engagement]:
    qs = Engagement.objects.filter(firm_id=firm_id)
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(reference__icontains=q) | Q(client__name__icontains=q)
        )
    return qs.select_related("client").order_by("client__name", "name")[:LIST_LIMIT]


def member_list(*, firm_id: int) -> QuerySet[Member]:
    return (
        Member.objects.filter(firm_id=firm_id)
        .select_related("user")
        .order_by("-user__is_active", "user__username")
    )


def webhook_endpoint_list(*, firm_id: int) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(firm_id=firm_id).order_by("-active", "-created_at")
