import json

import pytest
from werkzeug import Response

from feedback.models import WebhookDelivery, WebhookEndpoint, WebhookFormat
from feedback.review.notify import case_opened_notify
from feedback.tasks import deliver_webhook, on_analysed
from feedback.webhooks import signature_verify, webhook_event_emit
from tests.feedback.conftest import analyse

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(firm, httpserver):
    return WebhookEndpoint.objects.create(
        firm=firm, url=httpserver.url_for("/hook"), secret="s3cret", events=["case.opened"]
    )


def test_case_opened_is_delivered_signed(complaint, endpoint, httpserver):
    # given
    received = []

    def handler(request):
        received.append(request)
        return Response("ok", status=200)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    analyse(complaint, negative=0.95)
    (case_id,) = on_analysed([complaint.pk])

    # when
    case_opened_notify(case_id=case_id)
    delivery = WebhookDelivery.objects.get()
    status = deliver_webhook(delivery.pk)

    # then
    assert status == "delivered"
    (request,) = received
    body = request.get_data()
    assert signature_verify(secret="s3cret", body=body, header=request.headers["Earshot-Signature"])
    assert not signature_verify(
        secret="wrong", body=body, header=request.headers["Earshot-Signature"]
    )
    payload = json.loads(body)
    assert payload["event"] == "case.opened"
    assert payload["data"]["id"] == case_id
    # Run twice = same state, nothing sent again.
    assert deliver_webhook(delivery.pk) == "delivered"
    assert len(received) == 1


def test_failures_are_retried_with_backoff_then_marked_failed(firm, endpoint, httpserver, settings):
    # given
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    httpserver.expect_request("/hook").respond_with_data("nope", status=500)
    webhook_event_emit(firm=firm, event="case.opened", event_id="e1", payload={"id": 1})
    delivery = WebhookDelivery.objects.get()

    # when
    first = deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    retry_at = delivery.next_attempt_at
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    second = deliver_webhook(delivery.pk)

    # then
    delivery.refresh_from_db()
    assert (first, second) == ("pending", "failed")
    assert retry_at > delivery.created_at
    assert (delivery.attempts, delivery.last_status_code) == (2, 500)


def test_same_event_is_recorded_once_and_unsubscribed_events_skipped(firm, endpoint):
    assert webhook_event_emit(firm=firm, event="case.opened", event_id="x", payload={}) == 1
    assert webhook_event_emit(firm=firm, event="case.opened", event_id="x", payload={}) == 0
    assert webhook_event_emit(firm=firm, event="case.resolved", event_id="y", payload={}) == 0


def test_slack_endpoints_get_a_readable_message(firm, httpserver):
    WebhookEndpoint.objects.create(
        firm=firm, url=httpserver.url_for("/slack"), format=WebhookFormat.SLACK
    )
    httpserver.expect_request("/slack", json={"text": "New case\nhttp://x"}).respond_with_data("ok")
    webhook_event_emit(
        firm=firm,
        event="case.opened",
        event_id="z",
        payload={"summary": "New case", "url": "http://x"},
    )
    assert deliver_webhook(WebhookDelivery.objects.get().pk) == "delivered"


def test_missing_delivery_is_a_no_op(db):
    assert deliver_webhook(424242) == "missing"


def test_feedback_events_are_emitted_once_each(firm, complaint, httpserver):
    # given
    WebhookEndpoint.objects.create(firm=firm, url=httpserver.url_for("/all"))
    analyse(complaint, negative=0.95)

    # when: analysed twice with the same result, then re-analysed with a new result
    on_analysed([complaint.pk])
    on_analysed([complaint.pk])
    analyse(complaint, negative=0.5, model_version="test-2")
    on_analysed([complaint.pk])

    # then
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["feedback.analysed", "feedback.analysed", "feedback.created"]
