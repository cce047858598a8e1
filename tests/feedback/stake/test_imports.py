"""The fee import: per-row errors, all rows or none, idempotent, clients by external id or name."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from feedback.models import ClientFee
from feedback.stake.imports import fee_csv_parse, fee_template_csv, fees_import
from feedback.workspace.services.imports import ImportFileError
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

HEADER = "client_external_id,client,month,period_start,period_end,amount,currency\n"


@pytest.fixture
def clients(firm, other_firm):
    return (
        ClientFactory(firm=firm, name="Globex Corp", external_id="CRM-7"),
        ClientFactory(firm=firm, name="Initech"),
        ClientFactory(firm=other_firm, name="Rival's Client", external_id="CRM-9"),
    )


def test_rows_name_clients_by_external_id_or_name_and_periods_by_month_or_dates(firm, clients):
    # given
    text = HEADER + 'crm-7,,2026-02,,,"1,250.50",gbp\n,initech,,2026-01-01,2026-03-31,900,EUR\n'

    # when
    rows = fee_csv_parse(firm=firm, text=text)
    outcome = fees_import(firm=firm, rows=rows)

    # then
    assert [r.errors for r in rows] == [[], []]
    assert (outcome.created, outcome.updated) == (2, 0)
    globex = ClientFee.objects.get(client=clients[0])
    assert (globex.period_start, globex.period_end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (globex.amount, globex.currency) == (Decimal("1250.50"), "GBP")
    assert ClientFee.objects.get(client=clients[1]).period_end == date(2026, 3, 31)


def test_each_bad_row_gets_its_own_error_and_nothing_is_imported(firm, clients):
    # given a file whose first row is fine and every other row is wrong in its own way
    text = HEADER + (
        "CRM-7,,2026-01,,,100,GBP\n"
        "CRM-9,,2026-01,,,100,GBP\n"  # another firm's client
        ",Nobody Ltd,2026-01,,,100,GBP\n"
        ",Initech,2026-13,,,100,GBP\n"
        ",Initech,,2026-03-01,2026-01-31,100,GBP\n"
        ",Initech,2026-01,,,-5,GBP\n"
        ",Initech,2026-02,,,ten,GBP\n"
        ",Initech,2026-03,,,10,pounds\n"
        ",,2026-01,,,10,GBP\n"
        "CRM-7,,2026-01,,,200,GBP\n"  # same period as line 2
    )

    # when
    rows = fee_csv_parse(firm=firm, text=text)

    # then every error names what is wrong, on its own line
    errors = {r.line: r.errors for r in rows}
    assert errors[2] == []
    assert errors[3] == ["no client with external id 'CRM-9'"]
    assert errors[4] == ["no client named 'Nobody Ltd'"]
    assert errors[5] == ["month '2026-13' is not a month (YYYY-MM)"]
    assert errors[6] == ["period_end is before period_start"]
    assert "between 0 and" in errors[7][0]
    assert errors[8] == ["amount 'ten' is not a number"]
    assert "3-letter code" in errors[9][0]
    assert errors[10] == ["client_external_id or client is required"]
    assert errors[11] == ["same client, period and currency as line 2"]
    # and importing refuses the whole file: not even the good row is written
    with pytest.raises(ValidationError) as caught:
        fees_import(firm=firm, rows=rows)
    assert "line 3: no client with external id 'CRM-9'" in caught.value.messages
    assert ClientFee.objects.count() == 0


def test_importing_again_replaces_amounts_and_changes_nothing_else(firm, clients):
    # given
    first = HEADER + "CRM-7,,2026-01,,,100,GBP\nCRM-7,,2026-02,,,100,GBP\n"
    fees_import(firm=firm, rows=fee_csv_parse(firm=firm, text=first))

    # when the same file comes again, then with one amount corrected
    again = fees_import(firm=firm, rows=fee_csv_parse(firm=firm, text=first))
    corrected = first.replace("2026-02,,,100", "2026-02,,,150")
    rows = fee_csv_parse(firm=firm, text=corrected)
    outcome = fees_import(firm=firm, rows=rows)

    # then
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert [r.action for r in rows] == ["unchanged", "update"]
    assert (outcome.updated, outcome.unchanged) == (1, 1)
    assert sorted(ClientFee.objects.values_list("amount", flat=True)) == [100, 150]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("client,month,amount\n", "currency"),
        ("amount,currency,month\n", "client or client_external_id"),
        ("client,amount,currency\n", "month or period_start/period_end"),
    ],
)
def test_a_header_without_a_needed_column_is_refused(firm, header, missing):
    with pytest.raises(ImportFileError, match=missing):
        fee_csv_parse(firm=firm, text=header + "x,y,z\n")


def test_the_template_parses_with_only_unknown_client_errors(firm):
    rows = fee_csv_parse(firm=firm, text=fee_template_csv())
    assert [r.errors for r in rows] == [
        ["no client with external id 'CRM-1001'"],
        ["no client named 'Example Industries Ltd'"],
    ]
