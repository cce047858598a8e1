"""Provider inbound webhooks (django-anymail) with each provider's documented payload shape."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from feedback.models import Feedback
from listening.models import SkippedItem, TriageItem
from tests.factories import ContactFactory
from tests.listening.samples import email_bytes
from tests.listening.sns import sns_sign

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-mailgun-test"
BASIC = "Basic " + base64.b64encode(b"hook:s3cret").decode()


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret", "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def _mailgun_fields(mime: bytes, *, key: str = SIGNING_KEY) -> dict:
    timestamp, token = str(int(time.time())), "t" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "body-mime": mime.decode(),
        "recipient": "listen@acme.example",
        "sender": "pat@client.example",
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def test_mailgun_inbound_mime_is_saved(client, inbox):
    # given
    contact = ContactFactory(client__firm=inbox.firm, email="pat@client.example")
    fields = _mailgun_fields(email_bytes(to="listen@acme.example", message_id="<mg-1@client>"))

    # when
    resp = client.post(
        reverse("listening:anymail:mailgun_inbound_webhook", args=["_mime"]),
        fields,
        HTTP_AUTHORIZATION=BASIC,
    )

    # then
    assert resp.status_code == 200
    fb = Feedback.objects.get(source=inbox)
    assert fb.external_id == "mg-1@client"
    assert fb.contact == contact
    assert fb.raw["via"] == "webhook:Mailgun"


def test_mailgun_bad_signature_is_refused(client, inbox):
    # given
    fields = _mailgun_fields(email_bytes(to="listen@acme.example"), key="not-the-key")

    # when
    resp = client.post(
        reverse("listening:anymail:mailgun_inbound_webhook", args=["_mime"]),
        fields,
        HTTP_AUTHORIZATION=BASIC,
    )

    # then
    assert resp.status_code == 400
    assert not Feedback.objects.exists()


def test_missing_basic_auth_is_refused(client, inbox):
    # when
    resp = client.post(
        reverse("listening:anymail:sendgrid_inbound_webhook"),
        {"email": email_bytes(to="listen@acme.example").decode()},
    )

    # then
    assert resp.status_code == 400
    assert not Feedback.objects.exists()


def test_sendgrid_raw_inbound_parse_is_saved_and_replay_is_not_duplicated(client, inbox):
    # given
    fields = {
        "email": email_bytes(
            to="listen@acme.example", sender="new@elsewhere.example", message_id="<sg-1@x>"
        ).decode(),
        "envelope": json.dumps({"to": ["listen@acme.example"], "from": "new@elsewhere.example"}),
        "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"}),
    }
    url = reverse("listening:anymail:sendgrid_inbound_webhook")

    # when the provider delivers, then retries the same message
    first = client.post(url, fields, HTTP_AUTHORIZATION=BASIC)
    second = client.post(url, fields, HTTP_AUTHORIZATION=BASIC)

    # then
    assert first.status_code == second.status_code == 200
    fb = Feedback.objects.get(source=inbox)
    assert TriageItem.objects.get(feedback=fb).sender == "new@elsewhere.example"


def test_postmark_inbound_json_is_saved(client, inbox):
    # given: Postmark's documented inbound JSON
    payload = {
        "FromName": "Pat Jones",
        "From": "pat@client.example",
        "FromFull": {"Email": "pat@client.example", "Name": "Pat Jones"},
        "To": "listen@acme.example",
        "ToFull": [{"Email": "listen@acme.example", "Name": ""}],
        "OriginalRecipient": "listen@acme.example",
        "Subject": "Billing",
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "Date": "Thu, 5 Apr 2026 16:59:01 +0200",
        "TextBody": "The invoice was twice the estimate.",
        "HtmlBody": "<p>The invoice was twice the estimate.</p>",
        "StrippedTextReply": "The invoice was twice the estimate.",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@client.example>"}],
        "Attachments": [],
    }

    # when
    resp = client.post(
        reverse("listening:anymail:postmark_inbound_webhook"),
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=BASIC,
    )

    # then
    assert resp.status_code == 200
    fb = Feedback.objects.get(source=inbox)
    assert fb.text == "The invoice was twice the estimate."
    assert fb.external_id == "pm-1@client.example"


def _sns(message: dict, message_id: str = "sns-1") -> dict:
    return sns_sign(
        {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:inbound",
            "Subject": "Amazon SES Email Receipt Notification",
            "Message": json.dumps(message),
            "Timestamp": "2026-04-05T16:59:01.000Z",
        }
    )


def test_amazon_ses_sns_inbound_is_saved(client, inbox):
    # given: an SES receipt notification with the message content, base64 encoded
    mime = email_bytes(to="listen@acme.example", message_id="<ses-1@client>")
    ses = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2026-04-05T16:59:01.000Z",
            "source": "pat@client.example",
            "messageId": "ses-msg-1",
            "destination": ["listen@acme.example"],
        },
        "receipt": {
            "recipients": ["listen@acme.example"],
            "spamVerdict": {"status": "PASS"},
            "action": {"type": "SNS", "encoding": "BASE64", "topicArn": "arn:..."},
        },
        "content": base64.b64encode(mime).decode(),
    }
    body = _sns(ses)

    # when
    resp = client.post(
        reverse("listening:anymail:amazon_ses_inbound_webhook"),
        json.dumps(body),
        content_type="text/plain; charset=UTF-8",
        HTTP_AUTHORIZATION=BASIC,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID="sns-1",
    )

    # then
    assert resp.status_code == 200
    assert Feedback.objects.get(source=inbox).external_id == "ses-1@client"


def test_amazon_ses_mismatched_sns_headers_are_refused(client, inbox):
    # when
    resp = client.post(
        reverse("listening:anymail:amazon_ses_inbound_webhook"),
        json.dumps(_sns({"notificationType": "Received"})),
        content_type="text/plain; charset=UTF-8",
        HTTP_AUTHORIZATION=BASIC,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID="forged",
    )

    # then
    assert resp.status_code == 400
    assert not Feedback.objects.exists()


def test_message_for_an_unknown_address_is_kept_as_unrouted(client, inbox):
    # given
    fields = _mailgun_fields(email_bytes(to="nobody@acme.example", message_id="<lost@x>"))
    fields["recipient"] = "nobody@acme.example"

    # when
    resp = client.post(
        reverse("listening:anymail:mailgun_inbound_webhook", args=["_mime"]),
        fields,
        HTTP_AUTHORIZATION=BASIC,
    )

    # then
    assert resp.status_code == 200
    assert not Feedback.objects.exists()
    item = SkippedItem.objects.get(external_id="<lost@x>")
    assert item.reason == SkippedItem.Reason.UNROUTED
