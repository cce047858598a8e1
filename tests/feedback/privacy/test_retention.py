"""Retention: feedback past the firm's period is anonymised by the beat task, legal holds
excepted; the dry run counts the same rows."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from config import queues
from feedback.models import AuditEvent, Feedback
from feedback.privacy.selectors import retention_due
from feedback.privacy.services import RETENTION_TEXT
from feedback.privacy.tasks import retention_purge
from tests.factories import ClientFactory, FeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def aged(firm, client_of, api_source):
    now = timezone.now()
    year_ago, month_ago = now - timedelta(days=400), now - timedelta(days=30)
    held = ClientFactory(firm=firm, name="Held Ltd", legal_hold=True)
    return {
        "old": FeedbackFactory(
            source=api_source, client=client_of, text="Old words", received_at=year_ago
        ),
        "recent": FeedbackFactory(
            source=api_source, client=client_of, text="Fresh", received_at=month_ago
        ),
        "held": FeedbackFactory(
            source=api_source, client=held, text="On hold", received_at=now - timedelta(days=900)
        ),
    }


def test_the_dry_run_counts_what_the_task_then_anonymises(firm, aged):
    # given a 12-month period
    firm.retention_months = 12
    firm.save()

    # when: the dry run, then the beat task (twice: idempotent), its result through JSON
    due = set(retention_due(firm=firm).values_list("pk", flat=True))
    first = json.loads(json.dumps(retention_purge.apply().get()))
    second = retention_purge.apply().get()

    # then exactly the old item is anonymised; recent and held ones keep their words
    assert due == {aged["old"].pk}
    assert first == {str(firm.pk): 1} and second == {str(firm.pk): 0}
    texts = dict(Feedback.objects.values_list("pk", "text"))
    assert texts[aged["old"].pk] == RETENTION_TEXT
    assert texts[aged["recent"].pk] == "Fresh" and texts[aged["held"].pk] == "On hold"
    assert Feedback.objects.count() == 3  # counts kept
    assert AuditEvent.objects.filter(action="feedback.retention_purged").count() == 1


def test_without_a_period_nothing_is_due(firm, aged):
    assert retention_due(firm=firm).count() == 0
    assert retention_purge.apply().get() == {}


def test_the_task_is_routed_and_scheduled_once():
    assert queues.TASK_QUEUES[queues.RETENTION_PURGE_TASK] == queues.Queues.DEFAULT
    schedule = settings.CELERY_BEAT_SCHEDULE.values()
    entries = [e for e in schedule if e["task"] == queues.RETENTION_PURGE_TASK]
    assert len(entries) == 1
