"""The bulk ingest endpoint's work: the firm's sources, clients, contacts and touchpoints named
by a request are fetched once per request (scoped to the caller's firm), every item is
validated before anything is written, then all are saved by `feedback_ingest_many`."""

from typing import cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model
from rest_framework import exceptions
from rest_framework.request import Request

from feedback.api.access import viewer_of
from feedback.api.errors import validation_detail
from feedback.ingest import feedback_candidate
from feedback.ingest_bulk import BulkLookups, bulk_lookups, feedback_ingest_many
from feedback.models import Client, Contact, Feedback, Firm, Source, Touchpoint, WebhookEndpoint
from feedback.review.events import feedback_created_emit

NOT_FOUND = "Not found in your firm."


def _by_id(model: type[Model], firm_id: int, items: list[dict], field: str) -> dict[int, Model]:
    wanted = {item[field] for item in items if item.get(field) is not None}
    if not wanted:
        return {}
    rows = model._default_manager.filter(firm_id=firm_id, pk__in=wanted)
    if model is Source:
        rows = rows.select_related("firm")
    elif model is Contact:
        rows = rows.select_related("client")
    return {obj.pk: obj for obj in rows}


def _candidate(item: dict, known: dict[str, dict[int, Model]], lookups: BulkLookups) -> Feedback:
    objects = {}
    for field, by_id in known.items():
        pk = item.get(field)
        objects[field] = by_id.get(pk) if pk is not None else None
        if pk is not None and objects[field] is None:
            raise exceptions.ValidationError({field: NOT_FOUND})
    if objects["source"] is None:
        raise exceptions.ValidationError({"source": "This field is required."})
    return feedback_candidate(
        source=cast(Source, objects["source"]),
        text=item["text"],
        external_id=item.get("external_id") or None,
        received_at=item.get("received_at"),
        sender=item.get("sender", ""),
        subject=item.get("subject", ""),
        client=cast(Client | None, objects["client"]),
        contact=cast(Contact | None, objects["contact"]),
        touchpoint=cast(Touchpoint | None, objects["touchpoint"]),
        rating=item.get("rating"),
        rating_scale=item.get("rating_scale"),
        language=item.get("language", ""),
        contacts_by_email=lookups.contacts_by_email,
        known_names=lookups.known_names,
        field_checks=False,
    )


def bulk_ingest(request: Request, items: list[dict]) -> list[dict]:
    """All items or none: the first invalid one is a 400 naming its index."""
    firm_id = viewer_of(request).firm_id
    known = {
        "source": _by_id(Source, firm_id, items, "source"),
        "client": _by_id(Client, firm_id, items, "client"),
        "contact": _by_id(Contact, firm_id, items, "contact"),
        "touchpoint": _by_id(Touchpoint, firm_id, items, "touchpoint"),
    }
    firm = Firm.objects.get(pk=firm_id)
    lookups = bulk_lookups(firm=firm, senders=[item.get("sender", "") for item in items])
    candidates: list[Feedback] = []
    for index, item in enumerate(items):
        try:
            candidates.append(_candidate(item, known, lookups))
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({"items": {index: exc.detail}}) from exc
        except DjangoValidationError as exc:
            detail = validation_detail(exc)
            raise exceptions.ValidationError({"items": {index: detail}}) from exc
    with transaction.atomic():
        saved = feedback_ingest_many(candidates=candidates)
        if WebhookEndpoint.objects.filter(firm_id=firm_id, active=True).exists():
            for candidate, (_, created) in zip(candidates, saved, strict=True):
                if created:
                    feedback_created_emit(feedback=candidate)
    return [{"id": pk, "created": created} for pk, created in saved]
