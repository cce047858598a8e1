"""Client expectations: set (normalised, replacing the client's set) and imported from CSV
(per-row errors, all or nothing, idempotent)."""

import pytest
from django.core.exceptions import ValidationError

from feedback.lens.imports import (
    expectation_csv_parse,
    expectation_template_csv,
    expectations_import,
)
from feedback.lens.services import client_expectations_set
from feedback.models import AuditEvent, ClientExpectation, ExpectationSource
from feedback.workspace.services.imports import ImportFileError
from tests.factories import BrandPromiseFactory, ClientFactory

pytestmark = pytest.mark.django_db


def _stored(client) -> dict[str, float]:
    return {
        e.brand_promise.name: round(e.weight, 4)
        for e in ClientExpectation.objects.filter(client=client).select_related("brand_promise")
    }


def test_weights_are_normalised_and_replace_the_clients_set(client_of, promises, account_manager):
    # given Globex once valued the network
    client_expectations_set(client=client_of, weights={promises["Network"].pk: 5})

    # when its account manager says 6 for responsiveness, 2 for expertise, 0 for the network
    client_expectations_set(
        client=client_of,
        weights={
            promises["Responsiveness"].pk: 6,
            promises["Expertise"].pk: 2,
            promises["Network"].pk: 0,
        },
        actor=account_manager.user,
    )

    # then the weights sum to one, the network no longer counts, and it is audited
    assert _stored(client_of) == {"Responsiveness": 0.75, "Expertise": 0.25}
    event = AuditEvent.objects.filter(action="client.expectations_set").latest("created_at")
    assert event.actor == account_manager.user and event.object_id == str(client_of.pk)


@pytest.mark.parametrize("weights", [{}, {"Network": 0}, {"Network": -1}, {"Network": 1e9}])
def test_no_weight_above_zero_or_a_weight_out_of_range_is_refused(client_of, promises, weights):
    with pytest.raises(ValidationError):
        client_expectations_set(
            client=client_of, weights={promises[n].pk: w for n, w in weights.items()}
        )
    assert not ClientExpectation.objects.exists()


def test_another_firms_promise_is_refused(client_of, promises, other_firm):
    rival = BrandPromiseFactory(firm=other_firm, name="Rival promise")
    with pytest.raises(ValidationError):
        client_expectations_set(client=client_of, weights={rival.pk: 1})
    assert not ClientExpectation.objects.exists()


CSV = "client_external_id,client,promise,weight\n"


def test_a_file_with_one_bad_row_is_refused_whole_with_each_rows_error(firm, client_of, promises):
    # given a file with a good row and four bad ones
    ClientFactory(firm=firm, name="Initech", external_id="CRM-2")
    text = CSV + (
        ",Globex Corp,Responsiveness,5\n"
        "CRM-9,,Expertise,1\n"
        ",Globex Corp,Kindness,1\n"
        ",Globex Corp,Responsiveness,2\n"
        "CRM-2,,Expertise,zero\n"
    )

    # when it is checked
    rows = expectation_csv_parse(firm=firm, text=text)

    # then every bad row says why, and importing refuses the lot
    errors = {r.line: r.errors for r in rows if r.errors}
    assert errors == {
        3: ["no client with external id 'CRM-9'"],
        4: ["no active promise named 'Kindness'"],
        5: ["same client and promise as line 2"],
        6: ["weight 'zero' is not a number"],
    }
    with pytest.raises(ValidationError):
        expectations_import(firm=firm, rows=rows)
    assert not ClientExpectation.objects.exists()


def test_a_client_whose_weights_are_all_zero_is_an_error(firm, client_of, promises):
    rows = expectation_csv_parse(firm=firm, text=CSV + ",Globex Corp,Network,0\n")
    assert rows[0].errors == ["every weight of Globex Corp is zero"]


def test_a_good_file_sets_each_clients_expectations_and_importing_it_again_changes_nothing(
    firm, client_of, promises
):
    # given Globex valued the network before, and a file naming Globex and Initech
    initech = ClientFactory(firm=firm, name="Initech", external_id="CRM-2")
    client_expectations_set(client=client_of, weights={promises["Network"].pk: 1})
    text = CSV + (",globex corp,Responsiveness,3\n,Globex Corp,expertise,1\ncrm-2,,Network,4\n")

    # when it is imported twice
    for _ in range(2):
        rows = expectation_csv_parse(firm=firm, text=text)
        assert [r.action for r in rows] in (["new", "new", "new"], ["update", "update", "update"])
        assert expectations_import(firm=firm, rows=rows) == 2

    # then each client has exactly the file's weights, normalised, marked imported
    assert _stored(client_of) == {"Responsiveness": 0.75, "Expertise": 0.25}
    assert _stored(initech) == {"Network": 1.0}
    assert set(ClientExpectation.objects.values_list("source", flat=True)) == {
        ExpectationSource.IMPORTED
    }


def test_a_header_without_the_needed_columns_is_refused(firm):
    with pytest.raises(ImportFileError, match="client or client_external_id, weight"):
        expectation_csv_parse(firm=firm, text="name,promise\nGlobex,Expertise\n")


def test_the_template_parses_as_a_file_of_the_same_columns(firm):
    # the template's example clients do not exist here: each row says so, none lacks a column
    rows = expectation_csv_parse(firm=firm, text=expectation_template_csv())
    assert len(rows) == 3
    assert all(any("no client" in e for e in r.errors) for r in rows)
