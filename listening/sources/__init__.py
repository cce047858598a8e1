"""Review connectors, one module per site, all behind `listening.sources.base.Connector`."""

from listening.sources.base import Connector
from listening.sources.feed import FeedConnector
from listening.sources.google import GoogleBusinessConnector
from listening.sources.trustpilot import TrustpilotConnector

CONNECTORS: dict[str, Connector] = {
    c.kind: c() for c in (GoogleBusinessConnector, TrustpilotConnector, FeedConnector)
}


def connector_for(kind: str) -> Connector | None:
    return CONNECTORS.get(kind)
