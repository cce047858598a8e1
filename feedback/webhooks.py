"""Outgoing webhooks: events signed with HMAC-SHA256, retried with exponential backoff, and
logged per delivery (WebhookDelivery).

Signature header: `Earshot-Signature: t=<unix seconds>,v1=<hex>` where hex is
HMAC-SHA256(endpoint.secret, f"{t}.{body}"). Receivers should reject old timestamps."""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from config.queues import DELIVER_WEBHOOK_TASK
from feedback.enqueue import task_send, task_send_on_commit
from feedback.models import Firm, PiiRedaction, WebhookDelivery, WebhookEndpoint, WebhookFormat
from feedback.privacy.redaction import pii_redact_json
from feedback.privacy.selectors import firm_known_names

EVENTS = (
    "feedback.created",
    "feedback.analysed",
    "case.opened",
    "case.resolved",
    "topic.emerging",
)


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def signature_verify(*, secret: str, body: bytes, header: str, tolerance_s: int = 300) -> bool:
    """What a receiver does (used by our tests): constant-time compare, bounded clock skew."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    expected = signature_header(secret=secret, body=body, timestamp=timestamp)
    return hmac.compare_digest(expected, header)


def webhook_event_emit(*, firm: Firm, event: str, event_id: str, payload: dict) -> int:
    """Record one delivery per subscribed endpoint and queue them on commit.

    Idempotent: (endpoint, event_id) is unique, so emitting the same event again creates
    nothing. Returns how many deliveries were created."""
    assert event in EVENTS, event
    endpoints = WebhookEndpoint.objects.filter(firm=firm, active=True)
    body = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    if firm.pii_redaction != PiiRedaction.OFF:
        # A webhook leaves the firm's tenant: under either redaction setting, nothing personal
        # goes with it (at ingest the text is masked already; the sender and subject may not be).
        body = pii_redact_json(body, names=firm_known_names(firm=firm))
    created: list[int] = []
    for endpoint in endpoints:
        if endpoint.events and event not in endpoint.events:
            continue
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint,
                    firm=firm,
                    event=event,
                    event_id=event_id,
                    payload=body,
                    next_attempt_at=timezone.now(),
                )
        except IntegrityError:
            continue
        created.append(delivery.pk)
    for pk in created:
        task_send_on_commit(DELIVER_WEBHOOK_TASK, [pk])
    return len(created)


def _body(delivery: WebhookDelivery) -> bytes:
    endpoint = delivery.endpoint
    if endpoint.format in (WebhookFormat.SLACK, WebhookFormat.TEAMS):
        text = delivery.payload.get("summary") or f"Earshot: {delivery.event}"
        link = delivery.payload.get("url")
        message = {"text": f"{text}\n{link}" if link else text}
        return json.dumps(message).encode()
    envelope = {
        "id": delivery.event_id,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True).encode()


class TargetRefused(OSError):
    """The endpoint's host resolves to an address Earshot must not reach (SSRF guard)."""


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def webhook_target_refusal(url: str) -> str | None:
    """Why Earshot must not POST to `url` (its host is not resolvable, or resolves to a
    loopback, private, link-local or otherwise non-global address), or None when it may.
    Checked when an endpoint is saved; every delivery checks again (`_guarded_connection`),
    as DNS can change in between."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Use an http(s) address."
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return f"{parts.hostname} cannot be resolved."
    refused = sorted({str(i[4][0]) for i in infos if not _address_allowed(str(i[4][0]))})
    if refused:
        return f"{parts.hostname} resolves to a non-public address ({refused[0]})."
    return None


def _guarded_connection(
    address: tuple[str, int],
    timeout: object = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
    source_address: tuple[str, int] | None = None,
) -> socket.socket:
    """socket.create_connection that resolves the host once, refuses it if any address is
    loopback, private, link-local or otherwise not global, and connects to the address it checked
    (no second lookup for a rebinding DNS server to answer differently)."""
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        refused = sorted(
            {str(info[4][0]) for info in infos if not _address_allowed(str(info[4][0]))}
        )
        if refused:
            raise TargetRefused(f"refused: {host} resolves to a non-public address {refused[0]}")
    family, type_, proto, _, sockaddr = infos[0]
    sock = socket.socket(family, type_, proto)
    try:
        if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
            sock.settimeout(timeout)  # type: ignore[arg-type]
        if source_address:
            sock.bind(source_address)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(_GuardedHTTPSConnection, req)


# Every connection, the first and each redirect's, goes through the guard; no proxy from the
# environment is used (it would connect to the proxy, not to the checked address).
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _GuardedHTTPHandler(), _GuardedHTTPSHandler()
)


def _backoff(attempts: int) -> timedelta:
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 3600))


def webhook_deliver(*, delivery_id: int) -> str:
    """Try to deliver one webhook. Returns the delivery's status afterwards.

    Claimed with a guarded UPDATE (pending and due -> sending), so two workers never POST the
    same delivery at once; a missing or finished delivery is a no-op. Non-2xx or network errors
    schedule a retry with exponential backoff until WEBHOOK_MAX_ATTEMPTS, then `failed`."""
    now = timezone.now()
    claimable = Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDelivery.Status.SENDING, next_attempt_at__lte=now - timedelta(minutes=10)
    )
    claimed = WebhookDelivery.objects.filter(claimable, pk=delivery_id).update(
        status=WebhookDelivery.Status.SENDING, next_attempt_at=now
    )
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return "missing"
    if not claimed:
        return delivery.status
    body = _body(delivery)
    request = urllib.request.Request(  # noqa: S310 - URLField only admits http(s)
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Earshot-Webhooks/1",
            "Earshot-Event": delivery.event,
            "Earshot-Delivery": delivery.event_id,
            "Earshot-Signature": signature_header(
                secret=delivery.endpoint.secret, body=body, timestamp=int(time.time())
            ),
        },
    )
    code: int | None = None
    error = ""
    refused = False
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as resp:
            code = resp.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        refused = isinstance(reason, TargetRefused)
        error = str(reason) if refused else f"{exc.__class__.__name__}: {exc}"[:1000]
    attempts = delivery.attempts + 1
    fields: dict[str, object] = {
        "attempts": attempts,
        "last_status_code": code,
        "last_error": error,
    }
    if code is not None and 200 <= code < 300:
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now())
    elif refused or attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(status=WebhookDelivery.Status.FAILED)
    else:
        delay = _backoff(attempts)
        fields.update(status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now() + delay)
        task_send(DELIVER_WEBHOOK_TASK, [delivery.pk], countdown=delay.total_seconds())
    WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.SENDING).update(
        **fields
    )
    return str(fields.get("status"))


def webhooks_retry_due(*, limit: int = 500) -> int:
    """Safety net for lost task messages: queue every due pending delivery."""
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    ids = list(due)
    for pk in ids:
        task_send(DELIVER_WEBHOOK_TASK, [pk])
    return len(ids)
