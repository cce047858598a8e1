"""Listening tasks: thin, idempotent, JSON arguments, and end to end through a real worker."""

import json

import pytest

from feedback.models import Channel, Feedback, Source
from listening.models import PollState
from listening.services.mailboxes import imap_mailbox_set
from listening.tasks import csv_import_run, poll_due_sources, poll_source
from tests.conftest import wait_for
from tests.factories import SourceFactory
from tests.listening.samples import email_bytes
from tests.listening.test_imap import _append


@pytest.fixture
def mailbox(firm, imap_server):
    user, password = imap_server.add_user()
    box = imap_mailbox_set(
        firm=firm,
        name="Tasks inbox",
        host=imap_server.host,
        port=imap_server.port,
        username=user,
        password=password,
        use_ssl=False,
    )
    return box, user, password


@pytest.mark.django_db
def test_poll_task_twice_leaves_the_same_state(mailbox, imap_server):
    # given
    box, user, password = mailbox
    _append(imap_server, user, password, email_bytes(), email_bytes(body="Another one."))
    args = json.loads(json.dumps([box.source.pk]))

    # when
    poll_source.apply(args=args)
    PollState.objects.filter(source=box.source).update(next_poll_at=None)
    poll_source.apply(args=args)

    # then
    assert Feedback.objects.filter(source=box.source).count() == 2


@pytest.mark.django_db
def test_tasks_on_missing_rows_are_no_ops():
    # when / then
    assert poll_source.apply(args=[424242]).get() is None
    assert csv_import_run.apply(args=[424242]).get() is None


@pytest.mark.django_db
def test_only_due_pollable_sources_are_queued(firm, mailbox):
    # given: a due mailbox, a review source never polled, one polled recently, a disabled one
    from datetime import timedelta

    from django.utils import timezone

    box, _, _ = mailbox
    never = SourceFactory(firm=firm, channel=Channel.REVIEW, config={"kind": "feed"})
    recent = SourceFactory(firm=firm, channel=Channel.REVIEW, config={"kind": "feed"})
    PollState.objects.create(source=recent, next_poll_at=timezone.now() + timedelta(minutes=5))
    SourceFactory(firm=firm, channel=Channel.REVIEW, status=Source.Status.DISABLED)
    SourceFactory(firm=firm, channel=Channel.FORM)
    from listening.selectors import source_pollable_due_ids

    # when
    due = source_pollable_due_ids()

    # then
    assert sorted(due) == sorted([box.source.pk, never.pk])


@pytest.mark.worker
def test_mail_reaches_feedback_through_a_real_worker(
    transactional_db, celery_worker_process, mailbox, imap_server
):
    # given a message waiting in the mailbox
    box, user, password = mailbox
    _append(imap_server, user, password, email_bytes(body="Heard through the worker."))

    # when the beat entry runs
    poll_due_sources.delay()

    # then the worker polls the mailbox and saves the message
    fb = wait_for(lambda: Feedback.objects.filter(source=box.source).first(), timeout=60)
    assert fb.text == "Heard through the worker."
