"""The one way to publish a Celery task from a service: by its stable name, after commit.

A broker outage is logged, never raised: the row that asked for the work is already durable and
every kind of work has a periodic sweep (or a person asking again) that catches up. Imports
nothing of our own apart from `config.queues`, so `nlp` and `listening` can use it without a
cycle."""

import logging
from collections.abc import Mapping, Sequence
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
