"""Resolving the triage list: an unknown sender becomes a Contact of a Client."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from feedback.models import Client, Contact, Feedback, Member
from feedback.services import audit_record, feedback_attribute
from listening.models import TriageItem


def triage_item_open(
    *, feedback: Feedback, sender_name: str = "", reference: str = ""
) -> TriageItem:
    """List feedback from an unknown sender for triage. Call it in the transaction that created
    `feedback`: nobody else can see the row yet, so a plain insert cannot race (one query)."""
    return TriageItem.objects.create(
        feedback=feedback,
        firm_id=feedback.firm_id,
        sender=feedback.sender,
        sender_name=sender_name[:200],
        reference=reference[:100],
    )


@transaction.atomic
def triage_assign(*, member: Member, item: TriageItem, client: Client, name: str = "") -> int:
    """Make the item's sender a Contact of `client` and attribute every open triage item from that
    sender to it. Returns how many items were resolved.

    Locks the open items of that sender (SELECT ... FOR UPDATE) so two admins assigning at once
    resolve each item once. Raises ValidationError when the sender is not an address or is
    already the contact of another client.
    """
    if item.firm_id != member.firm_id or client.firm_id != member.firm_id:
        raise ValidationError("This item or client belongs to another firm.")
    email = item.sender.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"sender": "The sender is not an e-mail address."}) from exc
    contact, _ = Contact.objects.get_or_create(
        firm_id=member.firm_id,
        email=email,
        defaults={"client": client, "name": (name or item.sender_name)[:200]},
    )
    if contact.client_id != client.pk:
        raise ValidationError(
            {"client": f"{email} is already a contact of {contact.client}; edit that contact."}
        )
    open_items = list(
        TriageItem.objects.select_for_update()
        .filter(firm_id=member.firm_id, sender__iexact=email, resolved_at__isnull=True)
        .values_list("pk", "feedback_id")
    )
    feedback_attribute(
        firm=client.firm, feedback_ids=[f for _, f in open_items if f is not None], contact=contact
    )
    resolved = TriageItem.objects.filter(pk__in=[p for p, _ in open_items]).update(
        resolved_at=timezone.now()
    )
    audit_record(
        firm=client.firm,
        action="triage.assign",
        obj=contact,
        actor=member.user,
        data={"email": email, "client": client.pk, "resolved": resolved},
    )
    return resolved
