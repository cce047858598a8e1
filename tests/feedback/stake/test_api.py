"""The fees API: import (admins and write keys; all rows or none) and revenue at risk (scoped
like the pages), across the personas of two firms."""

import pytest
from django.urls import reverse

from feedback.api_keys import api_key_create
from feedback.models import Analysis, ClientFee
from tests.factories import ClientFactory, FeedbackFactory
from tests.feedback.conftest import key_client, persona_browser
from tests.feedback.stake.conftest import fee_add

pytestmark = pytest.mark.django_db

ROWS = [
    {"client": "Globex Corp", "month": "2026-01", "amount": "1200.00", "currency": "GBP"},
    {"client_external_id": "CRM-2", "month": "2026-01", "amount": "800", "currency": "GBP"},
]


@pytest.fixture
def initech(firm):
    return ClientFactory(firm=firm, name="Initech", external_id="CRM-2")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("contact", 401),
        ("no_firm_user", 403),
        ("account_manager", 403),
        ("analyst", 403),
        ("admin", 200),
        # the other firm has no such clients: nothing of `firm` can be written from there
        ("outsider", 400),
    ],
)
def test_permission_matrix_for_the_fee_import(request, client_of, initech, persona, expected):
    response = persona_browser(request, persona).post(
        reverse("api-fee-import"), {"rows": ROWS}, content_type="application/json"
    )

    assert response.status_code == expected
    assert ClientFee.objects.count() == (2 if expected == 200 else 0)
    if expected == 200:
        assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}


def test_one_bad_row_refuses_the_whole_request_and_names_each_bad_row(
    admin_member, client_of, initech, request
):
    rows = [*ROWS, {"client": "Nobody", "month": "2026-1x", "amount": "-1", "currency": "GBP"}]

    response = persona_browser(request, "admin").post(
        reverse("api-fee-import"), {"rows": rows}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "rows": {
            "2": [
                "no client named 'Nobody'",
                "month '2026-1x' is not a month (YYYY-MM)",
                "amount '-1' must be between 0 and 999999999999.99",
            ]
        }
    }
    assert ClientFee.objects.count() == 0


def test_an_api_key_needs_the_write_scope_to_import(firm, admin_member, client_of, initech):
    _, read_only = api_key_create(firm=firm, name="BI", scopes=["read"], created_by=admin_member)
    _, writer = api_key_create(firm=firm, name="CRM", scopes=["write"], created_by=admin_member)
    url = reverse("api-fee-import")

    refused = key_client(read_only).post(url, {"rows": ROWS}, content_type="application/json")
    done = key_client(writer).post(url, {"rows": ROWS}, content_type="application/json")
    again = key_client(writer).post(url, {"rows": ROWS}, content_type="application/json")

    assert refused.status_code == 403
    assert done.status_code == 200
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}


@pytest.mark.parametrize(
    ("persona", "expected", "sees"),
    [
        ("anonymous", 401, None),
        ("contact", 401, None),
        ("no_firm_user", 403, None),
        ("account_manager", 200, ["Globex Corp"]),
        ("analyst", 200, ["Globex Corp", "Initech"]),
        ("admin", 200, ["Globex Corp", "Initech"]),
        ("outsider", 200, []),
    ],
)
def test_permission_matrix_for_revenue_at_risk(
    request, client_of, initech, api_source, persona, expected, sees
):
    # given two clients talking of leaving, with fees (the account manager manages Globex)
    for client in (client_of, initech):
        item = FeedbackFactory(source=api_source, client=client, text="We are moving our work.")
        fee_add(client, 1000)
        Analysis.objects.create(
            feedback=item,
            firm=item.firm,
            text_hash=item.text_hash,
            model_version="t",
            sentiment="negative",
            sentiment_value=-0.8,
            intent_flag=True,
        )

    response = persona_browser(request, persona).get(reverse("api-revenue-at-risk"))

    assert response.status_code == expected
    if sees is not None:
        body = response.json()
        assert [c["name"] for c in body["clients"]] == sees
        if sees:
            assert body["at_risk"] == {"GBP": f"{1000 * len(sees)}.00"}
            assert body["clients"][0]["reasons"] == ["Intent to leave: 1 comment in 90 days"]
