"""Reads for campaigns, scoped to a firm."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Unpack

from django.db.models import Count, Q, QuerySet

from feedback.metrics import Slice, Summary, proportion_summary, slice_filter
from feedback.models import Client, Contact, Engagement, Firm
from listening.campaigns.models import Audience, Campaign, Invitation, SkippedInvitation


def campaign_recipients(*, campaign: Campaign) -> QuerySet[Contact]:
    """Contacts a wave is for: its audience (every contact, one client's, or those of clients
    with an engagement closed in a period), narrowed to the segment's clients when one is set.
    Opted-out contacts are included on purpose, so their skip is recorded."""
    qs = Contact.objects.filter(firm_id=campaign.firm_id)
    if campaign.segment:
        qs = qs.filter(client__segment=campaign.segment)
    if campaign.audience == Audience.CLIENT:
        qs = qs.filter(client=campaign.audience_client)
    elif campaign.audience == Audience.CLOSED:
        closed = Engagement.objects.filter(firm_id=campaign.firm_id, closed_on__isnull=False)
        if campaign.closed_from:
            closed = closed.filter(closed_on__gte=campaign.closed_from)
        if campaign.closed_to:
            closed = closed.filter(closed_on__lte=campaign.closed_to)
        qs = qs.filter(client_id__in=closed.values("client_id"))
    return qs.order_by("client_id", "pk")


def review_recipients(*, client: Client) -> QuerySet[Contact]:
    """Every contact of the client. No score, rating or sentiment is consulted: review gating
    (asking only the happy ones) is banned by review sites and hides problems."""
    return Contact.objects.filter(client=client).order_by("pk")


def campaign_list(*, firm_id: int) -> QuerySet[Campaign]:
    return Campaign.objects.filter(firm_id=firm_id).order_by("name", "pk")


def campaign_get(*, firm_id: int, pk: int) -> Campaign:
    """Raises Campaign.DoesNotExist for another firm's campaign, as for a missing one."""
    return Campaign.objects.select_related("firm").get(firm_id=firm_id, pk=pk)


def campaign_invitation_counts(*, campaign: Campaign) -> dict[str, int]:
    """One aggregate over the campaign's invitations by status, plus the count of its skips."""
    by_status = {value: Count("pk", filter=Q(status=value)) for value in Invitation.Status.values}
    counts = Invitation.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"), responded=Count("pk", filter=Q(responded_at__isnull=False)), **by_status
    )
    counts["skipped"] = campaign.skips.count()
    return counts


def skip_list(*, firm: Firm, client: Client | None = None) -> QuerySet[SkippedInvitation]:
    qs = SkippedInvitation.objects.filter(firm=firm)
    if client is not None:
        qs = qs.filter(client=client)
    return qs.select_related("campaign", "contact", "client").order_by("-created_at")


def response_rate_summary(
    *, firm: Firm, kind: str | None = None, **slice_: Unpack[Slice]
) -> Summary:
    """Share of sent invitations (sent in the period) that were answered. Reminders are not
    extra invitations, so they never inflate the denominator."""
    qs = Invitation.objects.filter(firm=firm, sent_at__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    qs = slice_filter(qs, slice_, when="sent_at", campaign="campaign_id")
    counts = qs.aggregate(n=Count("pk"), answered=Count("pk", filter=Q(responded_at__isnull=False)))
    return proportion_summary("response_rate", counts["answered"], counts["n"], "answered")


AUDIT_HEADER = [
    "invitation_id",
    "campaign",
    "kind",
    "client",
    "contact_name",
    "contact_email",
    "occasion",
    "status",
    "scheduled_for",
    "sent_at",
    "reminder_sent_at",
    "responded_at",
    "score",
]


def invitation_audit_rows(*, campaign: Campaign) -> Iterator[list[str]]:
    """Who was asked, when, and who answered: one row per invitation (skips excluded; they
    have their own list)."""
    invitations = (
        Invitation.objects.filter(campaign=campaign)
        .select_related("client", "contact", "response")
        .order_by("scheduled_for", "pk")
    )
    for inv in invitations.iterator(chunk_size=500):
        response = getattr(inv, "response", None)
        yield [
            str(inv.pk),
            campaign.name,
            inv.kind,
            inv.client.name,
            inv.contact.name,
            inv.contact.email,
            inv.occasion,
            inv.status,
            _iso(inv.scheduled_for),
            _iso(inv.sent_at),
            _iso(inv.reminder_sent_at),
            _iso(inv.responded_at),
            "" if response is None else str(response.score),
        ]


def invitation_audit_csv(*, campaign: Campaign) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_HEADER)
    for row in invitation_audit_rows(campaign=campaign):
        writer.writerow([_defuse(cell) for cell in row])
    return out.getvalue()


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _defuse(cell: str) -> str:
    # Spreadsheet formula injection: a contact name like "=HYPERLINK(...)" must stay text.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
