"""The embeddable form's limits: rate limits per address and per key, and CORS."""

import pytest
from django.test import Client as HttpClient

from feedback.models import Feedback
from tests.listening.portal.test_form import form_url

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def test_rate_limited_per_ip(client, form_source, settings):
    # given a limit of 3 posts a minute per address
    settings.PORTAL_FORM_RATE_PER_IP = "3/m"
    # when the same address posts four times
    codes = [
        client.post(form_url(form_source), {"text": f"n{i}"}, **JSON).status_code for i in range(4)
    ]
    # then the fourth is refused with a Retry-After, and another address still gets through
    assert codes == [201, 201, 201, 429]
    limited = client.post(form_url(form_source), {"text": "again"}, **JSON)
    assert int(limited["Retry-After"]) >= 1
    other_ip = client.post(
        form_url(form_source), {"text": "from elsewhere"}, REMOTE_ADDR="10.9.8.7", **JSON
    )
    assert other_ip.status_code == 201
    assert Feedback.objects.count() == 4


def test_rate_limited_per_key_across_addresses(client, form_source, settings):
    settings.PORTAL_FORM_RATE_PER_KEY = "2/m"
    codes = [
        client.post(
            form_url(form_source), {"text": f"n{i}"}, REMOTE_ADDR=f"10.0.0.{i}", **JSON
        ).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


def test_cors_preflight_grants_only_listed_origins(client, form_source):
    # when an allowed site asks to POST
    ok = client.options(
        form_url(form_source),
        HTTP_ORIGIN="https://www.acme.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    # then it is granted, without credentials
    assert ok.status_code == 204
    assert ok["Access-Control-Allow-Origin"] == "https://www.acme.example"
    assert "POST" in ok["Access-Control-Allow-Methods"]
    assert "Content-Type" in ok["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in ok.headers
    # and another site is refused without any grant
    evil = client.options(
        form_url(form_source),
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert evil.status_code == 403
    assert "Access-Control-Allow-Origin" not in evil.headers


def test_cross_origin_post_from_allowed_site_works_without_csrf_token(form_source):
    # given a browser on the firm's site, with Django's CSRF checks enforced
    browser = HttpClient(enforce_csrf_checks=True)
    # when it posts cross-origin (no CSRF cookie: the form is public and anonymous)
    response = browser.post(
        form_url(form_source),
        {"text": "From the firm's site"},
        HTTP_ORIGIN="https://www.acme.example",
        **JSON,
    )
    # then it is saved and the browser may read the answer
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://www.acme.example"


def test_post_from_an_unlisted_origin_is_refused(client, form_source):
    response = client.post(
        form_url(form_source), {"text": "hi"}, HTTP_ORIGIN="https://evil.example", **JSON
    )
    assert response.status_code == 403
    assert not Feedback.objects.exists()
    same_site = client.post(
        form_url(form_source), {"text": "hi"}, HTTP_ORIGIN="http://testserver", **JSON
    )
    assert same_site.status_code == 201
