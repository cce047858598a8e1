import pytest
from celery import current_app

from feedback.models import Case, WebhookDelivery, WebhookEndpoint
from tests.conftest import wait_for
from tests.feedback.conftest import analyse

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_on_analysed_through_a_real_worker_opens_and_notifies_once(
    celery_worker_process, complaint, firm, httpserver
):
    # given: what the NLP worker leaves behind, and a subscribed endpoint
    analyse(complaint, negative=0.95)
    httpserver.expect_request("/hook").respond_with_data("ok")
    WebhookEndpoint.objects.create(firm=firm, url=httpserver.url_for("/hook"))

    # when: the NLP worker's message, sent twice (at-least-once delivery)
    current_app.send_task("feedback.on_analysed", args=[[complaint.pk]])
    current_app.send_task("feedback.on_analysed", args=[[complaint.pk]])

    # then
    case = wait_for(lambda: Case.objects.filter(notified_at__isnull=False).first(), timeout=60)
    assert case.feedback_id == complaint.pk
    wait_for(
        lambda: WebhookDelivery.objects.filter(event="case.opened", status="delivered").exists(),
        timeout=60,
    )
    assert Case.objects.count() == 1
    assert WebhookDelivery.objects.filter(event="case.opened").count() == 1
