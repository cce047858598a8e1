import pytest

from feedback.models import Priority, Rule, RuleKind, Sentiment
from feedback.review.rules import rule_defaults_ensure, rules_evaluate
from tests.factories import BrandPromiseFactory, FeedbackFactory, SourceFactory
from tests.feedback.conftest import analyse

pytestmark = pytest.mark.django_db


def _matched(feedback) -> set[str]:
    rules = rule_defaults_ensure(firm=feedback.firm)
    return {m.rule for m in rules_evaluate(feedback=feedback, rules=rules)}


@pytest.fixture
def source(firm):
    return SourceFactory(firm=firm)


def test_defaults_are_created_once_per_firm(firm):
    rule_defaults_ensure(firm=firm)
    rule_defaults_ensure(firm=firm)
    assert Rule.objects.filter(firm=firm).count() == len(RuleKind.values)


def test_negative_sentiment_needs_the_confidence(source):
    sure = FeedbackFactory(source=source, text="Poor.")
    unsure = FeedbackFactory(source=source, text="Hmm.")
    analyse(sure, negative=0.85)
    analyse(unsure, negative=0.6)
    assert _matched(sure) == {"negative_sentiment"}
    assert _matched(unsure) == set()


def test_strong_emotions(source):
    angry = FeedbackFactory(source=source, text="Fine.")
    analyse(angry, sentiment=Sentiment.NEUTRAL, negative=0.1, emotions={"anger": 0.7, "joy": 0.9})
    mild = FeedbackFactory(source=source, text="Fine too.")
    analyse(mild, sentiment=Sentiment.NEUTRAL, negative=0.1, emotions={"annoyance": 0.3})
    assert _matched(angry) == {"strong_emotion"}
    assert _matched(mild) == set()


@pytest.mark.parametrize(
    ("rating", "scale", "expected"),
    [(6, 10, {"nps_detractor"}), (7, 10, set()), (2, 5, {"csat_low"}), (3, 5, set())],
)
def test_survey_scores(source, rating, scale, expected):
    item = FeedbackFactory(source=source, text="ok", rating=rating, rating_scale=scale)
    assert _matched(item) == expected


def test_talk_of_leaving_is_matched_on_phrases_with_evidence(source):
    item = FeedbackFactory(
        source=source, text="Good team. But we may move our work to another firm next year."
    )
    rules = rule_defaults_ensure(firm=item.firm)
    (match,) = rules_evaluate(feedback=item, rules=rules)
    assert match.rule == "churn_talk"
    assert match.evidence == ["But we may move our work to another firm next year."]


def test_brand_promise_with_negative_sentiment(source, firm):
    promise = BrandPromiseFactory(firm=firm, name="Value for money")
    item = FeedbackFactory(source=source, text="The bill was outrageous.")
    analyse(
        item,
        sentiment=Sentiment.NEUTRAL,
        negative=0.3,
        themes=[(promise, "negative", 0.6, [{"text": "The bill was outrageous.", "score": 0.6}])],
    )
    rules = rule_defaults_ensure(firm=firm)
    (match,) = rules_evaluate(feedback=item, rules=rules)
    assert match.rule == "promise_negative"
    assert match.evidence == ["The bill was outrageous."]


def test_disabled_rules_and_stale_analyses_do_not_flag(source, firm):
    item = FeedbackFactory(source=source, text="Awful.")
    analyse(item, negative=0.95, emotions={"anger": 0.9})
    rule_defaults_ensure(firm=firm)
    Rule.objects.filter(firm=firm, kind="negative_sentiment").update(enabled=False)
    # The text was edited after the analysis: its emotions no longer apply.
    type(item).objects.filter(pk=item.pk).update(text_hash="changed")
    item.refresh_from_db()
    assert _matched(item) == set()


def _churn(feedback):
    rules = rule_defaults_ensure(firm=feedback.firm)
    return next(m for m in rules_evaluate(feedback=feedback, rules=rules) if m.rule == "churn_talk")


@pytest.mark.parametrize(
    ("probability", "priority", "prefix"),
    [
        (0.9, Priority.URGENT, "Talk of leaving: intent"),
        (0.08, Priority.HIGH, "Talk of leaving: possible"),
    ],
)
def test_a_weak_intent_flag_opens_a_possible_leaving_case_one_priority_lower(
    source, probability, priority, prefix
):
    # given a comment the intent detector flagged, surely or only just
    item = FeedbackFactory(source=source, text="We have chased three times and had no answer.")
    analysis = analyse(item, negative=0.95)
    analysis.intent_to_leave, analysis.intent_flag = probability, True
    analysis.save(update_fields=["intent_to_leave", "intent_flag"])
    # when the rules run
    match = _churn(item)
    # then a weak flag is still seen, but does not jump the urgent queue
    assert match.priority == priority
    assert match.detail.startswith(prefix)
