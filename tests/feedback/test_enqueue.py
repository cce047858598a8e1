"""Coalesced wake-ups (feedback.enqueue.task_wake_on_commit): however many items a transaction
saves, one message; none while one is waiting; a rolled-back savepoint does not swallow it."""

import base64
import json

import pytest
import redis
from django.db import transaction

from config.queues import ANALYSE_PENDING_TASK
from feedback.enqueue import WAKE_FLAG, task_wake_taken
from feedback.services import feedback_ingest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker(settings, session_worker_paused):
    """The broker's Redis with nothing waiting on the `nlp` queue and no wake-up flag."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("nlp", WAKE_FLAG.format(name=ANALYSE_PENDING_TASK))
    yield client
    client.delete("nlp", WAKE_FLAG.format(name=ANALYSE_PENDING_TASK))


def _queued(broker) -> list[str]:
    tasks = []
    for raw in broker.lrange("nlp", 0, -1):
        message = json.loads(raw)
        args, _, _ = json.loads(base64.b64decode(message["body"]))
        assert args == []  # a wake-up carries no ids: the worker drains what is pending
        tasks.append(message["headers"]["task"])
    return tasks


def _ingest(source, i: int):
    return feedback_ingest(source=source, text=f"Slow replies, item {i}", external_id=f"w-{i}")


def test_a_transaction_saving_many_items_publishes_one_wake_up(broker, api_source):
    # when 200 items are saved in one transaction
    with transaction.atomic():
        for i in range(200):
            _ingest(api_source, i)

    # then one message waits for the workers
    assert _queued(broker) == [ANALYSE_PENDING_TASK]


def test_no_wake_up_is_published_while_one_is_waiting_and_one_is_once_it_was_taken(
    broker, api_source
):
    # given a wake-up waiting (no worker has taken it)
    _ingest(api_source, 0)

    # when 50 more items are saved, one transaction each
    for i in range(1, 51):
        _ingest(api_source, i)

    # then still one message
    assert _queued(broker) == [ANALYSE_PENDING_TASK]

    # and once a worker took it (it clears the flag as it starts), the next commit wakes again
    task_wake_taken(ANALYSE_PENDING_TASK)
    _ingest(api_source, 51)
    assert _queued(broker) == [ANALYSE_PENDING_TASK] * 2


def test_a_wake_up_asked_for_in_a_rolled_back_savepoint_is_asked_for_again(broker, api_source):
    # when the first item's savepoint rolls back and a later item of the same transaction is kept
    with transaction.atomic():
        try:
            with transaction.atomic():
                _ingest(api_source, 0)
                raise RuntimeError("the caller gives up on this one")
        except RuntimeError:
            pass
        _ingest(api_source, 1)

    # then the kept item's wake-up is published
    assert _queued(broker) == [ANALYSE_PENDING_TASK]


def test_a_rolled_back_transaction_publishes_nothing(broker, api_source):
    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        _ingest(api_source, 0)
        raise RuntimeError("rolled back")

    # then
    assert _queued(broker) == []
    assert not broker.exists(WAKE_FLAG.format(name=ANALYSE_PENDING_TASK))


def test_the_benches_baseline_publishes_a_task_per_item(broker, api_source, settings):
    # given the old path
    settings.NLP_ENQUEUE_PER_ITEM = True

    # when
    with transaction.atomic():
        for i in range(5):
            _ingest(api_source, i)

    # then
    assert [json.loads(raw)["headers"]["task"] for raw in broker.lrange("nlp", 0, -1)] == [
        "nlp.analyse_batch"
    ] * 5
