"""Saving many feedback items at once (the bulk API, CSV imports): one multi-row
`INSERT … ON CONFLICT DO NOTHING RETURNING` per chunk instead of a savepoint and an insert per
item, and one wake-up of the NLP workers per call instead of an analysis task per item.

The guarantees are those of `feedback_ingest`: every item is saved before its analysis is
queued (on commit), the same (firm, source, external id) is one row whoever sends it and however
often (the unique constraint decides, also between racing transactions), and a batch belongs to
one firm."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Field, JSONField
from django.db.models.functions import Lower
from django.utils import timezone

from feedback.models import Contact, Feedback, Firm, PiiRedaction
from feedback.privacy.selectors import firm_known_names
from feedback.services import analysis_request_on_commit

# Rows per COPY and per look-up of existing keys.
INSERT_CHUNK = 5000
STAGING = "earshot_feedback_staging"


@dataclass(frozen=True)
class BulkLookups:
    """What `feedback_candidate` would otherwise query once per item."""

    contacts_by_email: dict[str, Contact]
    known_names: list[str] | None


def bulk_lookups(*, firm: Firm, senders: Iterable[str]) -> BulkLookups:
    """The firm's contacts whose e-mail is one of these senders (case-insensitive), and the
    names PII masking needs when the firm masks at ingest: two queries for a whole batch."""
    emails = {s.strip().lower() for s in senders if s and "@" in s}
    contacts: dict[str, Contact] = {}
    if emails:
        rows = (
            Contact.objects.select_related("client")
            .annotate(email_lower=Lower("email"))
            .filter(firm=firm, email_lower__in=emails)
            .order_by("pk")
        )
        for contact in rows:
            contacts.setdefault(contact.email.lower(), contact)
    names = firm_known_names(firm=firm) if firm.pii_redaction == PiiRedaction.INGEST else None
    return BulkLookups(contacts_by_email=contacts, known_names=names)


@transaction.atomic
def feedback_ingest_many(*, candidates: list[Feedback]) -> list[tuple[int, bool]]:
    """Save validated, unsaved rows (from `feedback_candidate`) of one firm; returns (id,
    created) in the order given. A row whose key exists already, or repeats an earlier row of
    the same call, is not written again and comes back with created=False.

    Rows are inserted in one canonical order (by source and external id) whatever the order
    given, so two calls sharing keys wait for each other instead of deadlocking."""
    if not candidates:
        return []
    firm_ids = {c.firm_id for c in candidates} | {c.source.firm_id for c in candidates}
    if len(firm_ids) != 1:
        raise ValueError("A bulk ingest belongs to one firm.")
    (firm_id,) = firm_ids
    first_of: dict[tuple[int, str], int] = {}
    for index, candidate in enumerate(candidates):
        first_of.setdefault((candidate.source_id, candidate.external_id), index)
    order = sorted(first_of.items())
    now = timezone.now()
    ids: dict[tuple[int, str], int] = {}
    created: list[int] = []
    for start in range(0, len(order), INSERT_CHUNK):
        chunk = [candidates[index] for _, index in order[start : start + INSERT_CHUNK]]
        for key, pk in _insert(chunk, now).items():
            ids[key] = pk
            created.append(pk)
    missing = [key for key, _ in order if key not in ids]
    if missing:
        ids.update(_existing(firm_id, missing))
    analysis_request_on_commit(created)
    fresh = set(created)
    results: list[tuple[int, bool]] = []
    for index, candidate in enumerate(candidates):
        key = (candidate.source_id, candidate.external_id)
        pk = ids[key]
        is_new = pk in fresh and first_of[key] == index
        if is_new:
            candidate.pk = pk
        results.append((pk, is_new))
    return results


def _columns() -> list[Field]:
    """The columns a bulk insert writes: not the key, not those the database computes."""
    return [
        f
        for f in Feedback._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]


def _insert(rows: list[Feedback], now: datetime) -> dict[tuple[int, str], int]:
    """COPY these rows into a session-local staging table, then one `INSERT … SELECT … ORDER
    BY key ON CONFLICT DO NOTHING`; the keys of the rows written, with their ids. COPY costs a
    fraction of a parameterised multi-row INSERT, both in the client and in the server."""
    fields = _columns()
    quote = connection.ops.quote_name
    table = quote(Feedback._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    jsons = [isinstance(f, JSONField) for f in fields]
    attnames = [f.attname for f in fields]
    # Named after its columns: a connection opened before a migration that changed them
    # makes a new staging table instead of reusing one of the old shape.
    digest = hashlib.sha1(names.encode(), usedforsecurity=False).hexdigest()[:8]
    staging = f"{STAGING}_{digest}"
    with connection.cursor() as cursor:
        # Created in the transaction (dropped with it on a rollback), emptied at each commit.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                row.created_at = row.analysis_updated_at = now
                values = [getattr(row, name) for name in attnames]
                for i, is_json in enumerate(jsons):
                    if is_json:
                        values[i] = json.dumps(values[i], cls=DjangoJSONEncoder)
                copy.write_row(values)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} "  # noqa: S608
            "ORDER BY source_id, external_id "
            "ON CONFLICT (firm_id, source_id, external_id) DO NOTHING "
            "RETURNING id, source_id, external_id"
        )
        return {(source_id, external_id): pk for pk, source_id, external_id in cursor.fetchall()}


def _existing(firm_id: int, keys: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Ids of rows that were there already (or committed by a racing call)."""
    wanted = set(keys)
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(keys), INSERT_CHUNK):
        chunk = keys[start : start + INSERT_CHUNK]
        rows = Feedback.objects.filter(
            firm_id=firm_id,
            source_id__in={s for s, _ in chunk},
            external_id__in={e for _, e in chunk},
        ).values_list("source_id", "external_id", "pk")
        found.update({(s, e): pk for s, e, pk in rows if (s, e) in wanted})
    absent = wanted - found.keys()
    if absent:
        # Only when a conflicting row was deleted between our insert and this read.
        raise RuntimeError(f"{len(absent)} conflicting feedback rows vanished; retry the batch")
    return found
