"""`Feedback.current_analysis`, the marker the explorer's promise and emotion filters read, stays
the current analysis by the rule of `feedback.analysis` (`analysis_current`, the newest analysis
of the item's text as it is now) through every write: a re-analysis by the NLP writer, a
person's correction, a new text (and a return to an earlier one), erasure, and the migration
that backfilled it."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.http import QueryDict
from django.utils import timezone

from feedback.analysis import analysis_current
from feedback.items.explorer import explorer_filter, explorer_result
from feedback.models import Analysis, AnalysisStatus, Feedback, TagKind
from feedback.privacy.services import contact_erase
from feedback.review.corrections import tag_correct
from feedback.services import feedback_current_analysis_set, feedback_text_replace
from nlp.engine.result import EmotionResult, Result, SentimentResult, ThemeResult
from nlp.results import analysis_write

pytestmark = pytest.mark.django_db


def _marker(fb: Feedback) -> Analysis | None:
    """The stored marker, after checking it is the rule's current analysis."""
    fb.refresh_from_db()
    assert fb.current_analysis == analysis_current(feedback=fb)
    return fb.current_analysis


def _found(member, query: str) -> list[int]:
    filters = explorer_filter(member=member, params=QueryDict(query))
    return [fb.pk for fb in explorer_result(filters)]


def _write(fb: Feedback, *, version: str, emotion: str, promise=None) -> Analysis | None:
    """What the NLP worker does: claim the item (running), then write its result."""
    Feedback.objects.filter(pk=fb.pk).update(analysis_status=AnalysisStatus.RUNNING)
    fb.refresh_from_db()
    themes = (
        [ThemeResult(promise.name, 0.7, "positive", 0.6, [], key=promise.pk)] if promise else []
    )
    result = Result(
        sentiment=SentimentResult(label="positive", scores={"negative": 0.1, "positive": 0.8}),
        sentences=[],
        emotions=EmotionResult(labels=[emotion], scores={emotion: 0.8}),
        themes=themes,
    )
    return analysis_write(
        feedback_id=fb.pk, text_hash=fb.text_hash, result=result, model_version=version
    )


def test_a_reanalysis_moves_the_marker_and_the_filters_with_it(analyst, corpus):
    # given the slow item, analysed by test-1 as annoyed and negative about responsiveness
    c = corpus
    first = _marker(c.slow)
    assert c.slow.pk in _found(analyst, "emotion=annoyance")

    # when another model version analyses it again: relief, responsiveness spoken well of
    written = _write(c.slow, version="test-2", emotion="relief", promise=c.speed)

    # then the marker is the new analysis, and the filters read its tags, not the older ones
    assert written is not None and _marker(c.slow) == written != first
    assert c.slow.pk in _found(analyst, "emotion=relief")
    assert c.slow.pk not in _found(analyst, "emotion=annoyance")
    assert c.slow.pk in _found(analyst, f"promise={c.speed.pk}&promise_sentiment=positive")
    assert c.slow.pk not in _found(analyst, f"promise={c.speed.pk}&promise_sentiment=negative")


def test_rewriting_an_older_model_version_keeps_the_rule_not_the_last_row_written(corpus):
    # given test-1 written two days ago and test-2 yesterday
    c = corpus
    older = Analysis.objects.get(feedback=c.slow)
    newer = _write(c.slow, version="test-2", emotion="relief")
    Analysis.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    Analysis.objects.filter(pk=newer.pk).update(created_at=timezone.now() - timedelta(days=1))
    feedback_current_analysis_set(feedback_ids=[c.slow.pk])
    assert _marker(c.slow) == newer

    # when the writer upserts test-1 again (same text)
    rewritten = _write(c.slow, version="test-1", emotion="anger")

    # then the marker is what the rule says (an upsert keeps the row's first write time)
    assert rewritten is not None and rewritten.pk == older.pk
    assert _marker(c.slow) is not None


def test_a_correction_keeps_the_marker_and_the_filters_count_it(analyst, admin_member, corpus):
    # given
    c = corpus
    before = _marker(c.invoice)
    assert c.invoice.pk not in _found(analyst, "emotion=disappointment")

    # when a person says the invoice item is disappointed, and not angry
    for label, value in (("disappointment", "present"), ("anger", "absent")):
        tag_correct(
            feedback=c.invoice, member=admin_member, kind=TagKind.EMOTION, key=label, value=value
        )

    # then the marker is unchanged and the filters follow the person
    assert _marker(c.invoice) == before
    assert c.invoice.pk in _found(analyst, "emotion=disappointment")
    assert c.invoice.pk not in _found(analyst, "emotion=anger")


def test_a_new_text_clears_the_marker_and_the_earlier_text_brings_its_analysis_back(
    analyst, corpus
):
    # given the praise item, analysed as grateful
    c = corpus
    original, analysed = c.praise.text, _marker(c.praise)
    promise = f"promise={c.speed.pk}"
    assert c.praise.pk in _found(analyst, promise)

    # when the survey answer is re-submitted with another text
    feedback_text_replace(
        feedback=c.praise, text="Changed my mind.", rating=4, rating_scale=10, raw={}
    )

    # then it has no current analysis until the new text is analysed
    assert _marker(c.praise) is None
    assert c.praise.pk not in _found(analyst, promise)
    assert c.praise.pk not in _found(analyst, "emotion=gratitude")
    of_new_text = _write(c.praise, version="test-2", emotion="confusion")
    assert _marker(c.praise) == of_new_text
    assert c.praise.pk in _found(analyst, "emotion=confusion")

    # and when the earlier answer is submitted again, the analysis of that text is current again
    c.praise.refresh_from_db()
    feedback_text_replace(feedback=c.praise, text=original, rating=10, rating_scale=10, raw={})
    assert _marker(c.praise) == analysed
    assert c.praise.pk in _found(analyst, promise)
    assert c.praise.pk not in _found(analyst, "emotion=confusion")


def test_erasing_the_words_keeps_the_newest_analysis_current(analyst, admin_member, corpus):
    # given the slow item analysed twice, test-2 the newer
    c = corpus
    newer = _write(c.slow, version="test-2", emotion="relief")
    Feedback.objects.filter(pk=c.slow.pk).update(text="Edited.", text_hash="edited")
    feedback_current_analysis_set(feedback_ids=[c.slow.pk])
    assert _marker(c.slow) is None

    # when its contact is erased (every analysis gets the erased text's hash)
    contact_erase(contact=c.slow.contact, member=admin_member, confirm=c.slow.contact.email)

    # then the newest analysis is current again
    assert _marker(c.slow) == newer
    assert c.slow.pk in _found(analyst, "emotion=relief")


def test_the_migration_backfills_the_marker_by_the_rule(corpus):
    # given markers lost, and one item whose text changed since it was analysed
    c = corpus
    Feedback.objects.filter(pk=c.invoice.pk).update(text="Edited.", text_hash="edited")
    Feedback.objects.update(current_analysis=None)

    # when
    migration = importlib.import_module("feedback.migrations.0022_feedback_current_analysis")
    migration.backfill(apps, None)

    # then every item has the rule's current analysis, the edited one none
    items = list(Feedback.objects.all())
    assert len(items) >= 4 and all(_marker(fb) == analysis_current(feedback=fb) for fb in items)
    assert _marker(c.invoice) is None and _marker(c.slow) is not None
