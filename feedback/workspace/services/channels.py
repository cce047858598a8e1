"""The firm's notification channels: webhook endpoints (signed JSON, Slack, Teams)."""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.models import Firm, WebhookDelivery, WebhookEndpoint
from feedback.services import audit_record
from feedback.webhooks import EVENTS, webhook_deliver, webhook_target_refusal
from feedback.workspace.services import Actor

TEST_EVENT = "ping"


@transaction.atomic
def webhook_endpoint_create(
    *,
    firm: Firm,
    url: str,
    format: str,  # noqa: A002 - the model's field name
    events: list[str] | None = None,
    actor: Actor = None,
) -> WebhookEndpoint:
    """A new endpoint with a fresh signing secret (the page shows it once). The URL must pass
    the same SSRF guard as a delivery does."""
    events = sorted(set(events or []))
    if set(events) - set(EVENTS):
        raise ValidationError({"events": f"Choose from {', '.join(EVENTS)}."})
    endpoint = WebhookEndpoint(
        firm=firm, url=url.strip(), format=format, events=events, secret=secrets.token_hex(32)
    )
    # `events` is checked above; an empty list (every event) is valid though the field is not
    # declared blank=True.
    endpoint.full_clean(exclude=["events"])
    if refusal := webhook_target_refusal(endpoint.url):
        raise ValidationError({"url": refusal})
    endpoint.save()
    audit_record(
        firm=firm,
        action="webhook_endpoint.created",
        obj=endpoint,
        actor=actor,
        data={"url": endpoint.url, "format": endpoint.format},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, actor: Actor = None) -> WebhookEndpoint:
    """Stop sending to an endpoint; idempotent. Pending deliveries are left to fail quietly."""
    if WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(active=False):
        audit_record(
            firm=endpoint.firm, action="webhook_endpoint.disabled", obj=endpoint, actor=actor
        )
    endpoint.refresh_from_db()
    return endpoint


def webhook_endpoint_test(*, endpoint: WebhookEndpoint, actor: Actor = None) -> WebhookDelivery:
    """Send one "ping" to the endpoint now, in this request, and return the delivery with its
    outcome. A test is tried once: a failure is recorded, never retried."""
    if refusal := webhook_target_refusal(endpoint.url):
        raise ValidationError({"url": refusal})
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        firm=endpoint.firm,
        event=TEST_EVENT,
        event_id=f"ping-{uuid.uuid4()}",
        payload={"summary": f"Earshot test message for {endpoint.firm.name}"},
        next_attempt_at=timezone.now(),
    )
    webhook_deliver(delivery_id=delivery.pk)
    # A failed test would otherwise be retried with backoff; the retry finds it failed and stops.
    WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED
    )
    delivery.refresh_from_db()
    audit_record(
        firm=endpoint.firm,
        action="webhook_endpoint.tested",
        obj=endpoint,
        actor=actor,
        data={"status": delivery.status, "code": delivery.last_status_code},
    )
    return delivery
