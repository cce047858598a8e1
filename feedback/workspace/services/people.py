"""Clients, their contacts and engagements, and who manages each client."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.models import Client, Contact, Engagement, Firm, Member
from feedback.services import audit_record
from feedback.workspace.services import Actor


def _set(obj: Any, fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    assert not unknown, unknown
    for field, value in fields.items():
        setattr(obj, field, value.strip() if isinstance(value, str) else value)


def _managers_check(firm: Firm, managers: list[Member]) -> None:
    if any(m.firm_id != firm.pk for m in managers):
        raise ValidationError({"account_managers": "Choose members of this firm."})


@transaction.atomic
def client_create(
    *,
    firm: Firm,
    name: str,
    segment: str = "",
    external_id: str = "",
    account_managers: list[Member] | None = None,
    actor: Actor = None,
) -> Client:
    managers = account_managers or []
    _managers_check(firm, managers)
    client = Client(
        firm=firm, name=name.strip(), segment=segment.strip(), external_id=external_id.strip()
    )
    client.full_clean()
    client.save()
    client.account_managers.set(managers)
    audit_record(firm=firm, action="client.created", obj=client, actor=actor)
    return client


@transaction.atomic
def client_update(
    *,
    client: Client,
    account_managers: list[Member] | None = None,
    actor: Actor = None,
    **fields: Any,
) -> Client:
    """Rename/re-segment a client; `account_managers`, when given, replaces its managers."""
    _set(client, fields, {"name", "segment", "external_id"})
    client.full_clean()
    client.save()
    data: dict[str, Any] = {}
    if account_managers is not None:
        _managers_check(client.firm, account_managers)
        client.account_managers.set(account_managers)
        data["account_managers"] = sorted(m.pk for m in account_managers)
    audit_record(firm=client.firm, action="client.updated", obj=client, actor=actor, data=data)
    return client


def _client_check(firm: Firm, client: Client) -> None:
    if client.firm_id != firm.pk:
        raise ValidationError({"client": "This client belongs to another firm."})


@transaction.atomic
def contact_create(
    *,
    firm: Firm,
    client: Client,
    email: str,
    name: str = "",
    opted_out: bool = False,
    actor: Actor = None,
) -> Contact:
    """A new contact; the e-mail is stored lower-cased and is unique in the firm."""
    _client_check(firm, client)
    contact = Contact(
        firm=firm,
        client=client,
        email=email.strip().lower(),
        name=name.strip(),
        opted_out=opted_out,
    )
    contact.full_clean()
    contact.save()
    audit_record(firm=firm, action="contact.created", obj=contact, actor=actor)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: Actor = None, **fields: Any) -> Contact:
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
    if "client" in fields:
        _client_check(contact.firm, fields["client"])
    _set(contact, fields, {"name", "email", "client", "opted_out"})
    contact.full_clean()
    contact.save()
    audit_record(firm=contact.firm, action="contact.updated", obj=contact, actor=actor)
    return contact


def _dates_check(opened_on: date | None, closed_on: date | None) -> None:
    if opened_on and closed_on and closed_on < opened_on:
        raise ValidationError({"closed_on": "An engagement cannot close before it opens."})


@transaction.atomic
def engagement_create(
    *,
    firm: Firm,
    client: Client,
    name: str,
    reference: str = "",
    opened_on: date | None = None,
    closed_on: date | None = None,
    actor: Actor = None,
) -> Engagement:
    _client_check(firm, client)
    _dates_check(opened_on, closed_on)
    engagement = Engagement(
        firm=firm,
        client=client,
        name=name.strip(),
        reference=reference.strip(),
        opened_on=opened_on,
        closed_on=closed_on,
    )
    engagement.full_clean()
    engagement.save()
    audit_record(firm=firm, action="engagement.created", obj=engagement, actor=actor)
    return engagement


@transaction.atomic
def engagement_update(*, engagement: Engagement, actor: Actor = None, **fields: Any) -> Engagement:
    if "client" in fields:
        _client_check(engagement.firm, fields["client"])
    _set(engagement, fields, {"name", "reference", "client", "opened_on", "closed_on"})
    _dates_check(engagement.opened_on, engagement.closed_on)
    engagement.full_clean()
    engagement.save()
    audit_record(firm=engagement.firm, action="engagement.updated", obj=engagement, actor=actor)
    return engagement
