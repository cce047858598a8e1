"""Fixtures of the listening tests: a real Dovecot IMAP server on loopback, once per session."""

from collections.abc import Iterator

import pytest

from tests.listening.dovecot import ImapServer, dovecot_running


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    with dovecot_running() as server:
        yield server
