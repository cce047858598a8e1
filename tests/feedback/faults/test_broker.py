"""The default-queue worker of Procfile.dev survives a broker blip and goes on consuming."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from feedback.models import Feedback
from tests.conftest import _database_url
from tests.factories import FeedbackFactory
from tests.feedback.faults.faultkit import TcpProxy, worker_start, worker_stop

QUEUE = "faults-default"
ROOT = Path(__file__).resolve().parents[3]


def _procfile_worker_args() -> list[str]:
    """The pool and concurrency options of Procfile.dev's `worker:` line, as a person runs it."""
    line = next(
        ln for ln in (ROOT / "Procfile.dev").read_text().splitlines() if ln.startswith("worker:")
    )
    return re.findall(r"--(?:pool|concurrency)[= ]\S+", line)


def _stale_item() -> Feedback:
    item = FeedbackFactory()
    Feedback.objects.filter(pk=item.pk).update(
        analysis_updated_at=timezone.now() - timedelta(hours=2)
    )
    return item


def _sweep_and_wait(item: Feedback, timeout: float) -> bool:
    """Send the sweep through the broker; True once the worker re-queued `item` (row touched)."""
    current_app.send_task("feedback.sweep_unanalysed", queue=QUEUE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        touched = Feedback.objects.get(pk=item.pk).analysis_updated_at
        if touched > timezone.now() - timedelta(minutes=5):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_procfile_worker_consumes_again_after_the_broker_was_unreachable():
    # given the Procfile's worker, reaching Redis through a proxy this test controls
    host, port = settings.CELERY_BROKER_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    db = settings.CELERY_BROKER_URL.rsplit("/", 1)[1]
    proxy = TcpProxy((host, int(port)))
    pool_args = _procfile_worker_args()
    worker, log = worker_start(
        queues=QUEUE,
        name="blip",
        database_url=_database_url(),
        extra_env={"CELERY_BROKER_URL": proxy.url("redis", f"/{db}")},
        options=pool_args,
    )
    try:
        assert _sweep_and_wait(_stale_item(), timeout=30), "worker did not work before the blip"

        # when Redis is unreachable for 5 s, twice, while tasks are in flight (each waits on a
        # row this test holds locked, so it is unacknowledged when the connection drops)
        held = _stale_item()
        for _ in range(2):
            with transaction.atomic():
                Feedback.objects.select_for_update().get(pk=held.pk)
                for _ in range(4):
                    current_app.send_task("feedback.sweep_unanalysed", queue=QUEUE)
                time.sleep(1.5)
                proxy.cut()
                time.sleep(5)
                proxy.restore()
            time.sleep(2)

        # then the same worker process is alive and consumes again
        assert worker.poll() is None, log.read_text()[-3000:]
        assert _sweep_and_wait(_stale_item(), timeout=60), log.read_text()[-3000:]
    finally:
        worker_stop(worker)
        proxy.close()
        connection.close()


def test_every_docker_compose_service_restarts_when_its_process_exits():
    import yaml

    # given
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    # then
    policies = {name: svc.get("restart") for name, svc in compose["services"].items()}
    assert set(policies.values()) == {"unless-stopped"}, policies
