"""The SNS signature check on the Amazon SES inbound webhook (listening.inbound_sns)."""

import base64
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from feedback.models import Feedback
from listening.inbound_sns import sns_cert_cache_key, sns_cert_url_allowed
from tests.listening.samples import email_bytes
from tests.listening.sns import CERT_URL, sns_sign

pytestmark = pytest.mark.django_db

BASIC = "Basic " + base64.b64encode(b"hook:s3cret").decode()


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}


def _receipt(message_id: str) -> dict:
    mime = email_bytes(to="listen@acme.example", message_id=f"<{message_id}@client>")
    ses = {
        "notificationType": "Received",
        "mail": {"source": "pat@client.example", "destination": ["listen@acme.example"]},
        "receipt": {"action": {"type": "SNS", "encoding": "BASE64"}},
        "content": base64.b64encode(mime).decode(),
    }
    return {
        "Type": "Notification",
        "MessageId": f"sns-{message_id}",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:inbound",
        "Message": json.dumps(ses),
        "Timestamp": "2026-04-05T16:59:01.000Z",
    }


def _post(client, body: dict):
    return client.post(
        reverse("listening:anymail:amazon_ses_inbound_webhook"),
        json.dumps(body),
        content_type="text/plain; charset=UTF-8",
        HTTP_AUTHORIZATION=BASIC,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE=body["Type"],
        HTTP_X_AMZ_SNS_MESSAGE_ID=body["MessageId"],
    )


@pytest.mark.parametrize("version", ["1", "2"])
def test_signed_notification_is_saved_for_both_signature_versions(client, inbox, version):
    # given a receipt notification signed with SHA1 (version 1) or SHA256 (version 2)
    body = sns_sign(_receipt(f"v{version}"), version=version)
    # when it is posted
    response = _post(client, body)
    # then it is accepted and saved
    assert response.status_code == 200
    assert Feedback.objects.get(source=inbox).external_id == f"v{version}@client"


def test_altered_message_is_refused(client, inbox):
    # given a signed notification whose content was changed after signing
    body = sns_sign(_receipt("orig"))
    forged = json.loads(body["Message"])
    forged["content"] = base64.b64encode(email_bytes(to="listen@acme.example")).decode()
    body["Message"] = json.dumps(forged)
    # when it is posted
    response = _post(client, body)
    # then it is refused and nothing is saved
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_unsigned_or_garbled_signature_is_refused(client, inbox):
    # given notifications with a missing, non-base64 and unknown-version signature
    signed = sns_sign(_receipt("sig"))
    bodies = [
        {k: v for k, v in signed.items() if k != "Signature"},
        {**signed, "Signature": "not base64!"},
        {**signed, "SignatureVersion": "3"},
    ]
    # when / then each is refused
    for body in bodies:
        assert _post(client, body).status_code == 400
    assert not Feedback.objects.exists()


def test_certificate_from_outside_aws_is_refused_without_fetching_it(client, inbox):
    # given a message signed by a key whose certificate sits on an attacker's host (cached, so
    # that only the URL check can refuse it)
    evil = "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem"
    body = sns_sign(_receipt("evil"), cert_url=evil)
    # when it is posted
    response = _post(client, body)
    # then it is refused
    assert response.status_code == 400
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (CERT_URL, True),
        ("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem", True),
        ("http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem", False),
        ("https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-x.pem", False),
        ("https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem", False),
        ("https://s3.amazonaws.com/SimpleNotificationService-x.pem", False),
        ("https://evil.example/sns.us-east-1.amazonaws.com/x.pem", False),
        ("https://sns.us-east-1.amazonaws.com/index.html", False),
        ("https://[::1/x.pem", False),
    ],
)
def test_certificate_url_must_be_https_on_an_sns_host(url, allowed):
    assert sns_cert_url_allowed(url) is allowed


def test_wrong_basic_auth_is_refused_before_any_signature_work(client, inbox):
    # given a correctly signed message whose certificate is not cached
    body = sns_sign(_receipt("auth"))
    cache.delete(sns_cert_cache_key(CERT_URL))
    # when it is posted with the wrong basic auth
    response = client.post(
        reverse("listening:anymail:amazon_ses_inbound_webhook"),
        json.dumps(body),
        content_type="text/plain; charset=UTF-8",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:wrong").decode(),
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID=body["MessageId"],
    )
    # then it is refused by basic auth, and no certificate was fetched (none could be: tests
    # have no network, so a fetch would have been an error, not a 400)
    assert response.status_code == 400
    assert cache.get(sns_cert_cache_key(CERT_URL)) is None
