"""Browser test: an analyst opens Topics, sees the new billing-portal topic raised as emerging,
opens it, renames it and promotes it to a brand promise; merges one topic into another."""

import pytest

from feedback.models import AuditEvent, BrandPromise, Topic
from tests.feedback.test_browser import ARTIFACTS, page, sign_in  # noqa: F401 - `page` fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_renames_the_emerging_topic_and_promotes_it_to_a_promise(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    analyst,
    fitted_topics,
):
    portal = fitted_topics["portal"]
    # when the analyst opens Topics
    sign_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/topics/")
    row = page.locator(f"tr[data-topic='{portal.pk}']")
    # then the portal topic is first, raised as emerging with its statistic
    assert page.locator("tr.topic-row").first.get_attribute("data-topic") == str(portal.pk)
    assert "Emerging" in row.locator(".emerging").inner_text()
    assert row.locator(".volume").inner_text().startswith("8")
    page.screenshot(path=str(ARTIFACTS / "topics.png"), full_page=True)

    # when they open it and rename it
    row.locator("a.topic-link").click()
    page.wait_for_selector("#topic-label")
    assert "Emerging" in page.inner_text(".emerging")
    assert page.locator("#topic-items tbody tr").count() == 8
    page.fill("#rename-label", "New billing portal")
    page.click("#rename-form button")
    page.wait_for_selector("#messages")
    assert page.inner_text("#topic-label") == "New billing portal"

    # and promote it to a brand promise
    assert page.input_value("#promise-name") == "New billing portal"
    page.click("#promote-form button")
    page.wait_for_selector("#topic-promise")
    page.screenshot(path=str(ARTIFACTS / "topic-promoted.png"), full_page=True)

    # then the stored topic and the new promise say so
    topic = Topic.objects.get(pk=portal.pk)
    assert topic.label == "New billing portal" and topic.label_set_by_person
    promise = BrandPromise.objects.get(firm=topic.firm, name="New billing portal")
    assert topic.promise_id == promise.pk and promise.active
    assert promise.examples[0].startswith("The new billing portal keeps logging us out")
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "topic.rename",
        "topic.promote",
    }
    assert "Brand promise: New billing portal" in page.inner_text("#topic-promise")


def test_analyst_merges_a_topic_into_another_and_its_comments_follow(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    analyst,
    fitted_topics,
):
    parking, portal = fitted_topics["parking"], fitted_topics["portal"]
    # given the analyst on the parking topic's page
    sign_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/topics/{parking.pk}/")
    page.wait_for_selector("#topic-label")

    # when they merge it into the billing-portal topic
    page.select_option("#merge-into", str(portal.pk))
    page.click("#merge-form button")

    # then they land on the topic it went into, which now holds every comment of both
    page.wait_for_selector("#messages")
    assert page.url.endswith(f"/topics/{portal.pk}/")
    assert "Topics merged." in page.inner_text("#messages")
    parking.refresh_from_db()
    assert parking.status == "merged" and parking.merged_into_id == portal.pk
    assert portal.assignments.count() == len(fitted_topics["steady_items"]) + 8
    assert AuditEvent.objects.filter(action="topic.merge").count() == 1
    # and the topic list no longer shows the merged one
    page.goto(f"{live_server.url}/topics/")
    assert page.locator(f"tr[data-topic='{parking.pk}']").count() == 0
