"""One wake-up drains everything pending (nlp.analyse_pending, nlp/drain.py), with a real worker
and Redis: a few broker messages for hundreds of items, and nothing left behind when the broker
drops the wake-up and the worker's connection (the sweep wakes the workers again)."""

import re
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.queues import ANALYSE_PENDING_TASK
from feedback.enqueue import WAKE_FLAG
from feedback.ingest import feedback_candidate
from feedback.ingest_bulk import feedback_ingest_many
from feedback.models import Analysis, AnalysisStatus, Feedback
from feedback.services import feedback_ingest
from feedback.sweeps import feedback_sweep_expired_claims
from tests.conftest import _database_url
from tests.feedback.faults.faultkit import TcpProxy, worker_start, worker_stop

QUEUE = "nlp"
WORKER_ENV = {
    "NLP_BATCH_SIZE": "32",
    "NLP_CLAIM_HEARTBEAT_SECONDS": "0.5",
    "NLP_DRAIN_SECONDS": "60",  # the test settings shorten it for the session worker
}
WORDS = ["late", "replies", "clear", "invoices", "a", "helpful", "partner", "slow", "answers"]


def _text(i: int) -> str:
    return " ".join(WORDS[i % 5 :] + WORDS[: i % 5]) + f" #{i}"


@pytest.fixture
def broker(session_worker_paused):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE, WAKE_FLAG.format(name=ANALYSE_PENDING_TASK))
    yield client
    client.delete(QUEUE, WAKE_FLAG.format(name=ANALYSE_PENDING_TASK))


def _received(log) -> list[str]:
    """The tasks the worker took off the broker, by name, from its log."""
    return re.findall(r"Task (nlp\.\w+)\[[^\]]+\] received", log.read_text())


def _all_analysed(ids: list[int], timeout: float, beat=None) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    items = Feedback.objects.filter(pk__in=ids)
    while items.exclude(analysis_status=AnalysisStatus.DONE).exists():
        if time.monotonic() > deadline:
            return False
        if beat is not None:
            beat()
        time.sleep(1)
    return True


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_hundreds_of_items_are_analysed_from_two_broker_messages(broker, api_source, settings):
    # given 160 items of a bulk import and 40 form posts (a transaction each), saved while no
    # worker runs; a wake-up flag that outlives the test (no expiry in the count)
    settings.NLP_WAKE_TTL_SECONDS = 600
    feedback_ingest_many(
        candidates=[
            feedback_candidate(source=api_source, text=_text(i), external_id=f"bulk-{i}")
            for i in range(160)
        ]
    )
    for i in range(40):
        feedback_ingest(source=api_source, text=_text(1000 + i), external_id=f"form-{i}")
    ids = list(Feedback.objects.values_list("pk", flat=True))
    assert broker.llen(QUEUE) == 1

    # when a worker starts
    worker, log = worker_start(
        queues=QUEUE,
        name="drain",
        database_url=_database_url(),
        extra_env={**WORKER_ENV, "NLP_WAKE_TTL_SECONDS": "600"},
    )
    try:
        analysed = _all_analysed(ids, timeout=240)
        time.sleep(2)  # the wake-up the drain published for a second worker: taken, finds nothing
    finally:
        worker_stop(worker)
        connection.close()

    # then every item is analysed once, from two messages: the one the commits published and the
    # one the first full batch published for any idle worker
    assert analysed, log.read_text()[-3000:]
    assert Analysis.objects.filter(feedback_id__in=ids).count() == 200
    assert _received(log) == [ANALYSE_PENDING_TASK, ANALYSE_PENDING_TASK]
    print(f"\n200 items, {len(_received(log))} broker messages (a task per item before)")


@pytest.mark.worker
@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_every_item_is_analysed_after_the_broker_lost_the_wake_up_and_the_connection(
    broker, api_source, settings
):
    # given a worker reaching Redis through a proxy that has drained 96 items, and a wake-up
    # flag that would silence the senders for ten minutes if nothing else woke the workers
    settings.NLP_WAKE_TTL_SECONDS = 600
    host, port = settings.CELERY_BROKER_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    db = settings.CELERY_BROKER_URL.rsplit("/", 1)[1]
    proxy = TcpProxy((host, int(port)))
    worker, log = worker_start(
        queues=QUEUE,
        name="drain-blip",
        database_url=_database_url(),
        extra_env={
            **WORKER_ENV,
            "NLP_WAKE_TTL_SECONDS": "600",
            "CELERY_BROKER_URL": proxy.url("redis", f"/{db}"),
        },
    )
    try:
        with transaction.atomic():
            for i in range(96):
                feedback_ingest(source=api_source, text=_text(i), external_id=f"a-{i}")
        assert _all_analysed(list(Feedback.objects.values_list("pk", flat=True)), timeout=180)

        # when Redis becomes unreachable for 5 s and forgets what was queued (a restart without
        # its data, the flag kept: the worst case) while 40 more items arrive
        proxy.cut()
        for i in range(96, 136):
            feedback_ingest(source=api_source, text=_text(i), external_id=f"a-{i}")
        broker.delete(QUEUE)
        time.sleep(5)
        proxy.restore()
        ids = list(Feedback.objects.values_list("pk", flat=True))
        time.sleep(3)
        waiting = Feedback.objects.filter(analysis_status=AnalysisStatus.PENDING).count()
        assert broker.exists(WAKE_FLAG.format(name=ANALYSE_PENDING_TASK))

        # then the sweep the beat runs every 10 s (here every second, lease 3 s) wakes the
        # workers, and every item is analysed once
        def beat() -> None:
            feedback_sweep_expired_claims(
                lease_expired_before=timezone.now() - timedelta(seconds=3)
            )

        analysed = _all_analysed(ids, timeout=180, beat=beat)
    finally:
        worker_stop(worker)
        proxy.close()
        connection.close()

    assert waiting == 40, "the lost wake-up was not lost: nothing to recover"
    assert analysed, log.read_text()[-3000:]
    assert worker.returncode is not None
    assert Analysis.objects.filter(feedback_id__in=ids).count() == 136
