"""The portal's tasks: idempotent, no-op on missing rows, JSON arguments, and a real worker."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from listening.portal.models import MagicLink
from listening.portal.tasks import portal_purge_magic_links, portal_send_magic_link
from tests.conftest import wait_for


@pytest.fixture
def link(contact):
    return MagicLink.objects.create(firm=contact.firm, contact=contact, email=contact.email)


@pytest.mark.django_db
def test_send_task_twice_sends_one_email(link, settings):
    # given arguments as they travel through the broker, and the public address of Earshot
    settings.EARSHOT_BASE_URL = "https://portal.example/"
    args = json.loads(json.dumps([link.pk]))
    # when the task runs twice
    results = [portal_send_magic_link.run(*args), portal_send_magic_link.run(*args)]
    # then one e-mail went out, linking to the configured host
    assert results == [True, False]
    assert len(mail.outbox) == 1
    assert "https://portal.example/listen/portal/acme/link/" in mail.outbox[0].body
    assert MagicLink.objects.get().sent_at is not None


@pytest.mark.django_db
def test_send_task_is_a_noop_for_missing_used_or_expired_links(link, contact):
    used = MagicLink.objects.create(
        firm=contact.firm, contact=contact, email=contact.email, used_at=timezone.now()
    )
    MagicLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert portal_send_magic_link.run(987654321) is False
    assert portal_send_magic_link.run(used.pk) is False
    assert portal_send_magic_link.run(link.pk) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_send_releases_its_claim_for_the_retry(link, settings):
    # given a mail server that refuses connections
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    # when sending fails
    with pytest.raises(ConnectionRefusedError):
        portal_send_magic_link.run(link.pk)
    # then the link can still be sent by the retry
    assert MagicLink.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert portal_send_magic_link.run(link.pk) is True


@pytest.mark.django_db
def test_purge_deletes_old_links_and_is_idempotent(link, contact):
    old = MagicLink.objects.create(firm=contact.firm, contact=contact, email=contact.email)
    MagicLink.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert [portal_purge_magic_links.run(), portal_purge_magic_links.run()] == [1, 0]
    assert list(MagicLink.objects.all()) == [link]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_requested_link_is_sent_by_the_real_worker(celery_worker_process, client, contact):
    # when a contact asks for a link through the page
    response = client.post(
        reverse("portal:sign_in", kwargs={"firm_slug": contact.firm.slug}),
        {"email": contact.email},
    )
    # then the worker picks the task from the broker and sends it (sent_at is claimed)
    assert response.status_code == 200
    assert wait_for(lambda: MagicLink.objects.filter(sent_at__isnull=False).exists(), timeout=60)
