"""`topic.emerging`: a topic found emerging for the first time is stamped and announced once,
to a real HTTP receiver on loopback, signed."""

import json

import pytest
from werkzeug import Request, Response

from feedback.models import Topic, WebhookDelivery, WebhookEndpoint
from feedback.topics.events import topics_emergence_update
from feedback.webhooks import signature_verify, webhook_deliver

pytestmark = pytest.mark.django_db


def test_an_emerging_topic_is_announced_once_to_a_real_receiver(firm, fitted_topics, httpserver):
    # given an endpoint subscribed to topic.emerging on a real server on loopback
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("ok")

    httpserver.expect_request("/hooks/earshot", method="POST").respond_with_handler(handler)
    endpoint = WebhookEndpoint.objects.create(
        firm=firm, url=httpserver.url_for("/hooks/earshot"), events=["topic.emerging"]
    )
    endpoint.refresh_from_db()
    portal = fitted_topics["portal"]
    # when emergence is checked twice
    first = topics_emergence_update(firm=firm)
    second = topics_emergence_update(firm=firm)
    # then only the new topic is raised, once, stamped with its p-value
    assert first == [portal.pk] and second == []
    portal.refresh_from_db()
    assert portal.emerging_since is not None and portal.emerging_p_value < 0.01
    assert Topic.objects.get(pk=fitted_topics["parking"].pk).emerging_since is None
    (delivery,) = WebhookDelivery.objects.filter(event="topic.emerging")
    # and the delivery reaches the receiver, signed, with the topic and its statistic
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    (request,) = received
    body = request.get_data()
    assert signature_verify(
        secret=endpoint.secret, body=body, header=request.headers["Earshot-Signature"]
    )
    envelope = json.loads(body)
    assert envelope["event"] == "topic.emerging"
    assert envelope["data"]["topic"]["id"] == portal.pk
    assert envelope["data"]["count"] == 8 and envelope["data"]["p_value"] < 0.01
    assert envelope["data"]["url"].endswith(f"/topics/{portal.pk}/")


def test_an_endpoint_not_subscribed_to_topics_gets_nothing(firm, fitted_topics):
    WebhookEndpoint.objects.create(firm=firm, url="https://hooks.example/x", events=["case.opened"])
    assert topics_emergence_update(firm=firm) == [fitted_topics["portal"].pk]
    assert not WebhookDelivery.objects.exists()
