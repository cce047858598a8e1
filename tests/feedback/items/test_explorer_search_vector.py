"""The explorer's search on the stored search vector: PostgreSQL keeps the column in step with
the text, the query reads it through its GIN index, and a large result is counted only up to a
cap ("10,000+") instead of in full."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from feedback.items import explorer
from feedback.items.explorer import explorer_filter, explorer_page, explorer_result
from feedback.items.search import feedback_search
from feedback.models import Feedback
from tests.factories import FeedbackFactory
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db


def test_the_stored_vector_follows_the_text_when_it_changes(analyst, api_source, corpus):
    # given an item found by its word
    item = FeedbackFactory(source=api_source, text="The conveyancing was meticulous.")
    filters = explorer_filter(member=analyst, params=QueryDict("q=meticulous"))
    assert [fb.pk for fb in explorer_result(filters)] == [item.pk]

    # when its text is changed (as an erasure or a redaction does)
    Feedback.objects.filter(pk=item.pk).update(text="Text erased on request.")

    # then the old word finds nothing and the new one finds it: the database keeps the column
    old = explorer_filter(member=analyst, params=QueryDict("q=meticulous"))
    new = explorer_filter(member=analyst, params=QueryDict("q=erased"))
    assert list(explorer_result(old)) == []
    assert [fb.pk for fb in explorer_result(new)] == [item.pk]
    stored = Feedback.objects.values_list("search_vector", flat=True).get(pk=item.pk)
    assert "'eras'" in stored and "meticul" not in stored


def test_the_search_reads_the_gin_index_on_the_stored_column(corpus):
    matches = feedback_search(Feedback.objects.all(), "invoice").values("pk")
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned whole
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "feedback_search_vector" in plan
    assert "to_tsvector" not in plan  # no vector is computed at query time


def test_a_result_past_the_cap_is_counted_up_to_it(analyst, api_source, corpus, monkeypatch):
    # given five items with the word, and a cap of three
    for n in range(5):
        FeedbackFactory(source=api_source, text=f"Billing note {n}")
    monkeypatch.setattr(explorer, "COUNT_CAP", 3)

    # when the explorer lists them
    page, rows = explorer_page(explorer_filter(member=analyst, params=QueryDict("q=billing")), "1")
    response = browser_for(analyst).get(reverse("items:explorer"), {"q": "billing"})

    # then the count stops at the cap and says so; the page still lists items
    assert page.paginator.count == 3 and page.paginator.capped
    assert len(rows) == 3
    assert "<strong>3+</strong> items" in response.content.decode()


def test_a_result_under_the_cap_is_counted_exactly(analyst, api_source, corpus):
    for n in range(2):
        FeedbackFactory(source=api_source, text=f"Billing note {n}")
    page, _ = explorer_page(explorer_filter(member=analyst, params=QueryDict("q=billing")), "1")
    assert page.paginator.count == 2 and not page.paginator.capped
