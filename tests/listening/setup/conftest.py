"""Fixtures of the listening settings pages' tests: an admin's browser, a web form, an NPS
campaign, and rate limits reset around every test."""

import pytest
from django.core.cache import cache

from feedback.models import Channel, Source
from listening.campaigns.models import Campaign, SurveyKind
from tests.factories import SourceFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(client, admin_member):
    client.force_login(admin_member.user)
    return client


@pytest.fixture
def web_form(firm) -> Source:
    return SourceFactory(
        firm=firm,
        channel=Channel.FORM,
        name="Website form",
        config={"allowed_origins": ["https://www.acme.example"]},
    )


@pytest.fixture
def nps(firm) -> Campaign:
    return Campaign.objects.create(firm=firm, name="Spring NPS", kind=SurveyKind.NPS)
