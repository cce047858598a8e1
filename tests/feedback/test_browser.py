"""Browser tests: Playwright drives Debian's Chromium against a live server.

Needs `apt-get install chromium`; screenshots are saved under var/test-artifacts/ (or
$TEST_ARTIFACTS_DIR) for CI to keep."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import Case, CaseStatus
from feedback.tasks import on_analysed
from tests.browser import ARTIFACTS, CHROMIUM
from tests.feedback.conftest import analyse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def sign_in(page, live_server, member) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", member.user.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")


def test_account_manager_resolves_a_flagged_comment(
    page, live_server, complaint, account_manager, promise
):
    # given
    analyse(
        complaint,
        negative=0.95,
        themes=[(promise, "negative", 0.7, ["Nobody answered my calls for a week."])],
    )
    (case_id,) = on_analysed([complaint.pk])

    # when: sign in, open my queue, open the case, acknowledge, reply, resolve
    sign_in(page, live_server, account_manager)
    page.goto(f"{live_server.url}/review/?view=mine")
    page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)
    page.click("table.queue a")
    page.wait_for_selector("mark")
    page.click("text=Acknowledge")
    page.wait_for_selector("#case-status:has-text('Acknowledged')")
    page.fill("textarea[name=body][placeholder^='Reply']", "Sorry Pat, I will call you today.")
    page.click("text=Send reply")
    page.wait_for_selector("li.event-reply")
    page.select_option("select[name=outcome]", "addressed")
    page.click("button:has-text('Resolve')")
    page.wait_for_selector("#case-status:has-text('Resolved')")
    page.screenshot(path=str(ARTIFACTS / "case-resolved.png"), full_page=True)

    # then
    case = Case.objects.get(pk=case_id)
    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_at <= timezone.now()
    assert list(case.events.values_list("kind", flat=True)) == [
        "opened",
        "acknowledged",
        "reply",
        "resolved",
    ]


def test_dashboard_renders_its_charts(page, live_server, complaint, admin_member, promise):
    # given
    analyse(
        complaint,
        negative=0.9,
        emotions={"anger": 0.8},
        themes=[(promise, "negative", 0.7, ["Nobody answered my calls for a week."])],
    )
    on_analysed([complaint.pk])

    # when
    sign_in(page, live_server, admin_member)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("canvas[data-rendered='1']")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # then
    rendered = page.eval_on_selector_all("canvas[data-rendered='1']", "els => els.length")
    assert rendered == 3  # sentiment, emotions, promises (no survey scores in this data)
    assert page.inner_text("#open-cases") == "1"

    # when the admin picks a custom range that ends before the complaint arrived
    today = timezone.localdate()
    page.select_option("#period-days", "custom")
    page.fill("#period-from", (today - timedelta(days=60)).isoformat())
    page.fill("#period-to", (today - timedelta(days=30)).isoformat())
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")

    # then every tile reads those days: no open case, and the range stays in the form
    assert "days=custom" in page.url
    assert page.inner_text("#open-cases") == "0"
    assert page.input_value("#period-from") == (today - timedelta(days=60)).isoformat()
