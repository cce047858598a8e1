"""Reads of the listening channels, always scoped to a firm."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback.models import Channel, Member, Source
from listening.models import CsvImport, SkippedItem, TriageItem


def source_pollable_due_ids(*, limit: int = 500) -> list[int]:
    """Mailbox and review sources whose next poll time has come (or that never ran)."""
    now = timezone.now()
    return list(
        Source.objects.exclude(status=Source.Status.DISABLED)
        .filter(Q(channel=Channel.REVIEW) | Q(channel=Channel.EMAIL, imap_mailbox__isnull=False))
        .filter(
            Q(poll_state__isnull=True)
            | Q(poll_state__next_poll_at__isnull=True)
            | Q(poll_state__next_poll_at__lte=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def source_get_for_member(*, member: Member, pk: int) -> Source:
    """Raises Source.DoesNotExist for another firm's source, exactly as for a missing one."""
    return Source.objects.select_related("firm").get(firm_id=member.firm_id, pk=pk)


def source_inbound_get(*, address: str) -> Source | None:
    """The email Source whose configured inbound address is `address` (case-insensitive)."""
    return (
        Source.objects.select_related("firm")
        .filter(channel=Channel.EMAIL, config__inbound_address=address.strip().lower())
        .exclude(status=Source.Status.DISABLED)
        .first()
    )


def triage_list(*, member: Member) -> QuerySet[TriageItem]:
    return (
        TriageItem.objects.filter(firm_id=member.firm_id, resolved_at__isnull=True)
        .select_related("feedback", "feedback__source")
        .order_by("-created_at")
    )


def skipped_list(*, member: Member) -> QuerySet[SkippedItem]:
    return (
        SkippedItem.objects.filter(firm_id=member.firm_id)
        .select_related("source")
        .order_by("-created_at")
    )


def csv_import_get(*, member: Member, pk: int) -> CsvImport:
    return CsvImport.objects.select_related("source").get(firm_id=member.firm_id, pk=pk)
