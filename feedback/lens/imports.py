"""Import of client expectations (promise weights) from a CSV file.

All or nothing, as the fee import: every row is checked first and, if any row has an error,
nothing is written. A client named in the file gets exactly the file's weights for it (its
other expectations are dropped), normalised to sum to one; importing a file twice changes
nothing."""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.lens.services import MAX_WEIGHT, client_expectations_set
from feedback.models import BrandPromise, Client, ClientExpectation, ExpectationSource, Firm
from feedback.workspace.services.imports import MAX_ROWS, ImportFileError, csv_cell_safe

COLUMNS = ("client_external_id", "client", "promise", "weight")
TEMPLATE_ROWS = (
    ("CRM-1001", "", "Responsiveness", "5"),
    ("CRM-1001", "", "Expertise", "3"),
    ("", "Example Industries Ltd", "Expertise", "1"),
)


@dataclass
class ExpectationRow:
    line: int
    client_ref: str
    promise_ref: str
    client: Client | None = None
    promise: BrandPromise | None = None
    weight: float | None = None
    errors: list[str] = field(default_factory=list)
    action: str = ""


def _weight(value: str, errors: list[str]) -> float | None:
    try:
        weight = float(value)
    except ValueError:
        errors.append(f"weight {value!r} is not a number" if value else "weight is empty")
        return None
    if not 0 <= weight <= MAX_WEIGHT:
        errors.append(f"weight {value!r} must be between 0 and {MAX_WEIGHT:g}")
        return None
    return weight


def expectation_rows_check(
    *, firm: Firm, records: Iterable[tuple[int, dict[str, str]]]
) -> list[ExpectationRow]:
    """Each (line, values) record checked against the firm's clients and promises: the row
    with what importing it would do, or its errors. Reads only."""
    clients = list(Client.objects.filter(firm=firm))
    by_external = {c.external_id.lower(): c for c in clients if c.external_id}
    by_name = {c.name.lower(): c for c in clients}
    promises = {p.name.lower(): p for p in BrandPromise.objects.filter(firm=firm, active=True)}
    existing = set(
        ClientExpectation.objects.filter(firm=firm).values_list("client_id", "brand_promise_id")
    )
    seen: dict[tuple[int, int], int] = {}
    rows = []
    for line, values in records:
        external, name = values.get("client_external_id", ""), values.get("client", "")
        row = ExpectationRow(line=line, client_ref=external or name, promise_ref="")
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
        row.promise_ref = values.get("promise", "")
        row.promise = promises.get(row.promise_ref.lower())
        if row.promise is None:
            row.errors.append(
                f"no active promise named {row.promise_ref!r}"
                if row.promise_ref
                else "promise is required"
            )
        row.weight = _weight(values.get("weight", ""), row.errors)
        if not row.errors and row.client and row.promise:
            key = (row.client.pk, row.promise.pk)
            first = seen.setdefault(key, line)
            if first != line:
                row.errors.append(f"same client and promise as line {first}")
            else:
                row.action = "update" if key in existing else "new"
        rows.append(row)
    _check_totals(rows)
    return rows


def _check_totals(rows: list[ExpectationRow]) -> None:
    """A client whose weights in the file are all zero would have no expectation at all."""
    totals: dict[int, float] = defaultdict(float)
    for row in rows:
        if row.client is not None and row.weight is not None:
            totals[row.client.pk] += row.weight
    for row in rows:
        if row.client is not None and row.weight is not None and totals[row.client.pk] <= 0:
            row.errors.append(f"every weight of {row.client.name} is zero")
            row.action = ""


def expectation_csv_parse(*, firm: Firm, text: str) -> list[ExpectationRow]:
    """Every data row of an expectations CSV with its errors; ImportFileError when the header
    lacks a needed column or there are too many rows."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("promise", "weight") if c not in header]
    if not {"client", "client_external_id"} & set(header):
        missing.insert(0, "client or client_external_id")
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

    return expectation_rows_check(firm=firm, records=records())


def expectation_errors(rows: list[ExpectationRow]) -> dict[int, list[str]]:
    return {row.line: row.errors for row in rows if row.errors}


@transaction.atomic
def expectations_import(*, firm: Firm, rows: list[ExpectationRow], actor: object = None) -> int:
    """Write checked rows, all or none: raises ValidationError (line: errors) when any row has
    an error. Returns the number of clients whose expectations were set."""
    errors = expectation_errors(rows)
    if errors:
        raise ValidationError(
            [f"line {line}: {'; '.join(messages)}" for line, messages in errors.items()]
        )
    per_client: dict[int, tuple[Client, dict[int, float]]] = {}
    for row in rows:
        assert row.client is not None and row.promise is not None and row.weight is not None
        per_client.setdefault(row.client.pk, (row.client, {}))[1][row.promise.pk] = row.weight
    for client, weights in per_client.values():
        client_expectations_set(
            client=client, weights=weights, actor=actor, source=ExpectationSource.IMPORTED
        )
    return len(per_client)


def expectation_template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in TEMPLATE_ROWS:
        writer.writerow([csv_cell_safe(v) for v in row])
    return out.getvalue()
