"""Polling of mailboxes and review listings, with failures recorded on the Source and backoff."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from feedback.models import Channel, Source
from listening.crypto import secret_decrypt
from listening.models import ImapMailbox, PollState, SkippedItem
from listening.services.common import skipped_record
from listening.services.email import email_message_ingest
from listening.services.reviews import review_save
from listening.sources import connector_for
from listening.sources.base import ConnectorError, RateLimited
from listening.sources.imap import imap_messages

logger = logging.getLogger(__name__)


def _lease_claim(source_id: int) -> bool:
    """Take the poll lease with one guarded UPDATE; False when another worker holds it."""
    now = timezone.now()
    PollState.objects.get_or_create(source_id=source_id)
    claimed = (
        PollState.objects.filter(source_id=source_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=settings.LISTENING_POLL_LEASE_SECONDS))
    )
    return claimed == 1


def source_failure_record(*, source: Source, reason: str, retry_after: float | None = None) -> int:
    """Mark the source failing with its reason and push its next poll back exponentially
    (base * 2^(n-1), capped), or further when the site sent Retry-After. Returns the delay."""
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(
        status=Source.Status.FAILING,
        last_error=reason[:2000],
        last_error_at=now,
        failure_count=F("failure_count") + 1,
    )
    source.refresh_from_db(fields=["status", "last_error", "last_error_at", "failure_count"])
    backoff = settings.LISTENING_BACKOFF_BASE_SECONDS * 2 ** max(0, source.failure_count - 1)
    delay = int(min(backoff, settings.LISTENING_BACKOFF_CAP_SECONDS))
    delay = max(delay, int(retry_after or 0))
    PollState.objects.filter(source=source).update(
        next_poll_at=now + timedelta(seconds=delay), claimed_until=None
    )
    logger.warning("source %s failing (%s): %s", source.pk, source.failure_count, reason)
    return delay


def _success_record(*, source: Source, interval: int, counts: dict) -> None:
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(
        status=Source.Status.OK, failure_count=0, last_polled_at=now
    )
    PollState.objects.filter(source=source).update(
        next_poll_at=now + timedelta(seconds=interval),
        claimed_until=None,
        last_success_at=now,
        last_run=counts,
    )


def _poll_imap(source: Source) -> dict:
    box = ImapMailbox.objects.get(source=source)
    try:
        password = secret_decrypt(box.password_encrypted)
    except ValueError as exc:
        raise ConnectorError(str(exc)) from exc
    counts = {"messages": 0, "created": 0, "duplicates": 0, "skipped": 0}
    for msg in imap_messages(
        host=box.host,
        port=box.port,
        use_ssl=box.use_ssl,
        username=box.username,
        password=password,
        folder=box.folder,
        uidvalidity=box.uidvalidity,
        last_uid=box.last_uid,
        limit=settings.LISTENING_IMAP_BATCH,
    ):
        # The message and the cursor move together: a crash between messages re-reads at most
        # the one in flight, which Message-ID de-duplication absorbs.
        with transaction.atomic():
            try:
                with transaction.atomic():
                    outcome = email_message_ingest(
                        source=source, data=msg.data, via="imap", extra_raw={"imap_uid": msg.uid}
                    )
                key = (
                    "skipped" if outcome.skipped else "created" if outcome.created else "duplicates"
                )
            except Exception as exc:  # noqa: BLE001 - one poison message must not block the box
                logger.exception("IMAP message uid %s of source %s failed", msg.uid, source.pk)
                skipped_record(
                    source=source,
                    external_id=f"imap:{msg.uidvalidity}:{msg.uid}",
                    reason=SkippedItem.Reason.INVALID,
                    detail=f"{exc.__class__.__name__}: {exc}",
                    raw={"mime": msg.data[:20_000]},
                )
                key = "skipped"
            ImapMailbox.objects.filter(pk=box.pk).update(
                uidvalidity=msg.uidvalidity, last_uid=msg.uid
            )
        counts["messages"] += 1
        counts[key] += 1
    return counts


def _poll_reviews(source: Source) -> dict:
    kind = (source.config or {}).get("kind", "")
    connector = connector_for(kind)
    if connector is None:
        raise ConnectorError(f"Unknown review connector kind {kind!r}.")
    result = connector.fetch(config=source.config or {}, cursor=source.cursor or {})
    counts = {
        "reviews": len(result.reviews),
        "created": 0,
        "edited": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    for review in result.reviews:
        outcome = review_save(source=source, review=review)
        counts[outcome.status] += 1
    # Only after every review is durable: a failure above re-reads the same pages next time.
    Source.objects.filter(pk=source.pk).update(cursor=result.cursor)
    return counts


def source_poll(*, source_id: int) -> dict | None:
    """Poll one mailbox or review source now. Returns the run's counts, or None when the source
    is gone, disabled, not pollable, or being polled by another worker (lease held).

    Idempotent: Message-ID / review-id de-duplication makes a repeated poll a no-op. A channel
    failure is recorded on the Source (status, last_error, failure_count) with backoff; nothing
    already received is dropped, because the cursor only advances past saved items.
    """
    source = Source.objects.filter(pk=source_id).first()
    if source is None or source.status == Source.Status.DISABLED:
        return None
    is_imap = source.channel == Channel.EMAIL and ImapMailbox.objects.filter(source=source).exists()
    if not is_imap and source.channel != Channel.REVIEW:
        return None
    if not _lease_claim(source.pk):
        return None
    try:
        if is_imap:
            counts = _poll_imap(source)
            interval = settings.LISTENING_IMAP_INTERVAL_SECONDS
        else:
            counts = _poll_reviews(source)
            interval = settings.LISTENING_REVIEW_INTERVAL_SECONDS
    except RateLimited as exc:
        source_failure_record(source=source, reason=str(exc), retry_after=exc.retry_after)
        return {"error": str(exc)}
    except ConnectorError as exc:
        source_failure_record(source=source, reason=str(exc))
        return {"error": str(exc)}
    except Exception as exc:
        source_failure_record(source=source, reason=f"{exc.__class__.__name__}: {exc}")
        raise
    _success_record(source=source, interval=interval, counts=counts)
    return counts
