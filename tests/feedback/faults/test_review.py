"""Analysed items whose rules never ran, and case notifications that failed, are caught up."""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from feedback.models import AnalysisStatus, Case, Feedback
from feedback.review.notify import case_opened_notify
from feedback.tasks import on_analysed, sweep_review_gaps
from tests.feedback.conftest import analyse

pytestmark = pytest.mark.django_db


def _analysed_but_rules_lost(feedback: Feedback, *, minutes_ago: int = 10) -> None:
    """What a lost `feedback.on_analysed` message leaves: analysis written, rules never run."""
    analyse(feedback, negative=0.95)
    Feedback.objects.filter(pk=feedback.pk).update(
        analysis_status=AnalysisStatus.DONE,
        analysis_updated_at=timezone.now() - timedelta(minutes=minutes_ago),
        rules_applied_at=None,
    )


def test_sweep_opens_the_case_of_an_analysed_item_whose_rules_never_ran(complaint):
    # given
    _analysed_but_rules_lost(complaint)

    # when the rules sweep runs, and again once the case's notification is overdue too
    first = sweep_review_gaps()
    Case.objects.update(opened_at=timezone.now() - timedelta(minutes=10))
    second = sweep_review_gaps()
    third = sweep_review_gaps()

    # then one case, notified once, and the item is marked as done with rules
    case = Case.objects.get()
    assert case.feedback_id == complaint.pk
    assert case.notified_at is not None
    assert first == {"rules": 1, "notified": 0}
    assert second == {"rules": 0, "notified": 1}
    assert third == {"rules": 0, "notified": 0}
    assert Feedback.objects.get(pk=complaint.pk).rules_applied_at is not None
    assert len(mail.outbox) == 1


def test_sweep_leaves_items_analysed_within_the_grace_period_to_their_message(complaint):
    # given
    _analysed_but_rules_lost(complaint, minutes_ago=0)

    # when
    outcome = sweep_review_gaps()

    # then
    assert outcome["rules"] == 0
    assert not Case.objects.exists()


def test_on_analysed_marks_the_rules_as_applied(complaint):
    # given
    _analysed_but_rules_lost(complaint)

    # when
    on_analysed([complaint.pk])

    # then the sweep finds nothing left to do
    assert Feedback.objects.get(pk=complaint.pk).rules_applied_at is not None
    assert sweep_review_gaps()["rules"] == 0
    assert Case.objects.count() == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failed_case_notification_is_retried_not_lost(complaint):
    # given a case whose first notification meets an unreachable SMTP server
    analyse(complaint, negative=0.95)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_closed_port(),
    ):
        (case_id,) = on_analysed([complaint.pk])
        with pytest.raises(ConnectionRefusedError):
            case_opened_notify(case_id=case_id)
    assert Case.objects.get(pk=case_id).notified_at is None

    # when the server is back
    sent = case_opened_notify(case_id=case_id)

    # then it goes out once
    assert sent is True
    assert case_opened_notify(case_id=case_id) is False
    assert len(mail.outbox) == 1
