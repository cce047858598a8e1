"""Thin Celery tasks of the listening channels: ids in, services do the work.

Every task is idempotent (leases, guarded UPDATEs and external-id de-duplication) and a missing
row is a no-op, so redelivery after a lost worker is harmless.
"""

from celery import shared_task
from django.db import OperationalError

from config.queues import CSV_IMPORT_RUN_TASK, POLL_DUE_SOURCES_TASK, POLL_SOURCE_TASK
from listening.selectors import source_pollable_due_ids
from listening.services.csv_import import csv_import_run as csv_import_run_service
from listening.services.polling import source_poll


@shared_task(name=POLL_DUE_SOURCES_TASK)
def poll_due_sources() -> int:
    """Beat entry: queue one poll per due mailbox / review source."""
    ids = source_pollable_due_ids()
    for source_id in ids:
        poll_source.delay(source_id)
    return len(ids)


@shared_task(
    name=POLL_SOURCE_TASK,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def poll_source(source_id: int) -> dict | None:
    return source_poll(source_id=source_id)


@shared_task(name=CSV_IMPORT_RUN_TASK, soft_time_limit=3600, time_limit=3700)
def csv_import_run(import_id: int) -> None:
    csv_import_run_service(import_id=import_id)
