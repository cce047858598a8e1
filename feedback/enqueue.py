"""The one way to publish a Celery task from a service: by its stable name, after commit.

A broker outage is logged, never raised: the row that asked for the work is already durable and
every kind of work has a periodic sweep (or a person asking again) that catches up. Imports
nothing of our own apart from `config.queues`, so `nlp` and `listening` can use it without a
cycle.

Work that drains a table (the analysis of pending items) is published as a coalesced wake-up
instead (`task_wake_on_commit`): one message per commit, none while one is already waiting."""

import logging
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def task_send(
    name: str,
    args: Sequence[Any] = (),
    *,
    kwargs: Mapping[str, Any] | None = None,
    countdown: float | None = None,
) -> bool:
    """Publish now (outside a transaction, or from a task). Returns False if the broker refused."""
    try:
        current_app.send_task(name, args=list(args), kwargs=dict(kwargs or {}), countdown=countdown)
    except Exception:  # noqa: BLE001 - any broker failure; sweeps catch up
        logger.warning(
            "could not enqueue %s%s%s; a sweep will retry", name, list(args), kwargs or ""
        )
        return False
    return True


def task_send_on_commit(
    name: str,
    args: Sequence[Any] = (),
    *,
    kwargs: Mapping[str, Any] | None = None,
    countdown: float | None = None,
) -> None:
    """Publish once the current transaction commits (at once when there is none); nothing is
    sent if it rolls back. Arguments are ids and JSON values only."""
    frozen_args, frozen_kwargs = list(args), dict(kwargs or {})
    transaction.on_commit(
        lambda: task_send(name, frozen_args, kwargs=frozen_kwargs, countdown=countdown)
    )


# A wake-up is a task without arguments that drains whatever is waiting (pending rows). One
# waiting in the queue is enough, so a flag in the broker's Redis (set with the message, cleared
# by the task when it starts) keeps a stream of commits from queueing one each. The flag expires
# after `ttl` seconds: a wake-up lost with the broker (a purge, a restart from an old snapshot)
# or with a worker killed before it started only silences the senders that long, and the sweeps
# catch up on anything it left.
WAKE_FLAG = "earshot:wake:{name}"
_flag_clients: dict[str, Any] = {}


def _flag_client() -> Any | None:
    """A Redis client on the broker's database, or None when the broker is not Redis (then every
    commit publishes its wake-up: still one per transaction, not one per item)."""
    url = str(current_app.conf.broker_url or "")
    if not url.startswith(("redis://", "rediss://")):
        return None
    if url not in _flag_clients:
        import redis

        _flag_clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _flag_clients[url]


def task_wake(name: str, *, ttl: float, force: bool = False) -> bool:
    """Publish the wake-up task `name` now, unless one is already waiting (its flag is set) and
    not `force` (a sweep that found work waiting too long: the waiting one may be lost). Returns
    False only when the broker refused it. With the flag store unreachable, it publishes anyway:
    a duplicate wake-up costs a message, a missing one costs the sweeps' delay."""
    client, key = _flag_client(), WAKE_FLAG.format(name=name)
    if client is not None:
        try:
            fresh = client.set(key, "1", nx=not force, px=max(1, int(ttl * 1000)))
            if not fresh:
                return True
        except Exception:  # noqa: BLE001 - any Redis failure; publishing is the safe side
            logger.warning("could not read the wake-up flag of %s; publishing", name)
    sent = task_send(name)
    if not sent and client is not None:
        task_wake_taken(name)  # nothing is waiting after all: the next commit tries again
    return sent


def task_wake_taken(name: str) -> None:
    """Called by the wake-up task as it starts, before it looks for work: anything committed
    after this publishes a new wake-up, anything committed before is visible to it."""
    client = _flag_client()
    if client is None:
        return
    try:
        client.delete(WAKE_FLAG.format(name=name))
    except Exception:  # noqa: BLE001 - the flag expires by itself
        logger.warning("could not clear the wake-up flag of %s", name)


def task_wake_on_commit(name: str, *, ttl: float) -> None:
    """`task_wake` once the current transaction commits, once per transaction however often it
    is asked (at once when there is no transaction; nothing if it rolls back). A wake-up asked
    for inside a savepoint that rolls back is dropped with it, and asked for again by the next
    caller."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(
        getattr(func, "wake", None) == name for _, func, _ in conn.run_on_commit
    ):
        return
    callback = partial(task_wake, name, ttl=ttl)
    callback.wake = name  # type: ignore[attr-defined]
    transaction.on_commit(callback)
