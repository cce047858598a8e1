"""Fixtures of the listening tests: a real Dovecot IMAP server on loopback, once per session."""

from collections.abc import Iterator

import pytest

from feedback.models import Channel
from tests.factories import SourceFactory
from tests.listening.dovecot import ImapServer, dovecot_running


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    with dovecot_running() as server:
        yield server


@pytest.fixture
def inbox(firm):
    """An e-mail Source that provider webhooks deliver to (its inbound address)."""
    return SourceFactory(
        firm=firm,
        channel=Channel.EMAIL,
        name="Inbound",
        config={"inbound_address": "listen@acme.example"},
    )
