"""The explorer's pages through HTTP: the listing, CSV export (same filters, same scoping,
rounded, formula-safe) and saved views (save, list, open, share, delete)."""

import csv
import io

import pytest
from django.urls import reverse

from feedback.models import Feedback, SavedView
from tests.factories import FeedbackFactory
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db


def export(member, query: str = "") -> list[dict]:
    response = browser_for(member).get(reverse("items:export") + "?" + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_explorer_lists_the_result_with_its_count_and_links_to_each_item(analyst, corpus):
    response = browser_for(analyst).get(reverse("items:explorer"), {"q": "reply"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>2</strong> items" in body
    assert reverse("items:detail", kwargs={"pk": corpus.slow.pk}) in body
    assert reverse("items:detail", kwargs={"pk": corpus.praise.pk}) in body
    assert reverse("items:detail", kwargs={"pk": corpus.invoice.pk}) not in body


def test_the_explorer_pins_its_query_count(
    analyst, corpus, api_source, django_assert_max_num_queries
):
    for n in range(30):
        FeedbackFactory(source=api_source, text=f"Note {n} about the reply")
    browser = browser_for(analyst)
    with django_assert_max_num_queries(15):
        response = browser.get(reverse("items:explorer"), {"q": "reply"})
    assert response.status_code == 200


def test_csv_export_has_the_filtered_result_rounded(analyst, corpus):
    # when the analyst exports the negative mentions of responsiveness
    rows = export(analyst, f"promise={corpus.speed.pk}&promise_sentiment=negative")

    # then exactly that item, its values rounded, a link to its page
    assert [int(r["id"]) for r in rows] == [corpus.slow.pk]
    (row,) = rows
    assert row["client"] == "Globex Corp"
    assert row["sentiment"] == "negative"
    assert row["sentiment_value"] == "-0.9"  # 0.05 - 0.95, rounded to two decimals
    assert row["promises"] == "Responsiveness: negative"
    assert row["emotions"] == "annoyance 0.70"
    assert row["case_status"] == "open"
    assert row["url"].endswith(f"/feedback/{corpus.slow.pk}/")


def test_csv_export_is_safe_from_formulas(analyst, corpus, api_source):
    FeedbackFactory(source=api_source, text='=HYPERLINK("http://evil.example","x")')
    FeedbackFactory(source=api_source, text="+1 for the team", subject="@everyone")
    FeedbackFactory(source=api_source, text="-bad start")
    rows = export(analyst, "q=hyperlink+or+team+or+bad")
    texts = {r["text"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example","x")' in texts
    assert "'+1 for the team" in texts and "'-bad start" in texts
    assert "'@everyone" in {r["subject"] for r in rows}


def test_csv_export_is_scoped_like_the_page(account_manager, outsider, corpus):
    assert {int(r["id"]) for r in export(account_manager)} == {corpus.slow.pk, corpus.praise.pk}
    assert [int(r["id"]) for r in export(outsider)] == [corpus.rival.pk]
    # a filter on a client the account manager does not manage gives nothing, not everything
    assert export(account_manager, f"client={corpus.theirs.pk}") == []


def test_csv_export_streams_every_item_past_one_chunk(analyst, api_source):
    Feedback.objects.bulk_create(
        [
            FeedbackFactory.build(source=api_source, text=f"Bulk {n}", external_id=f"bulk-{n}")
            for n in range(1205)
        ]
    )
    rows = export(analyst, "q=bulk")
    assert len(rows) == 1205 and len({r["id"] for r in rows}) == 1205


def test_a_member_saves_lists_opens_and_deletes_a_view(analyst, corpus):
    browser = browser_for(analyst)
    query = f"q=reply&promise={corpus.speed.pk}&promise_sentiment=negative&page=2&junk=1"

    # when the analyst saves the current filters under a name
    response = browser.post(reverse("items:view_save"), {"name": " Slow  replies ", "query": query})

    # then it is stored with the explorer's parameters only, and listed with a link to open it
    view = SavedView.objects.get(owner=analyst)
    assert view.name == "Slow replies" and not view.shared
    assert view.query == f"q=reply&promise={corpus.speed.pk}&promise_sentiment=negative"
    assert response.status_code == 302
    assert response["Location"] == reverse("items:explorer") + "?" + view.query
    page = browser.get(response["Location"]).content.decode()
    assert "Slow replies" in page
    assert f'href="/feedback/?q=reply&amp;promise={corpus.speed.pk}' in page
    assert "<strong>1</strong> item" in page

    # and saving under the same name replaces it
    browser.post(reverse("items:view_save"), {"name": "Slow replies", "query": "q=late"})
    assert SavedView.objects.get(owner=analyst).query == "q=late"

    # when they delete it, it is gone
    response = browser.post(reverse("items:view_delete", kwargs={"pk": view.pk}))
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_view_needs_a_name(analyst):
    response = browser_for(analyst).post(reverse("items:view_save"), {"name": "  ", "query": ""})
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_private_views_stay_private_shared_ones_are_listed_for_the_firm(
    analyst, account_manager, admin_member, outsider, corpus
):
    # given the analyst's private view and a shared one
    browser = browser_for(analyst)
    browser.post(reverse("items:view_save"), {"name": "Mine only", "query": "q=fees"})
    browser.post(reverse("items:view_save"), {"name": "For all", "query": "q=reply", "shared": "1"})
    private = SavedView.objects.get(name="Mine only")
    shared = SavedView.objects.get(name="For all")

    # then a teammate sees the shared one only; another firm sees neither
    am_page = browser_for(account_manager).get(reverse("items:explorer")).content.decode()
    assert "For all" in am_page and "Mine only" not in am_page
    rival_page = browser_for(outsider).get(reverse("items:explorer")).content.decode()
    assert "For all" not in rival_page

    # and nobody but the owner deletes a private view; an admin may delete a shared one
    delete = "items:view_delete"
    am = browser_for(account_manager)
    assert am.post(reverse(delete, kwargs={"pk": private.pk})).status_code == 404
    assert am.post(reverse(delete, kwargs={"pk": shared.pk})).status_code == 403
    rival = browser_for(outsider)
    assert rival.post(reverse(delete, kwargs={"pk": shared.pk})).status_code == 404
    assert (
        browser_for(admin_member).post(reverse(delete, kwargs={"pk": shared.pk})).status_code == 302
    )
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Mine only"]


def test_an_account_manager_opening_a_shared_view_sees_only_their_clients(
    analyst, account_manager, corpus
):
    # given the analyst shares a view of the other client's items
    query = f"client={corpus.theirs.pk}"
    browser_for(analyst).post(
        reverse("items:view_save"), {"name": "Initech", "query": query, "shared": "1"}
    )

    # when the account manager opens it, the filter is refused, nothing of Initech is shown
    page = browser_for(account_manager).get(reverse("items:explorer") + "?" + query)
    body = page.content.decode()
    assert 'id="filter-errors"' in body
    assert "<strong>0</strong> items" in body
    assert "invoice" not in body


def test_the_detail_page_shows_the_history_of_analyses(analyst, corpus):
    body = (
        browser_for(analyst)
        .get(reverse("items:detail", kwargs={"pk": corpus.slow.pk}))
        .content.decode()
    )
    assert "analysis" in body and "test-1: negative (-0.90)" in body
    assert "case.opened" in body
