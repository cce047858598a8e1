"""Opting out: one click, effective at once, for every campaign of the firm."""

from django.db import transaction

from feedback.models import Contact
from feedback.services import audit_record
from listening.campaigns.models import Invitation, SkipReason
from listening.campaigns.services.invitations import invitation_cancel


@transaction.atomic
def contact_opt_out(*, contact: Contact, via: str = "link") -> int:
    """Mark the contact opted out and cancel every invitation not yet sent (each recorded as
    skipped). Idempotent; returns how many invitations were cancelled."""
    changed = Contact.objects.filter(pk=contact.pk, opted_out=False).update(opted_out=True)
    contact.opted_out = True
    cancelled = 0
    pending = Invitation.objects.filter(
        contact=contact, status=Invitation.Status.SCHEDULED
    ).select_related("campaign", "contact")
    for invitation in pending:
        cancelled += invitation_cancel(
            invitation=invitation, reason=SkipReason.OPTED_OUT, detail=f"Opted out via {via}."
        )
    if changed:
        audit_record(
            firm=contact.firm,
            action="contact.opted_out",
            obj=contact,
            data={"via": via, "cancelled_invitations": cancelled},
        )
    return cancelled
