"""In the browser: an account manager sets what their client expects of the firm, then sees
the promise that matters most to it at risk, on the client page and on the promise gap page."""

import pytest

from tests.browser import ARTIFACTS, axe_serious_violations, chromium_page, no_horizontal_overflow
from tests.feedback.lens.conftest import mention
from tests.feedback.test_browser import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_account_manager_sets_expectations_and_sees_the_at_risk_promise(
    live_server, account_manager, client_of, promises, api_source
):
    # given Globex's recent comments speak badly of responsiveness and well of expertise
    mention(api_source, client_of, promises["Responsiveness"], "negative", count=3)
    mention(api_source, client_of, promises["Expertise"], "positive", count=3)
    url = live_server.url
    with chromium_page(width=1280, height=900) as page:
        csp_violations: list[str] = []
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text),
        )
        sign_in(page, live_server, account_manager)

        # when they open their client's page, which has no expectations yet
        page.goto(f"{url}/dashboard/clients/{client_of.pk}/")
        assert "has not stated what it expects" in page.inner_text("#client-gap")

        # and say Globex chose the firm for responsiveness (9) more than expertise (3)
        page.click("#expectations-link")
        page.wait_for_selector("#expectations-form")
        assert axe_serious_violations(page) == []
        page.fill("label:has-text('Responsiveness') + input", "9")
        page.fill("label:has-text('Expertise') + input", "3")
        page.click("#expectations-form button[type=submit]")
        page.wait_for_selector("#client-gap-at-risk")

        # then the client page leads with responsiveness at risk, and warns
        assert "Saved what Globex Corp expects" in page.inner_text(".messages")
        assert "At risk: Responsiveness (-1.00 over 3 mentions)" in page.inner_text(
            "#client-gap-at-risk"
        )
        assert "Responsiveness, the promise that matters most" in page.inner_text(
            "#client-gap-warning"
        )
        rows = page.inner_text("#client-gap-table")
        assert "Responsiveness\t0.75\t-1.00\t3" in rows and "at risk" in rows
        assert "Expertise\t0.25\t1.00\t3" in rows and "over-served" in rows
        assert axe_serious_violations(page) == []

        # when they open the promise gap page over their clients
        page.goto(f"{url}/dashboard/promise-gap/")

        # then Globex is an early warning, its at-risk promise is listed, and the matrix
        # draws it in the at-risk quadrant
        assert "Globex Corp: its most important promise, Responsiveness" in page.inner_text(
            "#gap-warnings"
        )
        assert "Responsiveness: importance 0.75" in page.inner_text("#gap-at-risk")
        dot = page.locator("#firm-matrix g.q-at-risk")
        assert dot.count() == 1 and "Responsiveness" in (dot.text_content() or "")
        assert axe_serious_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "promise-gap.png"), full_page=True)
        # and no page broke the Content-Security-Policy (no inline script or style)
        assert csp_violations == []

    with chromium_page(width=390, height=844) as page:
        # and on a phone the page fits the screen
        sign_in(page, live_server, account_manager)
        page.goto(f"{url}/dashboard/promise-gap/")
        assert page.locator("#firm-matrix").is_visible()
        assert no_horizontal_overflow(page)


def _csv(tmp_path, rows: list[str], name: str) -> str:
    path = tmp_path / name
    path.write_text("client_external_id,client,promise,weight\n" + "\n".join(rows) + "\n")
    return str(path)


def test_an_admin_imports_expectations_a_bad_file_refused_whole(
    live_server, admin_member, client_of, promises, tmp_path
):
    # given a file with a row naming a promise the firm does not make
    good = [",Globex Corp,Responsiveness,4", ",Globex Corp,Network,1"]
    bad = [*good, ",Globex Corp,Kindness,2"]
    url = live_server.url
    with chromium_page(width=1280, height=900) as page:
        sign_in(page, live_server, admin_member)

        # when they upload it
        page.goto(f"{url}/settings/expectations/import/")
        page.set_input_files("#id_file", _csv(tmp_path, bad, "bad.csv"))
        page.click("button:has-text('Preview')")
        page.wait_for_selector("#expectation-preview")

        # then the bad row says why and nothing can be confirmed
        assert "no active promise named 'Kindness'" in page.inner_text(
            "#expectation-preview tr.row-error"
        )
        assert "nothing will be imported" in page.inner_text("#expectation-summary")
        assert page.locator("#expectation-confirm").count() == 0
        assert axe_serious_violations(page) == []

        # when they upload the fixed file and confirm
        page.click("text=Upload another file")
        page.set_input_files("#id_file", _csv(tmp_path, good, "expectations.csv"))
        page.click("button:has-text('Preview')")
        page.click("#expectation-confirm")
        page.wait_for_selector("#firm-gap")

        # then the firm's importance is Globex's: 80% responsiveness, 20% the network
        assert "expectations set for 1 client." in page.inner_text(".messages")
        table = page.inner_text("#firm-gap")
        assert "Responsiveness\t0.80" in table and "Network\t0.20" in table
        # and what attracts clients, by segment (Globex has none)
        assert "No segment\t1\t0.00\t0.20\t0.80" in page.inner_text("#gap-segments")
        assert axe_serious_violations(page) == []
