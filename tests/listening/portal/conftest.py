"""Fixtures for the web form and the portal: a form Source, contacts of two firms, and a helper
that signs a contact in through the real magic-link flow."""

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django.urls import reverse

from feedback.models import Channel, Source
from listening.portal.models import MagicLink
from listening.portal.tokens import magic_token_make
from tests.factories import ClientFactory, ContactFactory, SourceFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache, which outlives a test's database transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def form_source(firm) -> Source:
    return SourceFactory(
        firm=firm,
        channel=Channel.FORM,
        name="Website form",
        config={"allowed_origins": ["https://www.acme.example"], "title": "Tell Acme"},
    )


@pytest.fixture
def contact(client_of):
    return ContactFactory(client=client_of, name="Carla Client", email="carla@globex.example")


@pytest.fixture
def colleague(client_of):
    """Another contact at the same client: must not see `contact`'s items."""
    return ContactFactory(client=client_of, name="Colin Colleague", email="colin@globex.example")


@pytest.fixture
def foreign_contact(other_firm):
    """A contact of the other firm, with the same e-mail address as `contact`."""
    return ContactFactory(
        client=ClientFactory(firm=other_firm, name="Initech"), email="carla@globex.example"
    )


def magic_url(contact) -> str:
    link = MagicLink.objects.create(firm=contact.firm, contact=contact, email=contact.email)
    token = magic_token_make(jti=link.jti)
    return reverse("portal:magic_link", kwargs={"firm_slug": contact.firm.slug, "token": token})


@pytest.fixture
def sign_in():
    """Sign a contact in through the real link flow (POST to a fresh magic link)."""

    def _sign_in(http: HttpClient, contact) -> HttpClient:
        response = http.post(magic_url(contact))
        assert response.status_code == 303, response.content
        return http

    return _sign_in
