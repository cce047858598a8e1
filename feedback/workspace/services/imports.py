"""CSV import of clients and their contacts: parse and preview every row with its errors, then
apply the good rows. Idempotent: clients are matched by name, contacts by e-mail, so importing
the same file twice changes nothing the second time."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from feedback.models import Client, Contact, Firm, Member
from feedback.workspace.services import Actor
from feedback.workspace.services.people import (
    client_create,
    client_update,
    contact_create,
    contact_update,
)

COLUMNS = ("client", "segment", "account_manager_email", "contact_name", "contact_email")
REQUIRED = ("client",)
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
TEMPLATE_ROWS = (
    ("Example Industries Ltd", "Manufacturing", "", "Pat Jones", "pat@example.com"),
    ("Example Industries Ltd", "Manufacturing", "", "Sam Lee", "sam@example.com"),
    ("Sample Partners LLP", "Professional services", "", "", ""),
)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, size, header)."""


@dataclass
class ImportRow:
    line: int
    client: str
    segment: str
    manager_email: str
    contact_name: str
    contact_email: str
    errors: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


@dataclass
class ImportOutcome:
    clients_created: int = 0
    clients_updated: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    rows_skipped: int = 0


def csv_text_decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), within the size limit; else ImportFileError."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {exc.start}). In Excel choose "
            "'CSV UTF-8 (comma delimited)' when saving."
        ) from exc


def people_csv_parse(*, firm: Firm, text: str) -> list[ImportRow]:
    """Every data row with what importing it would do, or why it cannot be imported. Reads
    only; raises ImportFileError when the header is unusable or there are too many rows."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            f"Missing column(s): {', '.join(missing)}. Expected: {', '.join(COLUMNS)}."
        )
    reader.fieldnames = header
    managers = {
        m.user.email.lower(): m
        for m in Member.objects.filter(firm=firm, user__is_active=True).select_related("user")
    }
    clients = {c.name.lower(): c for c in Client.objects.filter(firm=firm)}
    contacts = {c.email: c for c in Contact.objects.filter(firm=firm).select_related("client")}
    rows: list[ImportRow] = []
    seen_emails: dict[str, int] = {}
    new_clients: set[str] = set()
    for record in reader:
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(f"More than {MAX_ROWS} rows; split the file.")
        values = {k: (v or "").strip() if isinstance(v, str) else "" for k, v in record.items()}
        if not any(values.values()):
            continue
        row = ImportRow(
            line=reader.line_num,
            client=values.get("client", "")[:200],
            segment=values.get("segment", "")[:100],
            manager_email=values.get("account_manager_email", "").lower(),
            contact_name=values.get("contact_name", "")[:200],
            contact_email=values.get("contact_email", "").lower(),
        )
        _row_check(row, managers, contacts, seen_emails)
        if not row.errors:
            key = row.client.lower()
            if key in clients or key in new_clients:
                row.actions.append("existing client")
            else:
                new_clients.add(key)
                row.actions.append("new client")
            if row.contact_email:
                known = contacts.get(row.contact_email)
                row.actions.append("update contact" if known else "new contact")
                if known and known.client.name.lower() != key:
                    row.actions.append(f"moves from {known.client.name}")
        rows.append(row)
    return rows


def _row_check(
    row: ImportRow,
    managers: dict[str, Member],
    contacts: dict[str, Contact],
    seen_emails: dict[str, int],
) -> None:
    if not row.client:
        row.errors.append("client is empty")
    if row.manager_email and row.manager_email not in managers:
        row.errors.append(f"no active member with e-mail {row.manager_email}")
    if row.contact_name and not row.contact_email:
        row.errors.append("contact_email is empty")
    if row.contact_email:
        try:
            validate_email(row.contact_email)
        except ValidationError:
            row.errors.append(f"{row.contact_email!r} is not an e-mail address")
        first = seen_emails.setdefault(row.contact_email, row.line)
        if first != row.line:
            row.errors.append(f"contact_email repeats line {first}")


@transaction.atomic
def people_csv_apply(*, firm: Firm, text: str, actor: Actor = None) -> ImportOutcome:
    """Import the rows without errors (re-checked now, as the data may have changed since the
    preview); the others are counted as skipped. One transaction: all good rows or none."""
    outcome = ImportOutcome()
    managers = {
        m.user.email.lower(): m for m in Member.objects.filter(firm=firm).select_related("user")
    }
    for row in people_csv_parse(firm=firm, text=text):
        if row.errors:
            outcome.rows_skipped += 1
            continue
        client = Client.objects.filter(firm=firm, name__iexact=row.client).first()
        manager = managers.get(row.manager_email)
        if client is None:
            client = client_create(
                firm=firm,
                name=row.client,
                segment=row.segment,
                account_managers=[manager] if manager else [],
                actor=actor,
            )
            outcome.clients_created += 1
        elif (row.segment and row.segment != client.segment) or (
            manager and not client.account_managers.filter(pk=manager.pk).exists()
        ):
            current = list(client.account_managers.all())
            client_update(
                client=client,
                segment=row.segment or client.segment,
                account_managers=current + [manager] if manager else None,
                actor=actor,
            )
            outcome.clients_updated += 1
        if not row.contact_email:
            continue
        contact = Contact.objects.filter(firm=firm, email=row.contact_email).first()
        if contact is None:
            contact_create(
                firm=firm,
                client=client,
                email=row.contact_email,
                name=row.contact_name,
                actor=actor,
            )
            outcome.contacts_created += 1
        elif contact.client_id != client.pk or (
            row.contact_name and row.contact_name != contact.name
        ):
            contact_update(
                contact=contact, client=client, name=row.contact_name or contact.name, actor=actor
            )
            outcome.contacts_updated += 1
    return outcome


def csv_cell_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @, tab or CR would start a
    formula, so such a value gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def people_csv_export(*, firm: Firm, rows: list[tuple[str, ...]] | None = None) -> str:
    """The firm's clients and contacts in the import format (so an export re-imports as is);
    with `rows`, those rows instead (the downloadable template)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    if rows is None:
        rows = []
        for client in (
            Client.objects.filter(firm=firm)
            .prefetch_related("contacts", "account_managers__user")
            .order_by("name")
        ):
            manager = next(iter(client.account_managers.all()), None)
            manager_email = manager.user.email if manager else ""
            people: list[Contact | None] = [*sorted(client.contacts.all(), key=lambda c: c.email)]
            for contact in people or [None]:
                rows.append(
                    (
                        client.name,
                        client.segment,
                        manager_email,
                        contact.name if contact else "",
                        contact.email if contact else "",
                    )
                )
    for row in rows:
        writer.writerow([csv_cell_safe(v) for v in row])
    return out.getvalue()
