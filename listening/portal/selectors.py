"""Reads for the web form and the portal. Every query is scoped to one firm, and portal reads to
one contact: a contact never sees another contact's items, whatever ids they send."""

from django.db.models import Prefetch, QuerySet

from feedback.models import (
    CaseEvent,
    CaseEventKind,
    Channel,
    Contact,
    Engagement,
    Feedback,
    Firm,
    Source,
    Touchpoint,
)


def form_source_get(*, public_key: str) -> Source:
    """The live web-form Source with this public key.

    Raises Source.DoesNotExist for an unknown key, a disabled form, or a key that belongs to a
    Source of another channel (an API key must not double as a form key).
    """
    return (
        Source.objects.select_related("firm")
        .exclude(status=Source.Status.DISABLED)
        .get(public_key=public_key, channel=Channel.FORM)
    )


def portal_firm_get(*, slug: str) -> Firm:
    """Raises Firm.DoesNotExist for an unknown slug."""
    return Firm.objects.get(slug=slug)


def portal_contact_get(*, firm: Firm, pk: int, email: str) -> Contact | None:
    """The signed-in contact, or None if it was deleted, moved firm or changed its e-mail since
    the session began (either change ends the session)."""
    return (
        Contact.objects.select_related("client", "firm")
        .filter(firm=firm, pk=pk, email__iexact=email)
        .first()
    )


def portal_history(*, contact: Contact) -> QuerySet[Feedback]:
    """The contact's own feedback, newest first, whatever channel it arrived on, each with the
    firm's replies (case events of kind "reply") prefetched as `item.case.client_replies`."""
    replies = CaseEvent.objects.filter(kind=CaseEventKind.REPLY).select_related("actor")
    return (
        Feedback.objects.filter(firm_id=contact.firm_id, contact=contact)
        .select_related("engagement", "touchpoint", "case")
        .prefetch_related(Prefetch("case__events", queryset=replies, to_attr="client_replies"))
        .order_by("-received_at", "-pk")
    )


def portal_engagement_list(*, contact: Contact) -> QuerySet[Engagement]:
    """Engagements a contact may comment on: their own client's, nobody else's."""
    return Engagement.objects.filter(firm_id=contact.firm_id, client_id=contact.client_id).order_by(
        "name"
    )


def portal_touchpoint_list(*, firm: Firm) -> QuerySet[Touchpoint]:
    return Touchpoint.objects.filter(firm=firm, active=True).order_by("order", "name")
