"""The explorer's filters without search words stay fast on a large firm: the promise and emotion
filters are a correlated EXISTS on the listed item (reading its `current_analysis`, so PostgreSQL
can walk the items in the page's order and stop at the page, or go from the tags to their items
in an index, never checking a tag against Analysis) and "highest score first" reads the page
from its index. Their results are the effective analysis's (test_explorer.py)."""

import pytest
from django.db import connection
from django.http import QueryDict

from feedback.items.explorer import explorer_filter, explorer_result
from feedback.review.corrections import tag_correct
from tests.feedback.conftest import analyse

pytestmark = pytest.mark.django_db


def _sql(member, query: str) -> tuple[str, tuple]:
    filters = explorer_filter(member=member, params=QueryDict(query))
    assert filters.is_valid(), filters.form.errors
    return explorer_result(filters).query.sql_with_params()


def _plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned whole
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("query", ["promise={fees}&promise_sentiment=negative", "emotion=anger"])
def test_a_tag_filter_is_an_exists_on_the_item_not_a_list_of_ids(analyst, corpus, query):
    sql, _ = _sql(analyst, query.format(fees=corpus.fees.pk))
    assert "EXISTS" in sql
    assert '"feedback_feedback"."id" IN (' not in sql  # no id list built from every tag first
    # the tag's item is the listed one: the feedback table is read once, not joined again
    assert sql.count('FROM "feedback_feedback"') == 1
    assert 'JOIN "feedback_feedback"' not in sql
    # the item's current analysis is its marker: Analysis is not read at all
    assert '"feedback_analysis"' not in sql
    assert '"feedback_feedback"."current_analysis_id"' in sql


@pytest.mark.parametrize(
    ("query", "tag_index"),
    [
        ("promise={fees}&promise_sentiment=negative", "theme_firm_analysis"),
        ("emotion=anger", "emotion_firm_analysis"),
    ],
)
def test_the_tags_of_a_promise_or_an_emotion_are_read_from_their_index_alone(
    analyst, corpus, query, tag_index
):
    # given the count's query (what the capped paginator runs), planned as on a large firm
    filters = explorer_filter(member=analyst, params=QueryDict(query.format(fees=corpus.fees.pk)))
    assert filters.is_valid()
    count = explorer_result(filters).order_by().values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql, params = count.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # then the tags are read from the index alone (their analysis and sentiment are in it)
    assert f"Index Only Scan using {tag_index}" in plan


def test_the_exists_keeps_the_current_analysis_rule_and_the_corrections(
    analyst, admin_member, corpus
):
    c = corpus

    def found(query: str) -> list[int]:
        return [
            fb.pk
            for fb in explorer_result(explorer_filter(member=analyst, params=QueryDict(query)))
        ]

    # given the invoice's fees polarity corrected to positive, then a newer analysis of the slow
    # item (same text) that finds nothing
    tag_correct(
        feedback=c.invoice,
        member=admin_member,
        kind="polarity",
        key=str(c.fees.pk),
        value="positive",
    )
    analyse(c.slow, negative=0.9, model_version="test-2")

    # then the correction counts, and the slow item's older tags do not
    assert found(f"promise={c.fees.pk}&promise_sentiment=positive") == [c.invoice.pk]
    assert found(f"promise={c.fees.pk}&promise_sentiment=negative") == []
    assert c.slow.pk not in found("emotion=annoyance")
    assert found(f"promise={c.speed.pk}") == [c.praise.pk]


def test_highest_score_first_reads_the_page_from_its_index(analyst, corpus):
    plan = _plan(*_sql(analyst, "sort=score&score_min=0&score_max=6"))
    assert "feedback_firm_score" in plan
