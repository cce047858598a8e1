"""The per-firm promise classifier (nlp/engine/promise_model.py): learnt from a firm's confirmed
and denied corrections past a guard, it changes which sentences speak to a promise. Unit tests
on small vectors, then the real engine, then the real database end to end."""

import numpy as np
import pytest

from feedback.models import AnalysisStatus, Feedback, TagKind, ThemeMention, text_hash
from feedback.review.corrections import tag_correct
from nlp.engine import promise_model as pm
from nlp.engine.themes import Theme
from nlp.selectors import themes_by_firm
from nlp.services import feedback_analyse_batch
from tests.factories import BrandPromiseFactory, FeedbackFactory, SourceFactory

DESCRIPTION = "We answer clients quickly and keep them informed."
EXAMPLES = ("they replied within the hour", "took weeks to get back to us")
CONFIRMED = (
    "Still no word on the draft we were promised last week.",
    "I have chased the completion date four times.",
    "Nobody has returned my calls for ten days.",
    "We waited a month for a simple letter.",
    "It took three reminders before anyone got back to us.",
)
DENIED = (
    "The receptionist replied to my greeting within seconds.",
    "The lift arrived quickly.",
    "The taxi came within minutes of our call.",
    "The coffee machine responds instantly.",
    "The hotel answered our booking email the same day.",
)
LIKE_DENIED = "The restaurant answered the phone straight away."
TRUE_MENTIONS = ["They replied within the hour.", "The team answered our questions quickly."]
VALUE = Theme("Value for money", "Our fees are fair and predictable for the work delivered.")


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_logistic_fit_separates_two_clusters_and_is_balanced():
    # given 5 positives around one direction and 50 negatives around another
    rng = np.random.default_rng(0)
    pos = _unit(np.array([1.0, 0, 0]) + 0.1 * rng.normal(size=(5, 3)))
    neg = _unit(np.array([0, 1.0, 0]) + 0.1 * rng.normal(size=(50, 3)))
    # when fitted
    model = pm.logistic_fit(np.vstack([pos, neg]), np.r_[np.ones(5), np.zeros(50)])
    # then each side is read as its own, the rare class included
    assert model.proba(pos).min() > 0.7
    assert model.proba(neg).max() < 0.3
    assert model.proba(np.zeros((0, 3))).shape == (0,)


def test_model_fit_refuses_to_learn_from_too_few_corrections():
    x = np.eye(4, dtype=np.float32)
    few = pm.MIN_CONFIRMED - 1
    assert pm.model_fit(x, x[: pm.MIN_DENIED], x[:0], n_confirmed=few) is None
    assert pm.model_fit(x, x[: pm.MIN_DENIED - 1], x[:0], n_confirmed=pm.MIN_CONFIRMED) is None
    assert pm.model_fit(x, np.vstack([x] * 2), x[:0], n_confirmed=pm.MIN_CONFIRMED) is not None


def test_taught_hits_adds_sure_sentences_drops_unlikely_matches_and_leaves_untaught_themes():
    # given a classifier that reads the first coordinate, and the matcher's decisions
    model = pm.PromiseModel(weights=np.array([20.0, 0.0], np.float32), bias=-10.0)
    emb = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], np.float32)
    found = np.array([[False, True], [True, True], [False, False]])
    # when the first theme is taught and the second is not
    out = pm.taught_hits(found, [model, None], emb, emb[:0], np.zeros(0, np.int64))
    # then the sure sentence is added, the unlikely match dropped, the second theme unchanged
    assert out[:, 0].tolist() == [True, False, False]
    assert out[:, 1].tolist() == found[:, 1].tolist()


def test_a_clause_the_classifier_is_sure_of_makes_its_sentence_a_mention():
    model = pm.PromiseModel(weights=np.array([20.0, 0.0], np.float32), bias=-10.0)
    emb = np.array([[0.0, 1.0]], np.float32)
    clause = np.array([[1.0, 0.0]], np.float32)
    found = np.zeros((1, 1), bool)
    out = pm.taught_hits(found, [model], emb, clause, np.array([0]))
    assert out.tolist() == [[True]]


def _names(results) -> list[list[str]]:
    return [[t.name for t in r.themes if t.name == "Responsiveness"] for r in results]


def test_enough_corrections_teach_the_engine_a_pattern_and_too_few_change_nothing(nlp_engine):
    # given the zero-shot promise, which takes a restaurant's phone manner for responsiveness
    plain = Theme("Responsiveness", DESCRIPTION, EXAMPLES)
    texts = [LIKE_DENIED, *TRUE_MENTIONS]
    assert _names(nlp_engine.analyse(texts, [[plain, VALUE]] * 3)) == [["Responsiveness"]] * 3
    # when a firm's people confirmed five texts and denied five like it
    taught = Theme(
        "Responsiveness", DESCRIPTION, EXAMPLES, counter_examples=DENIED, confirmed=CONFIRMED
    )
    results = nlp_engine.analyse(texts, [[taught, VALUE]] * 3)
    # then the classifier drops the pattern they denied and keeps the true mentions
    assert _names(results) == [[], ["Responsiveness"], ["Responsiveness"]]
    # and with one confirmation short of the guard no classifier is fitted
    short = Theme(
        "Responsiveness", DESCRIPTION, EXAMPLES, counter_examples=DENIED, confirmed=CONFIRMED[:-1]
    )
    assert nlp_engine._models_of([short, VALUE], [nlp_engine._theme_embeddings(short)] * 2) == [
        None,
        None,
    ]


def test_theme_json_accepts_confirmed_texts():
    theme = Theme.coerce({"name": "Value", "confirmed": ["fees as quoted", ""]})
    assert theme.confirmed == ("fees as quoted",)
    assert theme.prototypes()[-1] == "fees as quoted"
    assert theme.fingerprint() != Theme.coerce({"name": "Value", "examples": ["fees as quoted"]})


@pytest.mark.django_db
def test_corrections_in_the_database_teach_the_next_analysis_of_that_firm_only(
    nlp_engine, firm, other_firm, admin_member
):
    # given the same promise in two firms and an item both analyses take for responsiveness
    ours_promise = BrandPromiseFactory(
        firm=firm, name="Responsiveness", description=DESCRIPTION, examples=list(EXAMPLES)
    )
    BrandPromiseFactory(firm=firm, name=VALUE.name, description=VALUE.description, examples=[])
    BrandPromiseFactory(
        firm=other_firm, name="Responsiveness", description=DESCRIPTION, examples=list(EXAMPLES)
    )
    source, other_source = SourceFactory(firm=firm), SourceFactory(firm=other_firm)

    def item(text: str, src=source) -> Feedback:
        return FeedbackFactory(source=src, text=text, text_hash=text_hash(text))

    ours, theirs = item(LIKE_DENIED), item(LIKE_DENIED, other_source)
    feedback_analyse_batch(feedback_ids=[ours.pk, theirs.pk], engine=nlp_engine)
    assert ThemeMention.objects.filter(feedback=ours, brand_promise=ours_promise).exists()
    # when the firm's people confirm the promise on five items and deny it on five others
    for text, value in [*((t, "present") for t in CONFIRMED), *((t, "absent") for t in DENIED)]:
        tag_correct(
            feedback=item(text),
            member=admin_member,
            kind=TagKind.THEME,
            key=str(ours_promise.pk),
            value=value,
        )
    taught = next(t for t in themes_by_firm({firm.pk})[firm.pk] if t.key == ours_promise.pk)
    assert (len(taught.confirmed), len(taught.counter_examples)) == (5, 5)
    # (re-analysis puts the items back to pending, as feedback.reanalysis does)
    Feedback.objects.filter(pk__in=[ours.pk, theirs.pk]).update(
        analysis_status=AnalysisStatus.PENDING
    )
    feedback_analyse_batch(feedback_ids=[ours.pk, theirs.pk], engine=nlp_engine)
    # then the denied pattern is no longer the promise on the firm's item; the other firm's stays
    assert Feedback.objects.get(pk=ours.pk).analysis_status == AnalysisStatus.DONE
    assert not ThemeMention.objects.filter(feedback=ours, brand_promise=ours_promise).exists()
    assert ThemeMention.objects.filter(feedback=theirs).exists()
