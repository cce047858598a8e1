"""Campaign fixtures: a real SMTP server on loopback (aiosmtpd) and a few campaigns."""

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.campaigns.services.invitations import invitation_schedule
from tests.factories import ClientFactory, ContactFactory


class _Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped ("down") and started again on the
    same port ("back")."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.collector = _Collector()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Message]:
        return self.collector.messages

    def start(self) -> None:
        self._controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The survey pages' rate-limit counters live in the cache, which outlives a test's
    # database transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    ):
        yield server
    server.stop()


@pytest.fixture
def nps_campaign(firm) -> Campaign:
    return Campaign.objects.create(firm=firm, name="Relationship NPS", kind=SurveyKind.NPS)


@pytest.fixture
def csat_campaign(firm) -> Campaign:
    return Campaign.objects.create(firm=firm, name="Matter close CSAT", kind=SurveyKind.CSAT)


@pytest.fixture
def review_campaign(firm) -> Campaign:
    return Campaign.objects.create(firm=firm, name="Genuine reviews", kind=SurveyKind.REVIEW)


@pytest.fixture
def globex(firm):
    return ClientFactory(firm=firm, name="Globex Corp", segment="enterprise")


@pytest.fixture
def contact(globex):
    return ContactFactory(client=globex, name="Gina Globex", email="gina@globex.example")


@pytest.fixture
def colleague(globex):
    return ContactFactory(client=globex, name="Carl Globex", email="carl@globex.example")


@pytest.fixture
def invitation(nps_campaign, contact) -> Invitation:
    """An NPS invitation already sent to `contact` (its link is live)."""
    invitation = invitation_schedule(
        campaign=nps_campaign, contact=contact, occasion="w"
    ).invitation
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.SENT, sent_at=timezone.now()
    )
    invitation.refresh_from_db()
    return invitation
