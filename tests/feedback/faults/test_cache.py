"""With the cache (Redis) unreachable, the API and the web form still save what they are sent.

Rate limits and throttles count in the cache; when it is down they let requests through (and log
it) rather than lose the sender's words: PostgreSQL, not the cache, is what must be up to save."""

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from feedback.models import Channel, Feedback
from tests.factories import SourceFactory
from tests.feedback.conftest import key_client
from tests.feedback.faults.faultkit import TcpProxy

pytestmark = pytest.mark.django_db


@pytest.fixture
def cut_cache():
    """The default cache is a Redis reached through a proxy, and the proxy is cut."""
    host, port = settings.CELERY_BROKER_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    proxy = TcpProxy((host, int(port)))
    cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": proxy.url("redis", "/6"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": cache}):
        proxy.cut()
        yield proxy
    proxy.close()


def test_api_ingest_saves_the_item_while_the_cache_is_down(cut_cache, api_key, api_source):
    # given
    _, secret = api_key
    body = {"source": api_source.pk, "text": "Saved even now", "external_id": "blip-1"}

    # when
    response = key_client(secret).post(
        reverse("api-feedback-list"), body, content_type="application/json"
    )

    # then
    assert response.status_code == 201, response.content
    assert Feedback.objects.get().text == "Saved even now"


def test_web_form_saves_the_item_while_the_cache_is_down(cut_cache, firm):
    # given
    source = SourceFactory(firm=firm, channel=Channel.FORM, name="Website form")
    url = reverse("portal:form", kwargs={"public_key": source.public_key})

    # when
    response = HttpClient().post(url, {"text": "Great advice."}, HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 201, response.content
    assert Feedback.objects.get().text == "Great advice."


def test_api_reads_still_answer_while_the_cache_is_down(cut_cache, api_key):
    # given
    _, secret = api_key

    # when
    response = key_client(secret).get(reverse("api-feedback-list"))

    # then
    assert response.status_code == 200
