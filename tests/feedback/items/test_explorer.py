"""The explorer's result on PostgreSQL: full-text search and its ranking, each filter, sorting,
and scoping (another firm's items never appear; an account manager sees only their clients)."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from feedback.items.explorer import explorer_filter, explorer_result
from feedback.items.filters import EMOTIONS
from feedback.models import Analysis, Case, CaseStatus, Sentiment, Topic, TopicAssignment
from feedback.review.corrections import tag_correct
from feedback.services import feedback_text_replace
from nlp.engine.labels import EMOTION_LABELS
from tests.factories import FeedbackFactory
from tests.feedback.conftest import analyse
from tests.feedback.items.conftest import days_ago

pytestmark = pytest.mark.django_db


def found(member, query: str = "") -> list[int]:
    filters = explorer_filter(member=member, params=QueryDict(query))
    assert filters.is_valid(), filters.form.errors
    return [fb.pk for fb in explorer_result(filters)]


def test_search_uses_postgres_full_text_search_with_stemming_and_websearch_syntax(analyst, corpus):
    # given the corpus ("slow to reply ... replies", "Quick replies ... replied")
    assert connection.vendor == "postgresql"

    # when / then: stems match ("replying" finds "reply", "replies", "replied")
    assert set(found(analyst, "q=replying")) == {corpus.slow.pk, corpus.praise.pk}
    # a quoted phrase matches only those words in that order
    assert found(analyst, "q=%22slow+to+reply%22") == [corpus.slow.pk]
    # -word leaves items out; "or" widens
    assert found(analyst, "q=reply+-slow") == [corpus.praise.pk]
    assert set(found(analyst, "q=invoice+or+outcome")) == {corpus.invoice.pk, corpus.praise.pk}
    assert found(analyst, "q=nothing-matches-this") == []


def test_search_ranks_the_more_relevant_item_first(analyst, api_source, corpus):
    # given an item that says "fees" four times, older than the invoice that says it once
    many = FeedbackFactory(
        source=api_source,
        text="Fees, fees and more fees: the fees are our one worry.",
        received_at=days_ago(50),
    )

    # when searching most relevant first, and with the default order (newest first)
    relevant = found(analyst, "q=fees&sort=relevance")
    newest = found(analyst, "q=fees")

    # then relevance puts the item with more of the words first, whatever its date
    assert relevant == [many.pk, corpus.invoice.pk]
    assert newest == [corpus.invoice.pk, many.pk]


def test_each_filter_narrows_the_result(analyst, corpus, client_of):
    c = corpus
    everything = {c.slow.pk, c.praise.pk, c.invoice.pk}
    assert set(found(analyst)) == everything
    assert set(found(analyst, f"client={c.mine.pk}")) == {c.slow.pk, c.praise.pk}
    assert found(analyst, f"contact={c.slow.contact_id}") == [c.slow.pk]
    assert found(analyst, "channel=survey") == [c.praise.pk]
    assert found(analyst, f"touchpoint={c.praise.touchpoint_id}") == [c.praise.pk]
    assert set(found(analyst, f"promise={c.speed.pk}")) == {c.slow.pk, c.praise.pk}
    assert found(analyst, f"promise={c.speed.pk}&promise_sentiment=negative") == [c.slow.pk]
    assert set(found(analyst, "promise_sentiment=negative")) == {c.slow.pk, c.invoice.pk}
    assert set(found(analyst, "sentiment=negative")) == {c.slow.pk, c.invoice.pk}
    assert found(analyst, "emotion=anger") == [c.invoice.pk]
    assert found(analyst, "score_min=9") == [c.praise.pk]
    assert found(analyst, "score_max=5") == [c.invoice.pk]
    assert set(found(analyst, "score_min=0&score_max=10")) == {c.praise.pk, c.invoice.pk}
    today = timezone.localdate()
    week = (today - timezone.timedelta(days=6)).isoformat()
    assert found(analyst, f"from={week}") == [c.slow.pk]
    month_ago = (today - timezone.timedelta(days=12)).isoformat()
    to = (today - timezone.timedelta(days=5)).isoformat()
    assert found(analyst, f"from={month_ago}&to={to}") == [c.praise.pk]
    assert found(analyst, f"to={(today - timezone.timedelta(days=40)).isoformat()}") == [
        c.invoice.pk
    ]


def test_case_status_intent_and_topic_filters(analyst, corpus, firm):
    c = corpus
    case = Case.objects.get(feedback=c.slow)
    assert found(analyst, "case_status=open") == [c.slow.pk]
    assert set(found(analyst, "case_status=none")) == {c.praise.pk, c.invoice.pk}
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.RESOLVED)
    assert found(analyst, "case_status=resolved") == [c.slow.pk]
    assert found(analyst, "case_status=open") == []

    Analysis.objects.filter(feedback=c.invoice).update(intent_flag=True)
    assert found(analyst, "intent=1") == [c.invoice.pk]

    topic = Topic.objects.create(firm=firm, label="Billing")
    old = Topic.objects.create(firm=firm, label="Invoices", status="merged", merged_into=topic)
    TopicAssignment.objects.create(firm=firm, feedback=c.invoice, topic=old)
    TopicAssignment.objects.create(firm=firm, feedback=c.praise, topic=topic)
    assert set(found(analyst, f"topic={topic.pk}")) == {c.invoice.pk, c.praise.pk}


def test_filters_read_the_effective_analysis_corrections_count(analyst, admin_member, corpus):
    # given a person corrects the invoice's sentiment to neutral and its fees polarity to positive
    c = corpus
    fix = {"feedback": c.invoice, "member": admin_member}
    tag_correct(**fix, kind="sentiment", key="sentiment", value="neutral")
    tag_correct(**fix, kind="polarity", key=str(c.fees.pk), value="positive")

    # then it filters as corrected
    assert c.invoice.pk not in found(analyst, "sentiment=negative")
    assert c.invoice.pk in found(analyst, "sentiment=neutral")
    assert found(analyst, f"promise={c.fees.pk}&promise_sentiment=positive") == [c.invoice.pk]
    assert found(analyst, f"promise={c.fees.pk}&promise_sentiment=negative") == []


def test_tags_of_an_older_analysis_or_an_earlier_text_do_not_count(analyst, corpus):
    # given the slow item re-analysed by a newer model that finds no promise, no emotion
    c = corpus
    analyse(c.slow, negative=0.9, model_version="test-2")
    assert found(analyst, f"promise={c.speed.pk}") == [c.praise.pk]
    assert c.slow.pk not in found(analyst, "emotion=annoyance")

    # and the invoice's text replaced since its analysis: its mentions describe another text
    feedback_text_replace(feedback=c.invoice, text="New words", rating=2, rating_scale=10, raw={})
    assert found(analyst, f"promise={c.fees.pk}") == []
    assert found(analyst, "emotion=anger") == []


def test_sorting(analyst, corpus):
    c = corpus
    assert found(analyst) == [c.slow.pk, c.praise.pk, c.invoice.pk]
    assert found(analyst, "sort=oldest") == [c.invoice.pk, c.praise.pk, c.slow.pk]
    assert found(analyst, "sort=negative")[-1] == c.praise.pk
    assert found(analyst, "sort=score") == [c.praise.pk, c.invoice.pk, c.slow.pk]
    # relevance without a search is newest first
    assert found(analyst, "sort=relevance") == found(analyst)


def test_another_firms_items_never_appear(outsider, analyst, corpus):
    # the rival firm's item says the same words
    assert found(analyst, "q=slow+reply") == [corpus.slow.pk]
    assert found(outsider, "q=slow+reply") == [corpus.rival.pk]
    assert found(outsider) == [corpus.rival.pk]
    # a filter on another firm's client or promise is refused, never widened
    filters = explorer_filter(member=outsider, params=QueryDict(f"client={corpus.mine.pk}"))
    assert not filters.is_valid()
    assert list(explorer_result(filters)) == []
    assert found(outsider, f"contact={corpus.slow.contact_id}") == []


def test_an_account_manager_never_sees_another_managers_client(account_manager, corpus):
    c = corpus
    assert set(found(account_manager)) == {c.slow.pk, c.praise.pk}
    assert found(account_manager, "q=invoice") == []
    assert found(account_manager, f"promise={c.fees.pk}") == []
    filters = explorer_filter(member=account_manager, params=QueryDict(f"client={c.theirs.pk}"))
    assert not filters.is_valid() and list(explorer_result(filters)) == []


def test_bad_input_is_an_error_not_a_wider_result(analyst, corpus):
    for query in ("from=yesterday", "sentiment=furious", "score_min=x", "sort=random"):
        filters = explorer_filter(member=analyst, params=QueryDict(query))
        assert not filters.is_valid(), query
        assert list(explorer_result(filters)) == [], query


def test_the_emotion_choices_are_the_nlp_sides_labels():
    assert set(EMOTIONS) == set(EMOTION_LABELS)
    assert Sentiment.NEGATIVE in dict(Sentiment.choices)
