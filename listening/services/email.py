"""Email into Feedback: one service for every way a message arrives (IMAP, webhook, upload)."""

import mailbox
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.models import Feedback, Source
from feedback.services import feedback_ingest
from listening.mail.parsing import ParsedEmail, email_parse
from listening.models import SkippedItem, TriageItem
from listening.services.common import json_safe, skipped_record

_MBOXRD_QUOTED = re.compile(rb"(?m)^>(>*From )")


@dataclass(frozen=True)
class EmailOutcome:
    """Exactly one of `feedback` / `skipped` is set. `created` is False for a replay."""

    feedback: Feedback | None
    skipped: SkippedItem | None
    created: bool


def _raw(parsed: ParsedEmail, via: str, extra: dict | None) -> dict:
    return json_safe(
        {
            "via": via,
            "headers": parsed.headers,
            "attachments": parsed.attachments,
            "full_body": parsed.full_body[:100_000],
            "mime": parsed.raw_mime,
            "mime_truncated": parsed.raw_truncated,
            **(extra or {}),
        }
    )


@transaction.atomic
def email_message_ingest(
    *, source: Source, data: bytes, via: str, extra_raw: dict | None = None
) -> EmailOutcome:
    """Parse one RFC 5322 message and save it as Feedback, or as a SkippedItem when it is not
    client voice (auto-reply, bounce) or cannot be saved (empty, too long).

    Idempotent by Message-ID (the Feedback external id): a replayed message returns the existing
    row with created=False. Unknown senders are saved and put on the triage list.
    """
    parsed = email_parse(data)
    raw = _raw(parsed, via, extra_raw)
    if parsed.kind != "voice":
        reason = (
            SkippedItem.Reason.BOUNCE if parsed.kind == "bounce" else SkippedItem.Reason.AUTO_REPLY
        )
        return _email_skip(source, parsed, raw, reason, parsed.kind_reason)
    existing = Feedback.objects.filter(
        firm_id=source.firm_id, source=source, external_id=parsed.message_id
    ).first()
    if existing is not None:
        return EmailOutcome(feedback=existing, skipped=None, created=False)
    if not parsed.body.strip():
        detail = "The message has no readable text."
        if parsed.attachments:
            detail += " Attachments: " + ", ".join(parsed.attachments)[:500]
        return _email_skip(source, parsed, raw, SkippedItem.Reason.INVALID, detail)
    try:
        # No savepoint needed: feedback_ingest validates before it writes anything.
        result = feedback_ingest(
            source=source,
            text=parsed.body,
            external_id=parsed.message_id,
            received_at=parsed.date,
            sender=parsed.sender_email or parsed.sender_name,
            subject=parsed.subject,
            raw=raw,
        )
    except ValidationError as exc:
        short = {**raw, "mime": raw["mime"][:20_000], "full_body": raw["full_body"][:20_000]}
        return _email_skip(
            source, parsed, short, SkippedItem.Reason.INVALID, "; ".join(exc.messages)
        )
    feedback = result.feedback
    if result.created and feedback.contact_id is None:
        # A new row cannot have a triage item yet; inside this transaction nobody else sees it.
        TriageItem.objects.create(
            feedback=feedback, firm_id=feedback.firm_id, sender=feedback.sender
        )
    return EmailOutcome(feedback=feedback, skipped=None, created=result.created)


def _email_skip(
    source: Source, parsed: ParsedEmail, raw: dict, reason: str, detail: str
) -> EmailOutcome:
    item, created = skipped_record(
        source=source,
        external_id=parsed.message_id,
        reason=reason,
        detail=detail,
        sender=parsed.sender_email,
        subject=parsed.subject,
        raw=raw,
    )
    return EmailOutcome(feedback=None, skipped=item, created=created)


@dataclass
class UploadReport:
    messages: int = 0
    created: int = 0
    duplicates: int = 0
    skipped: int = 0


def email_upload_ingest(*, source: Source, filename: str, chunks: Iterable[bytes]) -> UploadReport:
    """Ingest an uploaded .eml (one message) or mbox (many). `chunks` is an iterable of bytes,
    spooled to a temporary file so a large mbox is never held in memory. Idempotent per message.
    Raises ValidationError when the file is neither."""
    report = UploadReport()
    with tempfile.NamedTemporaryFile(suffix=".upload") as spool:
        for chunk in chunks:
            spool.write(chunk)
        spool.flush()
        path = Path(spool.name)
        with open(path, "rb") as fh:
            head = fh.read(4096)
        if not head.strip():
            raise ValidationError({"file": "The file is empty."})
        is_mbox = head.startswith(b"From ") or filename.lower().endswith((".mbox", ".mbx"))
        if is_mbox:
            box = mailbox.mbox(str(path), create=False)
            # mboxrd: writers quote body lines starting "From " with ">"; undo one level.
            messages: Iterator[bytes] = (
                _MBOXRD_QUOTED.sub(rb"\1", box.get_bytes(key)) for key in box.iterkeys()
            )
        else:
            if b":" not in head.split(b"\n", 1)[0]:
                raise ValidationError({"file": "This is not an .eml message or an mbox file."})
            messages = iter([path.read_bytes()])
        for data in messages:
            outcome = email_message_ingest(source=source, data=data, via="upload")
            report.messages += 1
            if outcome.skipped is not None:
                report.skipped += 1
            elif outcome.created:
                report.created += 1
            else:
                report.duplicates += 1
    if report.messages == 0:
        raise ValidationError({"file": "No messages were found in the file."})
    return report
