"""CSV import of clients and contacts: encodings, missing columns, duplicates, per-row errors,
idempotence, and an export that a spreadsheet cannot run as formulas."""

import csv
import io

import pytest

from feedback.models import Client, Contact
from feedback.workspace.services import imports

pytestmark = pytest.mark.django_db

HEADER = "client,segment,account_manager_email,contact_name,contact_email\n"


def _parse(firm, text: str):
    return imports.people_csv_parse(firm=firm, text=text)


def test_a_file_that_is_not_utf8_is_refused_with_a_way_to_fix_it():
    with pytest.raises(imports.ImportFileError) as error:
        imports.csv_text_decode("client\nCaf\u00e9 Ltd\n".encode("cp1252"))
    assert "UTF-8" in str(error.value)


def test_excels_utf8_byte_order_mark_is_accepted(firm):
    text = imports.csv_text_decode(("\ufeff" + HEADER + "Café Ltd,,,,\n").encode("utf-8"))
    (row,) = _parse(firm, text)
    assert row.client == "Café Ltd" and not row.errors


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(imports.ImportFileError):
        imports.csv_text_decode(b"x" * (imports.MAX_BYTES + 1))


def test_a_file_without_the_client_column_is_refused_naming_the_columns(firm):
    with pytest.raises(imports.ImportFileError) as error:
        _parse(firm, "name,email\nGlobex,pat@globex.example\n")
    assert "Missing column(s): client" in str(error.value)


def test_rows_with_errors_are_listed_by_line_and_skipped_while_the_others_are_imported(
    firm, admin_member
):
    # given
    text = (
        HEADER
        + "Globex Corp,Manufacturing,,Pat,pat@globex.example\n"
        + ",,,Nobody,nobody@x.example\n"
        + "Globex Corp,,,Pat again,PAT@globex.example\n"
        + "Initech,,ghost@acme.example,Sam,not-an-email\n"
        + ",,,,\n"
        + f"Initech,Tech,{admin_member.user.email},,\n"
    )

    # when
    rows = _parse(firm, text)
    outcome = imports.people_csv_apply(firm=firm, text=text)

    # then
    errors = {row.line: row.errors for row in rows if row.errors}
    assert errors == {
        3: ["client is empty"],
        4: ["contact_email repeats line 2"],
        5: [
            "no active member with e-mail ghost@acme.example",
            "'not-an-email' is not an e-mail address",
        ],
    }
    assert (outcome.clients_created, outcome.contacts_created, outcome.rows_skipped) == (2, 1, 3)
    initech = Client.objects.get(firm=firm, name="Initech")
    assert initech.segment == "Tech" and list(initech.account_managers.all()) == [admin_member]
    assert Contact.objects.get(firm=firm).email == "pat@globex.example"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(firm):
    text = HEADER + "Globex Corp,Manufacturing,,Pat,pat@globex.example\nInitech,,,,\n"
    first = imports.people_csv_apply(firm=firm, text=text)
    rows = _parse(firm, text)
    second = imports.people_csv_apply(firm=firm, text=text)
    assert (first.clients_created, first.contacts_created) == (2, 1)
    assert rows[0].actions == ["existing client", "update contact"]
    assert (second.clients_created, second.clients_updated, second.contacts_created) == (0, 0, 0)
    assert second.contacts_updated == 0
    assert Client.objects.filter(firm=firm).count() == 2


def test_a_known_contact_is_moved_to_the_client_the_file_names(firm, client_of):
    Contact.objects.create(firm=firm, client=client_of, email="pat@globex.example", name="Pat")
    text = HEADER + "Initech,,,Pat Jones,pat@globex.example\n"
    (row,) = _parse(firm, text)
    assert row.actions == ["new client", "update contact", "moves from Globex Corp"]
    imports.people_csv_apply(firm=firm, text=text)
    contact = Contact.objects.get(firm=firm, email="pat@globex.example")
    assert (contact.client.name, contact.name) == ("Initech", "Pat Jones")


def test_another_firms_contact_with_the_same_email_is_left_alone(firm, other_firm):
    from tests.factories import ContactFactory

    theirs = ContactFactory(client__firm=other_firm, email="pat@globex.example")
    imports.people_csv_apply(firm=firm, text=HEADER + "Globex Corp,,,Pat,pat@globex.example\n")
    theirs.refresh_from_db()
    assert theirs.firm == other_firm and theirs.client.firm == other_firm
    assert Contact.objects.filter(firm=firm, email="pat@globex.example").exists()


def test_the_export_keeps_formulas_as_text_and_reimports_unchanged(firm, client_of):
    # given a contact whose name a spreadsheet would run
    Contact.objects.create(
        firm=firm, client=client_of, email="evil@globex.example", name='=HYPERLINK("http://x")'
    )

    # when
    body = imports.people_csv_export(firm=firm)

    # then
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(imports.COLUMNS)
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert imports.people_csv_apply(firm=firm, text=body).clients_created == 0


def test_the_template_parses_without_errors(firm):
    text = imports.people_csv_export(firm=firm, rows=list(imports.TEMPLATE_ROWS))
    assert all(not row.errors for row in _parse(firm, text))
