"""The beat's topic sweep through a real Celery worker: a firm never fitted gets its refit
queued and run, and its new topic is announced once (`topic.emerging`) to a real receiver."""

import pytest
from celery import current_app

from config.queues import TOPICS_SWEEP_TASK
from feedback.models import Topic, TopicModelState, WebhookDelivery, WebhookEndpoint
from tests.conftest import wait_for
from tests.nlp.topics.test_refit import _comments

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_sweep_refits_a_new_firm_and_announces_its_emerging_topic_once(
    celery_worker_process, firm, api_source, httpserver
):
    # given 24 parking comments over the last months and 8 on the billing portal this week
    _comments(api_source, "parking", 24, days_ago=40)
    _comments(api_source, "portal", 8, days_ago=1)
    httpserver.expect_request("/hook").respond_with_data("ok")
    WebhookEndpoint.objects.create(
        firm=firm, url=httpserver.url_for("/hook"), events=["topic.emerging"]
    )
    # when the beat's task arrives twice (at-least-once delivery)
    current_app.send_task(TOPICS_SWEEP_TASK)
    current_app.send_task(TOPICS_SWEEP_TASK)
    # then the firm is fitted once over its 32 comments, and the portal topic is raised once
    state = wait_for(
        lambda: TopicModelState.objects.filter(firm=firm, fitted_at__isnull=False).first(),
        timeout=300,
    )
    assert state.fitted_items == 32
    wait_for(
        lambda: WebhookDelivery.objects.filter(event="topic.emerging", status="delivered").exists(),
        timeout=60,
    )
    (delivery,) = WebhookDelivery.objects.filter(event="topic.emerging")
    topic = Topic.objects.get(pk=delivery.payload["topic"]["id"])
    assert topic.emerging_since is not None
    assert "portal" in " ".join(topic.keywords)
