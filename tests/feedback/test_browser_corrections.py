"""Browser test: an account manager corrects a promise's polarity and an item's sentiment, and
every page (case, item, client timeline, dashboard scorecard) and the API show the correction."""

import pytest

from feedback.models import Case, CaseOutcome, CaseStatus, TagCorrection
from feedback.tasks import on_analysed
from tests.factories import BrandPromiseFactory, FeedbackFactory
from tests.feedback.conftest import analyse
from tests.feedback.test_browser import ARTIFACTS, page, sign_in  # noqa: F401 - `page` fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEES = "Great outcome. Fees were exactly as quoted, no surprises on the invoice."


def test_account_manager_corrects_a_promise_and_the_sentiment_and_sees_it_everywhere(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    account_manager,
    client_of,
    api_source,
    firm,
):
    # given praise the model read as neutral with "Value for money" negative, which opened a case
    value = BrandPromiseFactory(firm=firm, name="Value for money")
    item = FeedbackFactory(source=api_source, client=client_of, text=FEES)
    analyse(
        item,
        sentiment="neutral",
        negative=0.3,
        themes=[(value, "negative", 0.6, ["Fees were exactly as quoted, no surprises."])],
    )
    (case_id,) = on_analysed([item.pk])
    url = live_server.url

    # when the account manager goes from the case to the item's page and corrects both tags
    sign_in(page, live_server, account_manager)
    page.goto(f"{url}/review/cases/{case_id}/")
    page.click("#item-link")
    page.wait_for_selector("#correct-polarity")
    page.select_option("#correct-polarity select[name=key]", str(value.pk))
    page.select_option("#correct-polarity select[name=value]", "positive")
    page.click("#correct-polarity button")
    page.wait_for_selector("#promises .polarity.s-positive")
    page.select_option("#correct-sentiment select[name=value]", "positive")
    page.click("#correct-sentiment button")
    page.wait_for_selector("#sentiment.s-positive")
    page.screenshot(path=str(ARTIFACTS / "item-corrected.png"), full_page=True)

    # then the item's page shows the corrected tags, by whom, and the case closed as an error
    assert "corrected by amy-am" in page.inner_text("#analysis")
    assert page.inner_text("#promises tr[data-promise='Value for money'] .polarity") == "positive"
    assert "Flagged in error" in page.inner_text(".feedback-card")
    corrections = page.inner_text("#corrections table")
    assert "polarity: Value for money" in corrections and "negative" in corrections

    # and the case page
    page.click("#case-link")
    page.wait_for_selector("#case-status")
    assert page.inner_text("#sentiment") == "Positive"
    assert page.inner_text("#promises li[data-promise='Value for money'] .polarity") == "positive"
    assert "corrected by amy-am" in page.inner_text("#promises")
    assert page.inner_text("#case-status") == "Resolved"

    # and the client timeline
    page.goto(f"{url}/dashboard/clients/{client_of.pk}/")
    entry = page.locator("li.t-feedback").first
    assert entry.locator(".sentiment").inner_text() == "positive"
    assert "corrected by amy-am" in entry.inner_text()
    assert entry.locator(".promise").inner_text() == "Value for money: positive (corrected)"
    entry.locator("a.item-link").click()
    page.wait_for_selector("#analysis")
    assert page.url == f"{url}/feedback/{item.pk}/"

    # and the dashboard scorecard (no negative mention left; the figure says what it rests on)
    page.goto(f"{url}/dashboard/?days=30")
    row = page.locator(".scorecard tr[data-promise='Value for money']")
    assert row.locator(".negative").inner_text() == "0 (0%)"
    assert row.locator(".mean").inner_text() == "1.00"
    assert row.locator(".n").inner_text().startswith("1")
    page.screenshot(path=str(ARTIFACTS / "scorecard-corrected.png"), full_page=True)

    # and the API, with the same session
    body = page.request.get(f"{url}/api/v1/feedback/{item.pk}/").json()
    assert body["sentiment"] == "positive"
    assert [(t["brand_promise"], t["sentiment"]) for t in body["themes"]] == [
        ("Value for money", "positive")
    ]
    assert {(c["kind"], c["value"], c["by"]) for c in body["corrections"]} == {
        ("polarity", "positive", "amy-am"),
        ("sentiment", "positive", "amy-am"),
    }
    case = Case.objects.get(pk=case_id)
    assert (case.status, case.outcome) == (CaseStatus.RESOLVED, CaseOutcome.FALSE_ALARM)
    assert TagCorrection.objects.filter(feedback=item).count() == 2
