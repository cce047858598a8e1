"""People's theme corrections teach the firm's brand promises (no retraining): a confirmed text
becomes an example, a denied text a counter-example. Real engine, real database."""

import pytest

from feedback.models import AnalysisStatus, Feedback, TagKind, ThemeMention, text_hash
from feedback.review.corrections import tag_correct
from nlp.engine.themes import Theme
from nlp.services import feedback_analyse_batch
from tests.factories import BrandPromiseFactory, FeedbackFactory, SourceFactory

DESCRIPTION = "We answer clients quickly and keep them informed."
EXAMPLES = ("they replied within the hour", "took weeks to get back to us")
MISSED = "The partner never returned my calls."  # about responsiveness; the zero-shot misses it
FALSE_HIT = "The receptionist replied to my greeting within seconds."  # matched, but is not


def _names(result) -> list[str]:
    return [t.name for t in result.themes]


def test_a_confirmed_text_teaches_the_theme_to_similar_sentences(nlp_engine):
    # given the zero-shot theme, which misses a sentence about unreturned calls
    plain = Theme("Responsiveness", DESCRIPTION, EXAMPLES)
    taught = Theme("Responsiveness", DESCRIPTION, (*EXAMPLES, MISSED))
    similar = "The associate never returned our calls."
    assert _names(nlp_engine.analyse([similar], [[plain]])[0]) == []
    # when a person's confirmation is one of its examples
    result = nlp_engine.analyse([similar], [[taught]])[0]
    # then a similar sentence now speaks to it
    assert _names(result) == ["Responsiveness"]
    assert result.themes[0].evidence == [similar]


def test_a_denied_text_stops_similar_false_hits_but_not_true_ones(nlp_engine):
    # given a sentence the zero-shot theme matches wrongly
    plain = Theme("Responsiveness", DESCRIPTION, EXAMPLES)
    denied = Theme("Responsiveness", DESCRIPTION, EXAMPLES, counter_examples=(FALSE_HIT,))
    texts = [FALSE_HIT, "The team answered our questions quickly."]
    assert [_names(r) for r in nlp_engine.analyse(texts, [[plain]] * 2)] == [["Responsiveness"]] * 2
    # when a person's denial is a counter-example
    results = nlp_engine.analyse(texts, [[denied]] * 2)
    # then the false hit is gone and the true mention stays
    assert [_names(r) for r in results] == [[], ["Responsiveness"]]


def test_theme_json_accepts_counter_examples():
    theme = Theme.coerce(
        {"name": "Value", "examples": ["fair fees"], "counter_examples": ["x", " "]}
    )
    assert theme.counter_examples == ("x",)
    assert (
        theme.fingerprint()
        != Theme.coerce({"name": "Value", "examples": ["fair fees"]}).fingerprint()
    )


@pytest.mark.django_db
def test_a_correction_in_the_review_queue_changes_the_next_analysis_of_its_firm_only(
    nlp_engine, firm, other_firm, admin_member
):
    # given the same promise in two firms, and an item the model missed in the first
    promise = BrandPromiseFactory(
        firm=firm, name="Responsiveness", description=DESCRIPTION, examples=list(EXAMPLES)
    )
    BrandPromiseFactory(
        firm=other_firm, name="Responsiveness", description=DESCRIPTION, examples=list(EXAMPLES)
    )
    missed = FeedbackFactory(
        source=SourceFactory(firm=firm), text=MISSED, text_hash=text_hash(MISSED)
    )
    feedback_analyse_batch(feedback_ids=[missed.pk], engine=nlp_engine)
    assert not ThemeMention.objects.filter(feedback=missed).exists()
    # when an account manager confirms the promise on it
    tag_correct(
        feedback=missed,
        member=admin_member,
        kind=TagKind.THEME,
        key=str(promise.pk),
        value="present",
    )
    similar = "The associate never returned our calls."
    ours = FeedbackFactory(
        source=SourceFactory(firm=firm), text=similar, text_hash=text_hash(similar)
    )
    theirs = FeedbackFactory(
        source=SourceFactory(firm=other_firm), text=similar, text_hash=text_hash(similar)
    )
    feedback_analyse_batch(feedback_ids=[ours.pk, theirs.pk], engine=nlp_engine)
    # then the firm's next similar item mentions the promise; the other firm is unaffected
    assert list(
        ThemeMention.objects.filter(feedback=ours).values_list("brand_promise", flat=True)
    ) == [promise.pk]
    assert not ThemeMention.objects.filter(feedback=theirs).exists()
    assert Feedback.objects.get(pk=theirs.pk).analysis_status == AnalysisStatus.DONE
