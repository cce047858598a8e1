"""Amazon SNS message signatures for the Amazon SES inbound webhook.

django-anymail checks the endpoint's basic auth and that the SNS headers match the body, but does
not verify the SNS signature (its view says "Future: Verify SNS message signature"). This adds the
check AWS documents (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
the signing certificate must come over HTTPS from an SNS host (`sns.<region>.amazonaws.com`, or
`.amazonaws.com.cn`), and the RSA signature (SignatureVersion 1 = SHA1, 2 = SHA256) must match the
message's canonical string. A valid signature proves the message came from SNS unaltered; basic
auth still proves it was meant for us (anyone may point their own topic at the URL).
"""

import base64
import binascii
import json
import re
from urllib.parse import urlsplit

import requests
from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
_HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
_SIGNED_KEYS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_SIGNED_KEYS["UnsubscribeConfirmation"] = _SIGNED_KEYS["SubscriptionConfirmation"]
CERT_CACHE_SECONDS = 24 * 3600


def sns_cert_url_allowed(url: str) -> bool:
    """Whether `url` may serve an SNS signing certificate: HTTPS on an SNS host, default port,
    no credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and port is None
        and parts.username is None
        and bool(_SNS_HOST.fullmatch(parts.hostname or ""))
        and parts.path.endswith(".pem")
    )


def sns_cert_cache_key(url: str) -> str:
    return f"listening:sns-cert:{url}"


def _signing_cert(url: str) -> x509.Certificate:
    """The certificate at `url` (already checked), cached in the shared cache: SNS certificate
    URLs name one certificate each, so a cached copy never goes stale."""
    key = sns_cert_cache_key(url)
    pem = cache.get(key)
    if pem is not None:
        return x509.load_pem_x509_certificate(pem.encode())
    # No redirects: the checked URL is the only place the certificate may come from. A failure
    # here is a 500, so SNS retries later.
    response = requests.get(url, timeout=settings.LISTENING_HTTP_TIMEOUT, allow_redirects=False)
    response.raise_for_status()
    cert = x509.load_pem_x509_certificate(response.content)  # parsed before it is cached
    cache.set(key, response.text, CERT_CACHE_SECONDS)
    return cert


def sns_string_to_sign(message: dict) -> bytes:
    """The canonical "Key\\nValue\\n" string AWS signs, for the message's type."""
    keys = _SIGNED_KEYS.get(message.get("Type", ""), ())
    return "".join(f"{k}\n{message[k]}\n" for k in keys if k in message).encode()


def sns_signature_verify(message: dict) -> None:
    """Raise AnymailWebhookValidationFailure unless `message` carries a valid SNS signature."""
    algorithm = _HASHES.get(str(message.get("SignatureVersion")))
    url = str(message.get("SigningCertURL", ""))
    if algorithm is None or message.get("Type") not in _SIGNED_KEYS:
        raise AnymailWebhookValidationFailure("Unsupported SNS signature version or type")
    if not sns_cert_url_allowed(url):
        raise AnymailWebhookValidationFailure(f"SNS signing certificate not from AWS: {url!r}")
    public_key = _signing_cert(url).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise AnymailWebhookValidationFailure("SNS signing certificate is not an RSA key")
    try:
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
        public_key.verify(signature, sns_string_to_sign(message), padding.PKCS1v15(), algorithm())
    except (binascii.Error, InvalidSignature):
        raise AnymailWebhookValidationFailure("Invalid SNS message signature") from None


class SignedAmazonSESInboundWebhookView(AmazonSESInboundWebhookView):
    """Anymail's SES inbound view, plus the SNS signature check."""

    def run_validators(self, request: HttpRequest) -> None:
        # After anymail's own checks (basic auth, SNS headers), so an unauthenticated post never
        # costs a certificate fetch.
        super().run_validators(request)
        sns_signature_verify(json.loads(request.body))  # anymail's checks parsed it already
