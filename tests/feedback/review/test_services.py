import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback.models import AuditEvent, Case, CaseEvent, CaseStatus, Priority, Sentiment
from feedback.review.notify import case_opened_notify
from feedback.review.services import cases_escalate_overdue
from feedback.tasks import escalate_overdue_cases, on_analysed
from tests.factories import FeedbackFactory
from tests.feedback.conftest import analyse

pytestmark = pytest.mark.django_db


def test_negative_feedback_opens_one_case_for_the_account_manager(complaint, account_manager):
    # given
    analyse(complaint, negative=0.95)

    # when
    case_ids = on_analysed([complaint.pk])

    # then
    case = Case.objects.get()
    assert case_ids == [case.pk]
    assert case.owner == account_manager
    assert case.client == complaint.client
    assert case.status == CaseStatus.OPEN
    # Talk of leaving ("looking elsewhere") outranks the negative sentiment rule.
    assert case.priority == Priority.URGENT
    assert {r["rule"] for r in case.reasons} == {"negative_sentiment", "churn_talk"}
    assert timedelta(hours=3, minutes=59) < case.due_at - case.opened_at <= timedelta(hours=4)
    assert CaseEvent.objects.filter(case=case, kind="opened").count() == 1
    assert AuditEvent.objects.filter(action="case.opened", object_id=str(case.pk)).exists()


def test_running_on_analysed_twice_or_after_reanalysis_keeps_one_case(complaint):
    # given
    analyse(complaint, negative=0.95)
    first = on_analysed([complaint.pk])

    # when
    analyse(complaint, negative=0.99, model_version="test-2")
    second = on_analysed(json.loads(json.dumps([complaint.pk])))

    # then
    assert first == second
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_positive_feedback_opens_no_case(client_of, api_source):
    # given
    item = FeedbackFactory(source=api_source, client=client_of, text="Brilliant work, thanks!")
    analyse(item, sentiment=Sentiment.POSITIVE, negative=0.02)

    # when
    case_ids = on_analysed([item.pk])

    # then
    assert case_ids == []
    assert not Case.objects.exists()


def test_missing_feedback_is_a_no_op(db):
    assert on_analysed([987654]) == []


def test_feedback_without_client_opens_an_unowned_case(api_source):
    # given
    item = FeedbackFactory(source=api_source, text="Terrible.", rating=2, rating_scale=10)

    # when
    on_analysed([item.pk])

    # then
    case = Case.objects.get()
    assert case.owner is None
    assert case.priority == Priority.HIGH


def test_notification_emails_the_owner_once(complaint, account_manager):
    # given
    analyse(complaint, negative=0.95)
    (case_id,) = on_analysed([complaint.pk])

    # when
    sent = [case_opened_notify(case_id=case_id), case_opened_notify(case_id=case_id)]

    # then
    assert sent == [True, False]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [account_manager.user.email]
    assert "/review/cases/" in mail.outbox[0].body


def test_overdue_cases_are_escalated_to_admins_once(complaint, admin_member):
    # given
    analyse(complaint, negative=0.95)
    (case_id,) = on_analysed([complaint.pk])
    Case.objects.filter(pk=case_id).update(due_at=timezone.now() - timedelta(minutes=1))

    # when
    first, second = escalate_overdue_cases(), cases_escalate_overdue()

    # then
    assert (first, second) == (1, 0)
    assert Case.objects.get().escalated_at is not None
    assert [m.to for m in mail.outbox] == [[admin_member.user.email]]
    assert CaseEvent.objects.filter(kind="escalated").count() == 1


def test_resolved_cases_are_never_escalated(complaint, admin_member):
    # given
    analyse(complaint, negative=0.95)
    (case_id,) = on_analysed([complaint.pk])
    Case.objects.filter(pk=case_id).update(
        status=CaseStatus.RESOLVED, due_at=timezone.now() - timedelta(days=1)
    )

    # when / then
    assert cases_escalate_overdue() == 0
