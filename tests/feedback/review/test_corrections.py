"""People's corrections override the model on the item everywhere: the effective analysis, rules
and cases, the API, rollups and scorecard, and they survive a re-analysis."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.analysis import (
    analysis_current,
    analysis_effective,
    polarity_examples_list,
    sentiment_examples_list,
)
from feedback.dashboards import selectors as dash
from feedback.dashboards.rollups import charts_from_rollups, rollups_refresh_for_feedback
from feedback.models import (
    Analysis,
    AnalysisStatus,
    AuditEvent,
    Case,
    CaseOutcome,
    CaseStatus,
    Feedback,
    TagCorrection,
    TagKind,
    ThemeMention,
    text_hash,
)
from feedback.review.corrections import tag_correct
from feedback.tasks import on_analysed
from nlp.engine.result import EmotionResult, Result, SentimentResult, ThemeResult
from nlp.results import analysis_write
from tests.factories import BrandPromiseFactory, FeedbackFactory
from tests.feedback.conftest import FEES, analyse

pytestmark = pytest.mark.django_db


def _correct(feedback, member, kind, key, value):
    return tag_correct(feedback=feedback, member=member, kind=kind, key=key, value=value)


def test_a_polarity_correction_closes_the_case_opened_on_the_wrong_tag(
    praise, account_manager, value_for_money
):
    # given the case the model's "Value for money negative" opened
    case = Case.objects.get(feedback=praise)
    assert "Brand promise at risk: Value for money" in case.reasons[0]["detail"]

    # when the account manager says the promise is spoken of positively
    correction = _correct(
        praise, account_manager, TagKind.POLARITY, str(value_for_money.pk), "positive"
    )

    # then the mention is positive everywhere, the case is closed as flagged in error
    assert correction.predicted == "negative"
    mention = ThemeMention.objects.get(feedback=praise)
    assert (mention.sentiment, mention.sentiment_value) == ("positive", 1.0)
    theme = analysis_effective(feedback=praise).themes[0]
    assert (theme.promise, theme.sentiment) == ("Value for money", "positive")
    assert theme.correction is not None and theme.correction.by == "amy-am"
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.RESOLVED, CaseOutcome.FALSE_ALARM)
    assert "Closed by a correction" in case.events.get(kind="resolved").body
    closed = AuditEvent.objects.get(action="case.closed_by_correction")
    assert closed.object_id == str(case.pk) and closed.data["value"] == "positive"


def test_a_case_flagged_for_more_than_the_corrected_tag_stays_open_with_its_reasons_updated(
    client_of, api_source, account_manager, value_for_money
):
    # given an NPS detractor whose comment the model also read as negative on price
    item = FeedbackFactory(
        source=api_source, client=client_of, text=FEES, rating=5, rating_scale=10
    )
    analyse(
        item, sentiment="neutral", negative=0.3, themes=[(value_for_money, "negative", 0.6, [])]
    )
    (case_id,) = on_analysed([item.pk])

    # when the promise's polarity is corrected
    _correct(item, account_manager, TagKind.POLARITY, str(value_for_money.pk), "positive")

    # then the score still flags it: open, with only the reason that still holds
    case = Case.objects.get(pk=case_id)
    assert case.status == CaseStatus.OPEN
    assert [r["rule"] for r in case.reasons] == ["nps_detractor"]
    assert "Reasons after a correction: NPS detractor: 5/10" in case.events.get(kind="note").body


def test_a_correction_moves_the_rollups_and_the_scorecard(
    praise, account_manager, value_for_money, client_of
):
    # given the firm's rollup and the client's scorecard before the correction
    rollups_refresh_for_feedback(feedback_ids=[praise.pk])
    start, end = timezone.now() - timedelta(days=7), timezone.now() + timedelta(days=1)

    def firm_card() -> list[tuple]:
        rows = charts_from_rollups(firm_id=praise.firm_id, start=start, end=end)["promises"]
        return [(r["promise"], r["mentions"], r["negative"], r["avg_sentiment"]) for r in rows]

    def client_card() -> list[tuple]:
        f = dash.Filters(
            firm_id=praise.firm_id, member=None, start=start, end=end, client_id=client_of.pk
        )
        return [(r["promise"], r["mentions"], r["negative"]) for r in dash.promise_scorecard(f)]

    assert firm_card() == [("Value for money", 1, 1, -0.8)]
    assert client_card() == [("Value for money", 1, 1)]

    # when
    _correct(praise, account_manager, TagKind.POLARITY, str(value_for_money.pk), "positive")
    _correct(praise, account_manager, TagKind.SENTIMENT, "sentiment", "positive")

    # then both read the corrected tags at once, without waiting for the nightly refresh
    assert firm_card() == [("Value for money", 1, 0, 1.0)]
    assert client_card() == [("Value for money", 1, 0)]
    sentiment = charts_from_rollups(firm_id=praise.firm_id, start=start, end=end)["sentiment"]
    assert (sentiment[0]["positive"], sentiment[0]["neutral"]) == (1, 0)


def test_a_sentiment_correction_overrides_the_model_and_opens_the_case_the_rules_call_for(
    client_of, api_source, admin_member
):
    # given an item the model found positive, so no case
    item = FeedbackFactory(source=api_source, client=client_of, text="Thanks, but still no reply.")
    analyse(item, sentiment="positive", negative=0.1)
    assert on_analysed([item.pk]) == []

    # when an admin corrects it to negative
    _correct(item, admin_member, TagKind.SENTIMENT, "sentiment", "Negative")

    # then the item is negative (the model's view kept), and the negative-sentiment rule opens
    item.refresh_from_db()
    assert (item.sentiment, item.sentiment_value) == ("negative", -1.0)
    assert Analysis.objects.get(feedback=item).sentiment == "positive"
    effective = analysis_effective(feedback=item)
    assert effective.sentiment_confidence == 1.0
    assert effective.sentiment_correction.predicted == "positive"
    case = Case.objects.get(feedback=item)
    assert case.reasons[0]["rule"] == "negative_sentiment"
    assert sentiment_examples_list(firm_id=item.firm_id) == [(item.text, "negative")]
    assert polarity_examples_list(firm_id=item.firm_id) == []


def test_theme_and_emotion_presence_corrections_add_and_remove_tags(
    praise, account_manager, value_for_money, firm
):
    # given
    expertise = BrandPromiseFactory(firm=firm, name="Expertise")

    # when the model's promise is denied, another one confirmed, and an emotion added
    _correct(praise, account_manager, TagKind.THEME, str(value_for_money.pk), "absent")
    _correct(praise, account_manager, TagKind.THEME, str(expertise.pk), "present")
    _correct(praise, account_manager, TagKind.EMOTION, "Gratitude", "present")

    # then
    effective = analysis_effective(feedback=praise)
    assert [(t.promise, t.score) for t in effective.themes] == [("Expertise", 1.0)]
    assert [e.label for e in effective.emotions] == ["gratitude"]
    assert {(c.kind, c.value, c.predicted) for c in effective.corrections} == {
        ("theme", "absent", "present"),
        ("theme", "present", "absent"),
        ("emotion", "present", "absent"),
    }


def test_a_polarity_correction_on_a_missed_promise_adds_it_and_teaches_recall(
    praise, account_manager, firm
):
    # given a promise the model missed
    responsiveness = BrandPromiseFactory(firm=firm, name="Responsiveness")

    # when its polarity is set
    _correct(praise, account_manager, TagKind.POLARITY, str(responsiveness.pk), "negative")

    # then it is there, negative, and stored as a confirmed example for the theme model
    mention = ThemeMention.objects.get(feedback=praise, brand_promise=responsiveness)
    assert mention.sentiment == "negative"
    confirmed = TagCorrection.objects.get(feedback=praise, kind=TagKind.THEME)
    assert (confirmed.key, confirmed.value, confirmed.predicted) == (
        str(responsiveness.pk),
        "present",
        "absent",
    )
    polarity = TagCorrection.objects.get(feedback=praise, kind=TagKind.POLARITY)
    assert polarity.predicted == "absent"
    assert polarity_examples_list(firm_id=firm.pk) == [(FEES, responsiveness.pk, "negative")]


def test_corrections_survive_a_reanalysis_by_the_nlp_writer(
    praise, account_manager, value_for_money
):
    # given corrected sentiment, promise polarity and emotion
    _correct(praise, account_manager, TagKind.POLARITY, str(value_for_money.pk), "positive")
    _correct(praise, account_manager, TagKind.SENTIMENT, "sentiment", "positive")
    _correct(praise, account_manager, TagKind.EMOTION, "anger", "absent")

    # when a new model version analyses the item again and still gets it wrong
    Feedback.objects.filter(pk=praise.pk).update(analysis_status=AnalysisStatus.RUNNING)
    result = Result(
        sentiment=SentimentResult(
            label="negative", scores={"negative": 0.7, "neutral": 0.2, "positive": 0.1}
        ),
        sentences=[],
        emotions=EmotionResult(labels=["anger"], scores={"anger": 0.7}),
        themes=[
            ThemeResult("Value for money", 0.55, "negative", -0.6, [FEES], key=value_for_money.pk)
        ],
    )
    written = analysis_write(
        feedback_id=praise.pk, text_hash=praise.text_hash, result=result, model_version="test-2"
    )

    # then that analysis is current, and the people's judgement still stands on it
    praise.refresh_from_db()
    assert analysis_current(feedback=praise) == written
    effective = analysis_effective(feedback=praise)
    assert effective.analysis == written
    assert effective.sentiment == "positive"
    assert [(t.promise, t.sentiment) for t in effective.themes] == [("Value for money", "positive")]
    assert effective.emotions == []
    assert TagCorrection.objects.get(kind=TagKind.SENTIMENT).predicted == "negative"


def test_a_correction_no_longer_applies_once_the_text_changes(praise, account_manager):
    # given
    _correct(praise, account_manager, TagKind.SENTIMENT, "sentiment", "positive")

    # when the item's text is replaced
    new = "Actually the invoice was far above the estimate."
    Feedback.objects.filter(pk=praise.pk).update(text=new, text_hash=text_hash(new))
    praise.refresh_from_db()

    # then the old analysis is stale and the correction judged another text
    effective = analysis_effective(feedback=praise)
    assert effective.analysis is None and effective.corrections == []
