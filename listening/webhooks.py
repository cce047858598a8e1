"""Provider inbound webhooks (Mailgun, SendGrid, Postmark, Amazon SES) through django-anymail.

Anymail's views check basic auth and the provider's signature where anymail supports one (Mailgun;
Amazon SES's SNS signature is checked by `listening.inbound_sns`, see listening/README.md),
normalise the payload to an AnymailInboundMessage and send the `inbound` signal; this receiver
only routes the message to the email Source whose `config.inbound_address` matches a recipient,
and calls the email service.
"""

import logging
from typing import Any

from anymail.signals import AnymailInboundEvent

from listening.models import SkippedItem
from listening.selectors import source_inbound_get
from listening.services.common import skipped_record
from listening.services.email import email_message_ingest

logger = logging.getLogger(__name__)


def _recipients(message: Any) -> list[str]:
    found = []
    if getattr(message, "envelope_recipient", None):
        found.append(message.envelope_recipient)
    for attr in ("to", "cc"):
        found.extend(addr.addr_spec for addr in getattr(message, attr, None) or [])
    return [a.strip().lower() for a in found if a]


def inbound_received(sender: Any, event: AnymailInboundEvent, esp_name: str, **kwargs: Any) -> None:
    """Save one inbound message. Replays (providers retry) are de-duplicated by Message-ID; a
    message for no configured address is kept as an unrouted SkippedItem, never dropped."""
    message = event.message
    data = message.as_bytes()
    extra = {"esp": esp_name, "esp_event_id": event.event_id or ""}
    for address in _recipients(message):
        source = source_inbound_get(address=address)
        if source is not None:
            email_message_ingest(
                source=source, data=data, via=f"webhook:{esp_name}", extra_raw=extra
            )
            return
    logger.warning("inbound %s message for unknown recipients %s", esp_name, _recipients(message))
    skipped_record(
        source=None,
        external_id=(message.get("Message-ID") or event.event_id or "unknown")[:255],
        reason=SkippedItem.Reason.UNROUTED,
        detail="No email source has this inbound address: " + ", ".join(_recipients(message)),
        sender=str(message.get("From") or ""),
        subject=str(message.get("Subject") or ""),
        raw={**extra, "mime": data[:100_000]},
    )
