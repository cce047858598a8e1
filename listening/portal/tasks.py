"""Thin tasks: ids and JSON values in, a service call inside."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from config.queues import PURGE_MAGIC_LINKS_TASK, SEND_MAGIC_LINK_TASK
from listening.portal.services import magic_link_purge, magic_link_send


@shared_task(
    name=SEND_MAGIC_LINK_TASK,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
)
def portal_send_magic_link(magic_link_id: int) -> bool:
    """Send one sign-in e-mail. Idempotent (the link's `sent_at` is claimed first); a missing,
    used or expired link is a no-op. Transient mail or database errors are retried."""
    return magic_link_send(magic_link_id=magic_link_id)


@shared_task(name=PURGE_MAGIC_LINKS_TASK)
def portal_purge_magic_links() -> int:
    """Periodic: delete week-old links (long expired). Idempotent."""
    return magic_link_purge()
