"""Every task has a stable name with a queue of its own in config/queues.py, and the beat
schedule only names tasks that exist."""

from celery import current_app

from config.queues import TASK_QUEUES


def _our_tasks() -> set[str]:
    current_app.loader.import_default_modules()
    return {name for name in current_app.tasks if not name.startswith("celery.")}


def test_every_registered_task_is_routed_to_a_queue():
    # given every task our apps register
    registered = _our_tasks()

    # when their routes are looked up
    routes = current_app.conf.task_routes

    # then each has an explicit route (no prefix rule decides) and nothing routed is unknown
    assert registered - set(TASK_QUEUES) == set()
    assert set(TASK_QUEUES) - registered == set()
    assert {name: routes[name]["queue"] for name in registered} == {
        name: TASK_QUEUES[name].value for name in registered
    }
    assert not any("*" in pattern for pattern in routes)


def test_beat_schedule_names_registered_tasks_only():
    # given the one beat schedule
    beat = current_app.conf.beat_schedule

    # then each entry runs a task that exists
    assert {entry["task"] for entry in beat.values()} <= _our_tasks()
