"""CSV import of historical feedback: mapped columns, dry run with per-row errors, idempotent
re-import, streamed row by row (memory stays flat for 100k-row files), progress on the row."""

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import datetime

from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from feedback.ingest import feedback_candidate, text_normalise
from feedback.ingest_bulk import bulk_lookups, feedback_ingest_many
from feedback.models import Feedback, Source, Touchpoint
from listening.models import CsvImport

FIELDS = ["text", "external_id", "received_at", "sender", "subject", "rating", "touchpoint"]
REQUIRED = ["text"]
MAX_ERRORS_KEPT = 200
PREVIEW_ROWS = 20
BATCH_ROWS = 1000
csv.field_size_limit(2_000_000)


def _validate_mapping(mapping: dict) -> dict:
    clean = {
        k: str(v).strip() for k, v in (mapping or {}).items() if k in FIELDS and str(v).strip()
    }
    missing = [f for f in REQUIRED if f not in clean]
    if missing:
        raise ValidationError({"mapping": f"Map a column to: {', '.join(missing)}."})
    return clean


@transaction.atomic
def csv_import_create(*, source: Source, file: File, mapping: dict, dry_run: bool) -> CsvImport:
    """Store the upload and its mapping; the caller queues `listening.csv_import_run` on commit.
    The header row is checked now, so a wrong mapping is a 400, not a failed background job."""
    mapping = _validate_mapping(mapping)
    head = b"".join(_take(file.chunks(), 64 * 1024))
    if not head.strip():
        raise ValidationError({"file": "The file is empty."})
    encoding = _sniff_encoding(head)
    first_line = head.decode(encoding, errors="replace").splitlines()[0]
    header = next(csv.reader([first_line]))
    unknown = sorted(set(mapping.values()) - {h.strip() for h in header})
    if unknown:
        raise ValidationError({"mapping": f"Columns not in the file: {', '.join(unknown)}."})
    file.seek(0)
    job = CsvImport(firm=source.firm, source=source, mapping=mapping, dry_run=dry_run)
    job.file.save(file.name or "import.csv", file, save=False)
    job.full_clean()
    job.save()
    return job


def _take(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    taken = 0
    for chunk in chunks:
        yield chunk
        taken += len(chunk)
        if taken >= limit:
            return


def _sniff_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes; otherwise the detected legacy encoding
    (Windows-1252 exports from spreadsheets are the usual case)."""
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a multi-byte character cut by the sample boundary
            return "utf-8-sig"
    best = from_bytes(head).best()
    return best.encoding if best is not None and best.encoding else "cp1252"


def _rows(job: CsvImport) -> Iterator[tuple[int, dict]]:
    with job.file.open("rb") as fh:
        encoding = _sniff_encoding(fh.read(64 * 1024))
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        for number, row in enumerate(csv.DictReader(text), start=2):
            yield number, {(k or "").strip(): (v or "") for k, v in row.items() if k is not None}


def _count_lines(job: CsvImport) -> int:
    """Data rows for the progress bar, counted on bytes (fast; a quoted field with a newline
    makes it an overestimate, corrected when the run ends)."""
    lines, last = 0, b"\n"
    with job.file.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(0, lines + (last != b"\n") - 1)


def _parse_when(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    when = parse_datetime(value)
    if when is None:
        day = parse_date(value)
        if day is None:
            raise ValidationError({"received_at": f"Not a date: {value[:40]!r}."})
        when = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - made aware just below
    if timezone.is_naive(when):
        when = timezone.make_aware(when, timezone.get_default_timezone())
    return when


def _row_fields(job: CsvImport, row: dict, touchpoints: dict[str, Touchpoint]) -> dict:
    """The feedback_ingest arguments for one row; raises ValidationError for a bad row."""
    get = {field: row.get(column, "") for field, column in job.mapping.items()}
    text = text_normalise(get.get("text", "").replace("\x00", ""))
    if not text:
        raise ValidationError({"text": "Feedback text is empty."})
    rating = None
    if get.get("rating", "").strip():
        try:
            rating = int(float(get["rating"]))
        except ValueError as exc:
            raise ValidationError({"rating": f"Not a number: {get['rating'][:20]!r}."}) from exc
    touchpoint = None
    if get.get("touchpoint", "").strip():
        touchpoint = touchpoints.get(get["touchpoint"].strip().lower())
        if touchpoint is None:
            raise ValidationError({"touchpoint": f"Unknown touchpoint {get['touchpoint'][:40]!r}."})
    external_id = get.get("external_id", "").strip()
    if not external_id:
        # The row's own content identifies it, so importing the same file twice is a no-op.
        key = "|".join(f"{k}={get[k]}" for k in sorted(get))
        external_id = "csv:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
    return {
        "text": text,
        "external_id": "csv:" + external_id if not external_id.startswith("csv:") else external_id,
        "received_at": _parse_when(get.get("received_at", "")),
        "sender": get.get("sender", "").replace("\x00", "").strip(),
        "subject": get.get("subject", "").replace("\x00", ""),
        "rating": rating,
        "rating_scale": 10
        if rating is not None and rating > 5
        else (5 if rating is not None else None),
        "touchpoint": touchpoint,
        "raw": {
            "csv_import": job.pk,
            "row": {k: v.replace("\x00", "")[:5000] for k, v in row.items()},
        },
    }


def csv_import_run(*, import_id: int) -> CsvImport | None:
    """Run a pending import (or dry run). Claims it with a guarded UPDATE (pending -> running), so
    a redelivered task does nothing; returns None when the import is gone or already claimed.

    Rows are committed in batches and progress is saved after each batch; re-running a
    failed import is safe because each row's external id de-duplicates it.
    """
    if not CsvImport.objects.filter(pk=import_id, status=CsvImport.Status.PENDING).update(
        status=CsvImport.Status.RUNNING
    ):
        return None
    job = CsvImport.objects.select_related("source", "source__firm").get(pk=import_id)
    touchpoints = {t.slug.lower(): t for t in Touchpoint.objects.filter(firm_id=job.firm_id)} | {
        t.name.lower(): t for t in Touchpoint.objects.filter(firm_id=job.firm_id)
    }
    counters = {"rows_done": 0, "rows_created": 0, "rows_duplicate": 0, "rows_failed": 0}
    errors: list[dict] = []
    preview: list[dict] = []
    try:
        job.rows_total = _count_lines(job)
        CsvImport.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
        batch: list[tuple[int, dict]] = []
        for number, row in _rows(job):
            batch.append((number, row))
            if len(batch) >= BATCH_ROWS:
                _run_batch(
                    job, batch, touchpoints, counters=counters, errors=errors, preview=preview
                )
                batch = []
        _run_batch(job, batch, touchpoints, counters=counters, errors=errors, preview=preview)
    except Exception as exc:  # noqa: BLE001 - recorded as the import's terminal state
        CsvImport.objects.filter(pk=job.pk).update(
            status=CsvImport.Status.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:2000],
            errors=errors,
            finished_at=timezone.now(),
            **counters,
        )
        raise
    CsvImport.objects.filter(pk=job.pk).update(
        status=CsvImport.Status.DONE,
        rows_total=counters["rows_done"],
        errors=errors,
        preview=preview,
        finished_at=timezone.now(),
        **counters,
    )
    job.refresh_from_db()
    return job


def _run_batch(
    job: CsvImport,
    batch: list[tuple[int, dict]],
    touchpoints: dict[str, Touchpoint],
    *,
    counters: dict[str, int],
    errors: list[dict],
    preview: list[dict],
) -> None:
    with transaction.atomic():
        parsed: list[tuple[int, dict]] = []
        for number, row in batch:
            counters["rows_done"] += 1
            try:
                parsed.append((number, _row_fields(job, row, touchpoints)))
            except ValidationError as exc:
                _row_failed(number, exc, counters=counters, errors=errors)
        if job.dry_run:
            for number, fields in parsed[: max(0, PREVIEW_ROWS - len(preview))]:
                _preview_add(preview, number, fields)
        else:
            _save_rows(job, parsed, counters=counters, errors=errors)
    # After the batch commits, so the progress shown never counts rows that could roll back.
    CsvImport.objects.filter(pk=job.pk).update(**counters)


def _preview_add(preview: list[dict], number: int, fields: dict) -> None:
    if len(preview) < PREVIEW_ROWS:
        preview.append(
            {
                "row": number,
                "text": fields["text"][:300],
                "received_at": fields["received_at"].isoformat() if fields["received_at"] else "",
                "sender": fields["sender"],
                "rating": fields["rating"],
            }
        )


def _row_failed(number: int, exc: ValidationError, *, counters: dict, errors: list) -> None:
    counters["rows_failed"] += 1
    if len(errors) < MAX_ERRORS_KEPT:
        errors.append({"row": number, "error": "; ".join(exc.messages)})


def _save_rows(
    job: CsvImport, parsed: list[tuple[int, dict]], *, counters: dict, errors: list
) -> None:
    """Validate each row as `feedback_ingest` would, then save the good ones in one go."""
    lookups = bulk_lookups(firm=job.source.firm, senders=[f["sender"] for _, f in parsed])
    candidates: list[Feedback] = []
    for number, fields in parsed:
        try:
            candidates.append(
                feedback_candidate(
                    source=job.source,
                    contacts_by_email=lookups.contacts_by_email,
                    known_names=lookups.known_names,
                    field_checks=False,
                    **fields,
                )
            )
        except ValidationError as exc:
            _row_failed(number, exc, counters=counters, errors=errors)
    for _, created in feedback_ingest_many(candidates=candidates):
        counters["rows_created" if created else "rows_duplicate"] += 1
