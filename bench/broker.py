"""The broker as the benches see it: which enqueue path the publishers take, what is queued.

mode_set("per_item")   # the old path: a task per item (per batch for a bulk), the baseline
mode_set("wake")       # coalesced wake-ups (nlp.analyse_pending), the default
"""

import os

MODES = ("per_item", "wake")


def mode_set(mode: str) -> None:
    """The enqueue path of this process and of the processes it starts after (workers,
    gunicorn): NLP_ENQUEUE_PER_ITEM, read by feedback.services.analysis_request_on_commit."""
    from django.conf import settings

    if mode not in MODES:
        raise ValueError(f"unknown enqueue mode {mode!r}; one of {MODES}")
    settings.NLP_ENQUEUE_PER_ITEM = mode == "per_item"
    os.environ["NLP_ENQUEUE_PER_ITEM"] = str(settings.NLP_ENQUEUE_PER_ITEM).lower()


def broker_reset(app) -> None:  # noqa: ANN001
    """Nothing queued, no wake-up flag (a purge drops the wake-up the flag stands for)."""
    from config.queues import ANALYSE_PENDING_TASK
    from feedback.enqueue import task_wake_taken

    app.control.purge()
    task_wake_taken(ANALYSE_PENDING_TASK)


def queued(queue: str = "nlp") -> int:
    """Messages waiting on a queue of the (Redis) broker."""
    import redis
    from django.conf import settings

    return int(redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue))
