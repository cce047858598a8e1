"""The rules of a whole batch (`feedback.on_analysed` of one NLP batch) read once per batch."""

import pytest

from feedback.models import Case, CaseEvent, Sentiment
from feedback.review.flagging import cases_open_for_feedback
from feedback.tasks import on_analysed
from tests.factories import FeedbackFactory, SourceFactory
from tests.feedback.conftest import analyse

pytestmark = pytest.mark.django_db


def test_a_batch_opens_a_case_for_each_flagged_item_only(complaint, api_source, other_firm):
    # given a complaint, a happy item, a complaint of another firm and a deleted item
    analyse(complaint, negative=0.95)
    happy = FeedbackFactory(source=api_source, text="Thank you, all good.")
    analyse(happy, sentiment=Sentiment.POSITIVE, negative=0.02)
    theirs = FeedbackFactory(source=SourceFactory(firm=other_firm), text="Awful, truly awful.")
    analyse(theirs, negative=0.97)

    # when their rules run as one batch
    case_ids = on_analysed([complaint.pk, happy.pk, theirs.pk, 987_654])

    # then the two complaints have their case, each in its own firm, in the order given
    cases = {c.feedback_id: c for c in Case.objects.all()}
    assert set(cases) == {complaint.pk, theirs.pk}
    assert case_ids == [cases[complaint.pk].pk, cases[theirs.pk].pk]
    assert cases[theirs.pk].firm_id == other_firm.pk
    # the churn rule quotes the analysed text's sentences
    assert "churn_talk" in {r["rule"] for r in cases[complaint.pk].reasons}


def test_running_a_batch_twice_keeps_one_case_per_item(complaint, api_source):
    # given a batch whose complaint already has its case
    analyse(complaint, negative=0.95)
    other = FeedbackFactory(source=api_source, text="Terrible service, nobody called back.")
    analyse(other, negative=0.96)
    first = cases_open_for_feedback(feedback_ids=[complaint.pk])

    # when the whole batch runs, twice
    again = cases_open_for_feedback(feedback_ids=[complaint.pk, other.pk])
    once_more = cases_open_for_feedback(feedback_ids=[other.pk, complaint.pk, complaint.pk])

    # then each item keeps its one case and one opening event
    assert again[0] == first[0] and len(again) == 2
    assert sorted(once_more) == sorted(again)
    assert Case.objects.count() == 2
    assert CaseEvent.objects.filter(kind="opened").count() == 2
