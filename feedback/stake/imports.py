"""Import of fees per client per period, from a CSV file or the API's rows.

All or nothing: every row is checked first and, if any row has an error, nothing is written
(a fee file half imported would make every total after it wrong). Idempotent: a row replaces
the amount of its (client, period, currency), so importing a file twice changes nothing."""

import csv
import io
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.models import Client, ClientFee, Firm
from feedback.workspace.services.imports import MAX_ROWS, ImportFileError, csv_cell_safe

COLUMNS = (
    "client_external_id",
    "client",
    "month",
    "period_start",
    "period_end",
    "amount",
    "currency",
)
TEMPLATE_ROWS = (
    ("CRM-1001", "", "2026-01", "", "", "12500.00", "GBP"),
    ("", "Example Industries Ltd", "", "2026-01-01", "2026-03-31", "30000", "GBP"),
)
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class FeeRow:
    line: int
    client_ref: str
    client: Client | None = None
    period_start: date | None = None
    period_end: date | None = None
    amount: Decimal | None = None
    currency: str = ""
    errors: list[str] = field(default_factory=list)
    action: str = ""


@dataclass
class FeeOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _date(value: str, name: str, errors: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{name} {value!r} is not a date (YYYY-MM-DD)")
        return None


def _period(values: dict[str, str], errors: list[str]) -> tuple[date | None, date | None]:
    month, start = values.get("month", ""), values.get("period_start", "")
    end = values.get("period_end", "")
    if month:
        if start or end:
            errors.append("give either month or period_start and period_end, not both")
            return None, None
        try:
            year, number = (int(part) for part in month.split("-"))
            return date(year, number, 1), date(year, number, monthrange(year, number)[1])
        except ValueError:
            errors.append(f"month {month!r} is not a month (YYYY-MM)")
            return None, None
    if not start or not end:
        errors.append("month, or period_start and period_end, is required")
        return None, None
    first, last = _date(start, "period_start", errors), _date(end, "period_end", errors)
    if first and last and last < first:
        errors.append("period_end is before period_start")
    return first, last


def _amount(value: str, errors: list[str]) -> Decimal | None:
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        errors.append(f"amount {value!r} is not a number" if value else "amount is empty")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        errors.append(f"amount {value!r} must be between 0 and {MAX_AMOUNT}")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors.append(f"amount {value!r} has more than two decimals")
        return None
    return amount.quantize(Decimal("0.01"))


def fee_rows_check(*, firm: Firm, records: Iterable[tuple[int, dict[str, str]]]) -> list[FeeRow]:
    """Each (line, values) record checked against the firm's clients: the row with what
    importing it would do, or its errors. Reads only."""
    clients = list(Client.objects.filter(firm=firm))
    by_external = {c.external_id.lower(): c for c in clients if c.external_id}
    by_name = {c.name.lower(): c for c in clients}
    existing: dict[tuple, Decimal] = {
        (f.client_id, f.period_start, f.period_end, f.currency): f.amount
        for f in ClientFee.objects.filter(firm=firm)
    }
    seen: dict[tuple, int] = {}
    rows = []
    for line, values in records:
        external, name = values.get("client_external_id", ""), values.get("client", "")
        row = FeeRow(line=line, client_ref=external or name)
        if external:
            row.client = by_external.get(external.lower())
            if row.client is None:
                row.errors.append(f"no client with external id {external!r}")
        elif name:
            row.client = by_name.get(name.lower())
            if row.client is None:
                row.errors.append(f"no client named {name!r}")
        else:
            row.errors.append("client_external_id or client is required")
        row.period_start, row.period_end = _period(values, row.errors)
        row.amount = _amount(values.get("amount", ""), row.errors)
        row.currency = values.get("currency", "").upper()
        if len(row.currency) != 3 or not (row.currency.isascii() and row.currency.isalpha()):
            row.errors.append(f"currency {row.currency!r} is not a 3-letter code (GBP, EUR...)")
        if not row.errors and row.client is not None:
            key = (row.client.pk, row.period_start, row.period_end, row.currency)
            first = seen.setdefault(key, line)
            if first != line:
                row.errors.append(f"same client, period and currency as line {first}")
            elif key not in existing:
                row.action = "new"
            else:
                row.action = "unchanged" if existing[key] == row.amount else "update"
        rows.append(row)
    return rows


def fee_csv_parse(*, firm: Firm, text: str) -> list[FeeRow]:
    """Every data row of a fees CSV with its errors; ImportFileError when the header lacks a
    needed column or there are too many rows."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("amount", "currency") if c not in header]
    if not {"client", "client_external_id"} & set(header):
        missing.insert(0, "client or client_external_id")
    if not {"month", "period_start"} & set(header):
        missing.append("month or period_start/period_end")
    if missing:
        raise ImportFileError(
            f"Missing column(s): {', '.join(missing)}. Expected: {', '.join(COLUMNS)}."
        )
    reader.fieldnames = header

    def records() -> Iterable[tuple[int, dict[str, str]]]:
        count = 0
        for record in reader:
            values = {k: v.strip() for k, v in record.items() if k and isinstance(v, str)}
            if not any(values.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ImportFileError(f"More than {MAX_ROWS} rows; split the file.")
            yield reader.line_num, values

    return fee_rows_check(firm=firm, records=records())


def fee_errors(rows: list[FeeRow]) -> dict[int, list[str]]:
    return {row.line: row.errors for row in rows if row.errors}


@transaction.atomic
def fees_import(*, firm: Firm, rows: list[FeeRow]) -> FeeOutcome:
    """Write checked rows, all or none: raises ValidationError (line: errors) when any row has
    an error. Callers check the rows in the same request, so they reflect the data now."""
    errors = fee_errors(rows)
    if errors:
        raise ValidationError(
            [f"line {line}: {'; '.join(messages)}" for line, messages in errors.items()]
        )
    outcome = FeeOutcome()
    for row in rows:
        if row.action == "unchanged":
            outcome.unchanged += 1
            continue
        _, created = ClientFee.objects.update_or_create(
            client=row.client,
            period_start=row.period_start,
            period_end=row.period_end,
            currency=row.currency,
            defaults={"firm": firm, "amount": row.amount},
        )
        if created:
            outcome.created += 1
        else:
            outcome.updated += 1
    return outcome


def fee_template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in TEMPLATE_ROWS:
        writer.writerow([csv_cell_safe(v) for v in row])
    return out.getvalue()
