"""Hostile input gets a 4xx with a JSON body, never a 500 or an HTML page."""

import base64

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from feedback.models import Channel
from tests.factories import SourceFactory
from tests.feedback.conftest import key_client

pytestmark = pytest.mark.django_db

DEEP = ("[" * 1000 + "]" * 1000).encode()
DEEP_OBJECT = ('{"a":' * 1000 + "1" + "}" * 1000).encode()


def _no_500_json(response, expected: int = 400) -> None:
    assert response.status_code == expected, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]


@pytest.mark.parametrize("query", ["limit=9223372036854775808", "offset=9223372036854775808"])
@pytest.mark.parametrize("name", ["api-feedback-list", "api-case-list"])
def test_huge_limit_or_offset_on_a_list_endpoint_is_not_a_500(api_key, case, query, name):
    # given a feedback item and its case (an empty list never reaches the database's LIMIT)
    _, secret = api_key

    # when
    response = key_client(secret).get(f"{reverse(name)}?{query}")

    # then
    assert response.status_code in {200, 400}, response.content[:300]


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_json_nested_1000_deep_on_the_bulk_api_is_a_400(api_key, body):
    # given
    _, secret = api_key

    # when
    response = key_client(secret).post(
        reverse("api-feedback-bulk"), body, content_type="application/json"
    )

    # then
    _no_500_json(response)


def test_json_nested_1000_deep_on_the_form_is_a_400(firm):
    # given
    source = SourceFactory(firm=firm, channel=Channel.FORM, name="Website form")
    url = reverse("portal:form", kwargs={"public_key": source.public_key})

    # when
    response = HttpClient().post(
        url, DEEP_OBJECT, content_type="application/json", HTTP_ACCEPT="application/json"
    )

    # then
    _no_500_json(response)


def test_json_nested_1000_deep_on_the_postmark_inbound_is_a_400(settings):
    # given
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}
    auth = "Basic " + base64.b64encode(b"hook:s3cret").decode()

    # when
    response = HttpClient().post(
        "/listening/inbound/postmark/inbound/",
        DEEP_OBJECT,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )

    # then
    _no_500_json(response)


def test_a_5_mb_body_on_an_api_endpoint_gets_a_json_error(api_key, api_source):
    # given
    _, secret = api_key
    body = b'{"source": %d, "text": "' % api_source.pk + b"x" * 5_000_000 + b'"}'

    # when
    response = key_client(secret).post(
        reverse("api-feedback-bulk"), body, content_type="application/json"
    )

    # then
    assert 400 <= response.status_code < 500, response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
