"""Production refuses to run unprotected; webhooks never reach internal addresses (SSRF)."""

import os
import subprocess
import sys

import pytest
from werkzeug import Response

from feedback.models import WebhookDelivery, WebhookEndpoint
from feedback.tasks import deliver_webhook
from feedback.webhooks import webhook_event_emit
from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "test-" + "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "earshot.example.com",
    "EARSHOT_BASE_URL": "https://earshot.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/6",
}


def _setup_production(**extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ANYMAIL_WEBHOOK_SECRET"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        check=False,
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_the_inbound_webhook_secret():
    # when
    without = _setup_production()
    empty = _setup_production(ANYMAIL_WEBHOOK_SECRET="")
    with_secret = _setup_production(ANYMAIL_WEBHOOK_SECRET="hook:s3cret")

    # then
    assert without.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET" in without.stderr
    assert empty.returncode != 0
    assert with_secret.returncode == 0, with_secret.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.1"],
)
def test_webhooks_to_loopback_private_or_link_local_targets_are_refused(
    firm, httpserver, settings, host
):
    # given production's policy and an endpoint on an internal address
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    received = []
    httpserver.expect_request("/hook").respond_with_handler(
        lambda request: received.append(request) or Response("ok")
    )
    WebhookEndpoint.objects.create(
        firm=firm, url=f"http://{host}:{httpserver.port}/hook", secret="s", events=[]
    )
    webhook_event_emit(firm=firm, event="case.opened", event_id="e1", payload={"id": 1})
    delivery = WebhookDelivery.objects.get()

    # when
    status = deliver_webhook(delivery.pk)

    # then nothing was sent and the endpoint's log says why, once and for all
    delivery.refresh_from_db()
    assert status == "failed"
    assert "refused" in delivery.last_error
    assert received == []


@pytest.mark.django_db
def test_the_test_setting_still_allows_loopback_receivers(firm, httpserver):
    # given the explicit setting of tests and development
    httpserver.expect_request("/hook").respond_with_data("ok")
    WebhookEndpoint.objects.create(
        firm=firm, url=httpserver.url_for("/hook"), secret="s", events=[]
    )
    webhook_event_emit(firm=firm, event="case.opened", event_id="e1", payload={"id": 1})

    # when / then
    assert deliver_webhook(WebhookDelivery.objects.get().pk) == "delivered"
