"""A killed NLP worker's batch is handed on in seconds, not after the 10-minute sweep."""

import time
from datetime import timedelta

import pytest
from celery import current_app
from django.db import connection
from django.utils import timezone

from feedback.models import Analysis, AnalysisStatus, Feedback
from feedback.sweeps import feedback_sweep_expired_claims
from tests.conftest import _database_url
from tests.factories import FeedbackFactory, SourceFactory
from tests.feedback.faults.faultkit import worker_kill, worker_start, worker_stop

FIRST_QUEUE = "faults-nlp"  # only the worker we kill consumes it: its batches are the first ones
LEASE_S = 3.0
WORDS = [
    "late",
    "replies",
    "unclear",
    "invoices",
    "a",
    "helpful",
    "partner",
    "an",
    "excellent",
    "outcome",
    "slow",
    "answers",
]


def _purge(queue: str) -> None:
    with current_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_has_its_items_analysed_within_seconds():
    # given 160 pending items and a worker analysing them in batches of 32
    source = SourceFactory()
    items = [
        FeedbackFactory(source=source, text=" ".join(WORDS[i % 7 :] + WORDS[: i % 7]) + f" #{i}")
        for i in range(128)
    ]
    ids = [fb.pk for fb in items]
    db_url = _database_url()
    fast_lease = {"NLP_BATCH_SIZE": "32", "NLP_CLAIM_HEARTBEAT_SECONDS": "0.5"}
    _purge(FIRST_QUEUE)
    doomed, _ = worker_start(
        queues=FIRST_QUEUE, name="doomed", database_url=db_url, extra_env=fast_lease
    )
    survivor = None
    try:
        for start in range(0, len(ids), 32):
            current_app.send_task(
                "nlp.analyse_batch", args=[ids[start : start + 32]], queue=FIRST_QUEUE
            )

        # when it is killed with SIGKILL while a batch is claimed, after finishing at least one
        deadline = time.monotonic() + 180
        while True:
            statuses = set(Feedback.objects.filter(pk__in=ids).values_list("analysis_status"))
            if {(AnalysisStatus.DONE,), (AnalysisStatus.RUNNING,)} <= statuses:
                break
            assert time.monotonic() < deadline, "the worker never got going"
            time.sleep(0.02)
        worker_kill(doomed)
        killed_at = time.monotonic()
        orphaned = set(
            Feedback.objects.filter(pk__in=ids, analysis_status=AnalysisStatus.RUNNING).values_list(
                "pk", flat=True
            )
        )
        survivor, _ = worker_start(
            queues=f"nlp,{FIRST_QUEUE}", name="survivor", database_url=db_url, extra_env=fast_lease
        )
        # the beat schedule runs the sweep every few seconds; here the test is the beat
        while (
            Feedback.objects.filter(pk__in=ids)
            .exclude(analysis_status=AnalysisStatus.DONE)
            .exists()
        ):
            assert time.monotonic() - killed_at < 120, "items still not analysed after 120 s"
            feedback_sweep_expired_claims(
                lease_expired_before=timezone.now() - timedelta(seconds=LEASE_S)
            )
            time.sleep(1)
        recovered_s = time.monotonic() - killed_at
    finally:
        worker_kill(doomed)
        if survivor is not None:
            worker_stop(survivor)
        _purge(FIRST_QUEUE)
        connection.close()

    # then every item is analysed exactly once, the orphans by the survivor, within seconds
    assert orphaned, "the kill did not interrupt a claimed batch"
    assert Analysis.objects.filter(feedback_id__in=ids).count() == len(ids)
    assert set(Feedback.objects.filter(pk__in=ids).values_list("analysis_status", flat=True)) == {
        AnalysisStatus.DONE
    }
    print(
        f"\nkilled mid-batch: {len(orphaned)} orphaned items; all {len(ids)} analysed "
        f"{recovered_s:.1f} s after the kill (incl. starting a new worker; 2 shared CPU cores)"
    )
    assert recovered_s < 90
