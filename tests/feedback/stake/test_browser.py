"""In the browser: an admin imports a fees CSV (a bad file is refused whole, row by row), then
sees revenue at risk and churn; an account manager sees only their own clients."""

import pytest
from django.utils import timezone

from feedback.models import Analysis, ClientFee
from feedback.stake.churn import quarter_add, quarter_label, quarter_of, quarter_start
from tests.browser import ARTIFACTS, axe_serious_violations, chromium_page
from tests.factories import ClientFactory, FeedbackFactory
from tests.feedback.test_browser import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _months_ago(n: int) -> str:
    """YYYY-MM of the first month of the quarter n quarters before this one."""
    return f"{quarter_start(quarter_add(quarter_of(timezone.localdate()), -n)):%Y-%m}"


@pytest.fixture
def clients(firm, client_of, api_source):
    """Globex (the account manager's) talks of leaving; Initech is quiet and content."""
    item = FeedbackFactory(source=api_source, client=client_of, text="We are moving our work.")
    Analysis.objects.create(
        feedback=item,
        firm=firm,
        text_hash=item.text_hash,
        model_version="t",
        sentiment="negative",
        sentiment_value=-0.8,
        intent_flag=True,
    )
    return client_of, ClientFactory(firm=firm, name="Initech", external_id="CRM-2")


def _csv(tmp_path, rows: list[str], name: str):
    path = tmp_path / name
    header = "client_external_id,client,month,amount,currency\n"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_an_admin_imports_fees_and_sees_revenue_at_risk_and_churn(
    live_server, admin_member, account_manager, clients, tmp_path
):
    # given: Globex paid in the last two quarters, Initech only in the one before (it churned)
    good = [
        f",Globex Corp,{_months_ago(2)},40000,GBP",
        f",Globex Corp,{_months_ago(1)},35000,GBP",
        f"CRM-2,,{_months_ago(2)},9000,GBP",
    ]
    bad = [*good, f",Nobody Ltd,{_months_ago(1)},100,GBP"]
    url = live_server.url
    with chromium_page(width=1280, height=900) as page:
        sign_in(page, live_server, admin_member)

        # when they upload a file with one bad row
        page.goto(f"{url}/settings/fees/import/")
        page.set_input_files("#id_file", _csv(tmp_path, bad, "bad.csv"))
        page.click("button:has-text('Preview')")
        page.wait_for_selector("#fee-preview")

        # then the bad row says why, there is nothing to confirm and nothing is stored
        assert "no client named 'Nobody Ltd'" in page.inner_text("#fee-preview tr.row-error")
        assert "nothing will be imported" in page.inner_text("#fee-summary")
        assert page.locator("#fee-confirm").count() == 0
        assert ClientFee.objects.count() == 0
        assert axe_serious_violations(page) == []

        # when they upload the fixed file and confirm
        page.click("text=Upload another file")
        page.set_input_files("#id_file", _csv(tmp_path, good, "fees.csv"))
        page.click("button:has-text('Preview')")
        page.wait_for_selector("#fee-confirm")
        assert page.locator("#fee-preview tr.row-ok").count() == 3
        page.click("#fee-confirm")
        page.wait_for_selector("#risk-table")

        # then the page shows Globex's fees at risk with the reason and a link to the client,
        # and Initech's departure in the churn of the last quarter
        assert "3 fee periods added" in page.inner_text(".messages")
        risk = page.inner_text("#risk-table")
        assert "Globex Corp" in risk and "GBP 75,000" in risk and "Intent to leave" in risk
        assert "Initech" not in risk
        assert "GBP 75,000 of GBP 84,000" in page.inner_text("#risk-total")
        last = quarter_label(quarter_add(quarter_of(timezone.localdate()), -1))
        churn_row = page.locator("#churn-table tr", has_text=last).inner_text()
        assert "\t2\t1\t50%\t50%" in churn_row
        # (Globex's talk of leaving came after that quarter began: it foretold nothing)
        assert "AUC 0.50 over 2 client-quarters (1 churned)" in page.inner_text("#health-auc")
        assert axe_serious_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "stake-overview.png"), full_page=True)
        page.click("#risk-table a:has-text('Globex Corp')")
        page.wait_for_selector("#health-score")
        assert f"/dashboard/clients/{clients[0].pk}/" in page.url

    with chromium_page(width=390, height=844) as page:
        # and the account manager sees their own client's fees only
        sign_in(page, live_server, account_manager)
        page.goto(f"{url}/dashboard/stake/")
        assert "GBP 75,000 of GBP 75,000" in page.inner_text("#risk-total")
        assert page.locator("#fee-import-link").count() == 0
