"""Browser test: an analyst searches a phrase, filters by a promise spoken of negatively and a
date range, opens an item, goes back, saves the view and exports the result as CSV."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from feedback.models import SavedView
from tests.feedback.test_browser import ARTIFACTS, page, sign_in  # noqa: F401 - `page` fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_searches_filters_opens_an_item_saves_the_view_and_exports_csv(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    analyst,
    corpus,
):
    today = timezone.localdate()
    start, end = (today - timedelta(days=7)).isoformat(), today.isoformat()

    # when the analyst searches a phrase, then narrows to negative "Responsiveness", last week
    sign_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/feedback/")
    assert page.inner_text("#result-count").startswith("3 items")
    page.fill("#id_q", '"the team"')
    page.click("#apply-filters")
    page.wait_for_url("**/feedback/?*")
    assert page.inner_text("#result-count").startswith("2 items")
    page.select_option("#id_promise", str(corpus.speed.pk))
    page.select_option("#id_promise_sentiment", "negative")
    page.fill("#id_from", start)
    page.fill("#id_to", end)
    page.click("#apply-filters")
    page.wait_for_selector("#result-count:has-text('1 item')")
    page.screenshot(path=str(ARTIFACTS / "explorer.png"), full_page=True)

    # then only the slow reply is listed
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-item") == str(corpus.slow.pk)
    assert "Responsiveness: negative" in rows.first.inner_text()
    filtered_url = page.url

    # when they open it, its page shows text, analysis with evidence and history
    rows.first.locator("a.item-link").click()
    page.wait_for_selector("#analysis")
    assert page.url == f"{live_server.url}/feedback/{corpus.slow.pk}/"
    assert "slow to reply" in page.inner_text(".feedback-text")
    evidence = page.inner_text("#promises tr[data-promise='Responsiveness']")
    assert "The team was slow to reply to our emails" in evidence
    assert "test-1: negative" in page.inner_text("#history")

    # and go back: the same filters, the same result
    page.go_back()
    page.wait_for_selector("#result-count")
    assert page.url == filtered_url
    assert page.input_value("#id_q") == '"the team"'
    assert page.inner_text("#result-count").startswith("1 item")

    # when they save the view, shared with the firm
    _save_view(page, "Slow replies last week")

    # then it is stored with these filters and opens them again
    view = SavedView.objects.get(owner=analyst)
    assert view.shared and view.name == "Slow replies last week"
    for part in (f"promise={corpus.speed.pk}", "promise_sentiment=negative", f"from={start}"):
        assert part in view.query
    page.goto(f"{live_server.url}/feedback/")
    page.click("#saved-views a.saved-view")
    page.wait_for_selector("#result-count:has-text('1 item')")

    # when they export the result, the file holds exactly that item, rounded
    name, rows = _download_csv(page)
    assert [int(r["id"]) for r in rows] == [corpus.slow.pk]
    assert rows[0]["sentiment_value"] == "-0.9"
    assert rows[0]["promises"] == "Responsiveness: negative"
    assert name.startswith("earshot-feedback-")


def _download_csv(page) -> tuple[str, list[dict]]:  # noqa: F811 - the fixture's name
    with page.expect_download() as download:
        page.click("#export-csv")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    return download.value.suggested_filename, list(csv.DictReader(io.StringIO(content)))


def _save_view(page, name: str) -> None:  # noqa: F811 - the fixture's name
    page.fill("#view-name", name)
    page.check("#view-shared")
    page.click("#save-view button[type=submit]")
    page.wait_for_selector(f"#saved-views li[data-view='{name}']")
