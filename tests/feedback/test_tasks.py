"""A real Celery worker process consumes from the broker (Redis in CI) and writes to the DB."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import AnalysisStatus, Feedback
from feedback.sweeps import feedback_sweep_unanalysed
from feedback.tasks import sweep_unanalysed
from tests.conftest import wait_for
from tests.factories import FeedbackFactory


def _stale(**fields) -> Feedback:
    fb = FeedbackFactory(**fields)
    Feedback.objects.filter(pk=fb.pk).update(
        analysis_updated_at=timezone.now() - timedelta(hours=2)
    )
    return fb


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_sweeper_and_writes_to_the_database(celery_worker_process):
    # given: one item stuck pending, one that has used up its attempts
    stuck = _stale()
    hopeless = _stale(analysis_attempts=5)

    # when: the task goes through the broker to the worker process
    sweep_unanalysed.delay()

    # then: the worker (not this process) updated both rows (one statement each, so wait for
    # both: the second may land a moment after the first is visible)
    recently = timezone.now() - timedelta(minutes=5)
    wait_for(lambda: Feedback.objects.get(pk=hopeless.pk).analysis_status == AnalysisStatus.FAILED)
    wait_for(lambda: Feedback.objects.get(pk=stuck.pk).analysis_updated_at > recently)
    stuck.refresh_from_db()
    assert stuck.analysis_status != AnalysisStatus.FAILED


@pytest.mark.django_db
def test_sweeper_twice_requeues_once(api_source):
    stuck = _stale(source=api_source)
    cutoff = timezone.now() - timedelta(minutes=10)

    assert feedback_sweep_unanalysed(older_than=cutoff) == 1
    assert feedback_sweep_unanalysed(older_than=cutoff) == 0
    stuck.refresh_from_db()
    assert stuck.analysis_status == AnalysisStatus.PENDING


@pytest.mark.django_db
def test_sweeper_resets_items_stuck_running(api_source):
    stuck = _stale(source=api_source, analysis_status=AnalysisStatus.RUNNING, analysis_attempts=1)

    feedback_sweep_unanalysed(older_than=timezone.now() - timedelta(minutes=10))

    stuck.refresh_from_db()
    assert stuck.analysis_status == AnalysisStatus.PENDING
    assert stuck.analysis_attempts == 1


@pytest.mark.django_db
def test_sweeper_ignores_recent_and_finished_items(api_source):
    FeedbackFactory(source=api_source)
    _stale(source=api_source, analysis_status=AnalysisStatus.DONE)

    assert feedback_sweep_unanalysed(older_than=timezone.now() - timedelta(minutes=10)) == 0


def test_sweeper_task_arguments_survive_a_json_round_trip():
    import json

    assert json.loads(json.dumps(sweep_unanalysed.name)) == "feedback.sweep_unanalysed"
