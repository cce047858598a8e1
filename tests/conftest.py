"""Shared fixtures: personas of two firms, and a real Celery worker process."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from feedback.models import Role
from tests.factories import ClientFactory, FirmFactory, MemberFactory, SourceFactory
from tests.workers import worker_start

ROOT = Path(__file__).resolve().parent.parent
_SESSION_WORKER: subprocess.Popen | None = None


@pytest.fixture
def firm():
    return FirmFactory(name="Acme Legal LLP", slug="acme")


@pytest.fixture
def other_firm():
    return FirmFactory(name="Rival Accountants", slug="rival")


@pytest.fixture
def admin_member(firm):
    return MemberFactory(firm=firm, role=Role.ADMIN, user__username="alice-admin")


@pytest.fixture
def analyst(firm):
    return MemberFactory(firm=firm, role=Role.ANALYST, user__username="annie-analyst")


@pytest.fixture
def account_manager(firm):
    return MemberFactory(firm=firm, role=Role.ACCOUNT_MANAGER, user__username="amy-am")


@pytest.fixture
def teammate(firm):
    return MemberFactory(firm=firm, role=Role.ACCOUNT_MANAGER, user__username="tom-am")


@pytest.fixture
def outsider(other_firm):
    """The other firm's admin: must never see anything of `firm`."""
    return MemberFactory(firm=other_firm, role=Role.ADMIN, user__username="oscar-outsider")


@pytest.fixture
def client_of(account_manager):
    client = ClientFactory(firm=account_manager.firm, name="Globex Corp")
    client.account_managers.add(account_manager)
    return client


@pytest.fixture
def api_source(firm):
    return SourceFactory(firm=firm, name="API")


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen]:
    """A real `celery worker` process on every queue, talking to the test database and to the
    broker from CELERY_BROKER_URL. Started once per test session; pair it with `transactional_db`
    so the rows it needs are committed."""

    with django_db_blocker.unblock():
        db_url = _database_url()
    _queues_purged()
    try:
        proc, _ = worker_start(
            queues="default,ingest,nlp,email", name="worker", database_url=db_url
        )
    except AssertionError as exc:
        pytest.fail(str(exc))
    global _SESSION_WORKER  # noqa: PLW0603 - the one session worker, read by the teardown hook
    _SESSION_WORKER = proc
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def session_worker_paused() -> Iterator[None]:
    """The session worker (if a test started it) stops consuming for this test, so that what the
    test publishes stays on the broker for it to count; it consumes again afterwards."""
    from config.celery import app

    running = _SESSION_WORKER is not None and _SESSION_WORKER.poll() is None
    queues = ("default", "ingest", "nlp", "email")
    if running:
        for queue in queues:
            app.control.cancel_consumer(queue, reply=True, timeout=5)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _worker_running_a_task():
            time.sleep(0.2)
    yield
    if running:
        for queue in queues:
            app.control.add_consumer(queue, reply=True, timeout=5)


def _queues_purged() -> None:
    """Every queue emptied, and with them the wake-up they held: its flag goes too, or the next
    test's commits would take it for waiting and publish none (feedback.enqueue.task_wake)."""
    from config.celery import app
    from config.queues import ANALYSE_PENDING_TASK
    from feedback.enqueue import task_wake_taken

    app.control.purge()
    task_wake_taken(ANALYSE_PENDING_TASK)


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    """Poll until `predicate()` is truthy (used with the real worker); returns its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def _worker_running_a_task() -> bool:
    from config.celery import app

    replies = app.control.inspect(timeout=0.5).active() or {}
    return any(replies.values())


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Before a transactional test's database is flushed, the session worker (once started, it
    consumes what any later test queues) gets nothing new and finishes what it runs: a TRUNCATE
    racing the worker's own queries can deadlock the flush."""
    if _SESSION_WORKER is None or _SESSION_WORKER.poll() is not None:
        return
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    if not transactional:
        return

    _queues_purged()  # the database is about to be emptied: queued work has nothing to do
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _worker_running_a_task():
        time.sleep(0.2)
