"""The promise gap pages: the expectations editor (its account manager or an admin), the
firm's matrix (scoped to the member's clients), the client page's section and the import."""

import pytest
from django.urls import reverse

from feedback.lens.services import client_expectations_set
from feedback.models import ClientExpectation
from tests.factories import ClientFactory
from tests.feedback.conftest import browser_for
from tests.feedback.lens.conftest import mention

pytestmark = pytest.mark.django_db


def _form(promises, **by_name: str) -> dict[str, str]:
    return {f"promise_{p.pk}": by_name.get(n, "0") for n, p in promises.items()}


def test_an_account_manager_sets_their_clients_expectations(client_of, promises, account_manager):
    # given
    browser = browser_for(account_manager)
    url = reverse("lens:expectations", kwargs={"pk": client_of.pk})
    assert "Responsiveness" in browser.get(url).content.decode()

    # when they weigh responsiveness 9 and expertise 3
    response = browser.post(url, _form(promises, Responsiveness="9", Expertise="3"))

    # then the weights are stored normalised and they are back on the client page
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:client", kwargs={"pk": client_of.pk})
    stored = dict(
        ClientExpectation.objects.filter(client=client_of).values_list(
            "brand_promise__name", "weight"
        )
    )
    assert stored == {"Responsiveness": pytest.approx(0.75), "Expertise": pytest.approx(0.25)}
    # and the form shows them again on the 0-10 scale (the top promise at 10)
    page = browser.get(url).content.decode()
    assert f'name="promise_{promises["Responsiveness"].pk}" value="10.0"' in page


@pytest.mark.parametrize("values", [{}, {"Network": "-1"}, {"Network": "11"}, {"Network": "lots"}])
def test_bad_weights_are_refused_with_400_and_nothing_stored(
    client_of, promises, admin_member, values
):
    url = reverse("lens:expectations", kwargs={"pk": client_of.pk})
    response = browser_for(admin_member).post(url, _form(promises, **values))
    assert response.status_code == 400
    assert not ClientExpectation.objects.exists()


def test_an_account_manager_cannot_set_another_managers_client(firm, promises, account_manager):
    initech = ClientFactory(firm=firm, name="Initech")
    url = reverse("lens:expectations", kwargs={"pk": initech.pk})
    response = browser_for(account_manager).post(url, _form(promises, Network="5"))
    assert response.status_code == 404
    assert not ClientExpectation.objects.exists()


def test_the_firm_page_lists_the_account_managers_clients_at_risk_only(
    firm, client_of, promises, api_source, account_manager, admin_member
):
    # given Globex (the AM's) and Initech (not theirs), each with its top promise negative
    initech = ClientFactory(firm=firm, name="Initech")
    for client in (client_of, initech):
        client_expectations_set(client=client, weights={promises["Expertise"].pk: 1})
        mention(api_source, client, promises["Expertise"], "negative", count=3)

    # when each opens the promise gap page
    mine = browser_for(account_manager).get(reverse("lens:overview")).content.decode()
    firm_wide = browser_for(admin_member).get(reverse("lens:overview") + "?days=30")

    # then the account manager's lists Globex only, as an early warning and at risk
    assert "Globex Corp</a>: its most important promise, Expertise, has turned negative" in mine
    assert "Initech" not in mine
    assert 'class="dot q-at-risk"' in mine
    body = firm_wide.content.decode()
    assert "Initech" in body and "over the last 30 days" in body


def test_the_client_page_leads_with_its_at_risk_promise_and_offers_the_editor(
    client_of, promises, api_source, account_manager, analyst
):
    # given
    client_expectations_set(client=client_of, weights={promises["Responsiveness"].pk: 1})
    mention(api_source, client_of, promises["Responsiveness"], "negative", count=3)
    url = reverse("dashboards:client", kwargs={"pk": client_of.pk})

    # when the account manager and an analyst open it
    page = browser_for(account_manager).get(url).content.decode()
    seen = browser_for(analyst).get(url).content.decode()

    # then the at-risk promise and the warning are there; only the manager may edit
    assert "At risk: <strong>Responsiveness</strong> (-1.00 over 3 mentions)" in page
    assert 'id="client-gap-warning"' in page
    assert 'id="expectations-link"' in page
    assert 'id="client-gap-warning"' in seen and 'id="expectations-link"' not in seen


def test_an_admin_previews_and_confirms_an_expectations_file(
    client_of, promises, admin_member, tmp_path
):
    # given
    browser = browser_for(admin_member)
    path = tmp_path / "expectations.csv"
    path.write_text("client,promise,weight\nGlobex Corp,Network,2\n", encoding="utf-8")

    # when the file is previewed, then confirmed
    with path.open("rb") as upload:
        preview = browser.post(reverse("expectations:import"), {"file": upload})
    token = preview.context["token"]
    done = browser.post(reverse("expectations:import_confirm"), {"token": token})

    # then the client's expectations are the file's
    assert preview.status_code == 200 and "1 rows ready" in preview.content.decode()
    assert done.status_code == 302 and done["Location"] == reverse("lens:overview")
    assert list(ClientExpectation.objects.values_list("brand_promise__name", "weight")) == [
        ("Network", 1.0)
    ]
