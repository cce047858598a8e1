"""Celery settings: broker, queues, one route per task and the one beat schedule.

Read by config/celery.py through Django settings (the CELERY_ prefix). Task names and their
queues are declared in config/queues.py; this module only turns them into Celery's settings.
"""

from datetime import timedelta

from kombu import Queue

from config import queues as q
from config.env import VAR_DIR, env

# The embedded default broker is kombu's filesystem transport: no server, and the web process,
# worker and beat share it through a folder under var/.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A broker outage of any length never ends a worker: it keeps reconnecting (with backoff).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# Safe because every task is idempotent: a task lost with its worker is redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = q.Queues.DEFAULT.value
CELERY_TASK_QUEUES = [Queue(queue.value) for queue in q.Queues]
# One route per task, never by name prefix: a name is a stable contract, a queue is deployment.
CELERY_TASK_ROUTES = {name: {"queue": queue.value} for name, queue in q.TASK_QUEUES.items()}

CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The one place periodic work is declared; django-celery-beat copies it into the database, where
# admins can adjust it. The keys are the names of those database rows: renaming one would leave
# the old row behind (and run the task twice), so they keep the spelling they were created with.
CELERY_BEAT_SCHEDULE = {
    "feedback-sweep-unanalysed": {
        "task": q.SWEEP_UNANALYSED_TASK,
        "schedule": timedelta(minutes=5),
    },
    "feedback-sweep-expired-claims": {
        "task": q.SWEEP_EXPIRED_CLAIMS_TASK,
        "schedule": timedelta(seconds=10),
    },
    "feedback-sweep-review-gaps": {
        "task": q.SWEEP_REVIEW_GAPS_TASK,
        "schedule": timedelta(minutes=1),
    },
    "feedback-escalate-overdue-cases": {
        "task": q.ESCALATE_OVERDUE_CASES_TASK,
        "schedule": timedelta(minutes=5),
    },
    "feedback-retry-webhooks": {
        "task": q.RETRY_WEBHOOKS_TASK,
        "schedule": timedelta(minutes=2),
    },
    "feedback-weekly-digests": {
        "task": q.SEND_WEEKLY_DIGESTS_TASK,
        "schedule": timedelta(hours=1),  # idempotent per member and week; hourly catches up
    },
    "feedback-refresh-rollups": {
        "task": q.REFRESH_ROLLUPS_TASK,
        "schedule": timedelta(minutes=10),
    },
    "feedback-retention-purge": {
        "task": q.RETENTION_PURGE_TASK,
        "schedule": timedelta(hours=1),  # a bounded batch per firm; hourly drains a backlog
    },
    "listening-poll-due-sources": {
        "task": q.POLL_DUE_SOURCES_TASK,
        "schedule": timedelta(minutes=1),
    },
    "email.send_due_invitations": {
        "task": q.SEND_DUE_INVITATIONS_TASK,
        "schedule": timedelta(minutes=1),
    },
    "listening.review_requests_for_closed_engagements": {
        "task": q.REVIEW_REQUESTS_TASK,
        "schedule": timedelta(hours=24),
    },
    "listening.retry_deferred_invitations": {
        "task": q.RETRY_DEFERRED_INVITATIONS_TASK,
        "schedule": timedelta(minutes=15),
    },
    "nlp-topics-sweep": {
        "task": q.TOPICS_SWEEP_TASK,
        "schedule": timedelta(minutes=15),  # refits only firms with enough new (or weekly)
    },
    "portal-purge-magic-links": {
        "task": q.PURGE_MAGIC_LINKS_TASK,
        "schedule": timedelta(hours=6),
    },
}
