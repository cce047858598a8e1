"""Rate limits on the public survey pages (no login): a clear 429 page with Retry-After, per
client IP, counted before the token is read, and switchable off."""

import pytest
from django.test import override_settings
from django.urls import reverse

from listening.campaigns import tokens
from listening.campaigns.models import Response

pytestmark = pytest.mark.django_db


def _respond_url(invitation) -> str:
    return reverse("campaigns:respond", args=[tokens.invitation_token(invitation)])


@override_settings(CAMPAIGNS_SURVEY_RATE_PER_IP="2/m")
def test_survey_page_past_the_limit_answers_429_with_retry_after(client, invitation):
    # given two requests from one address within the minute
    url = _respond_url(invitation)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200

    # when a third one posts an answer
    page = client.post(url, {"score": "9", "comment": "Great."})

    # then it is refused with a readable page and a Retry-After, and nothing is recorded
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 60
    assert b"Too many requests" in page.content
    assert page["Cache-Control"] == "no-store"
    assert not Response.objects.exists()


@override_settings(CAMPAIGNS_SURVEY_RATE_PER_IP="2/m")
def test_forged_tokens_count_against_the_limit(client, invitation):
    # given an address trying made-up tokens
    for _ in range(2):
        assert client.get("/survey/r/forged-token/").status_code == 400

    # when it then uses a genuine link, it is still limited
    assert client.get(_respond_url(invitation)).status_code == 429


@override_settings(CAMPAIGNS_SURVEY_RATE_PER_IP="2/m")
def test_limit_is_per_client_address(client, invitation):
    # given one address at its limit
    url = _respond_url(invitation)
    for _ in range(2):
        client.get(url, REMOTE_ADDR="203.0.113.7")
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 429

    # when another address asks, then it is served
    assert client.get(url, REMOTE_ADDR="198.51.100.4").status_code == 200


@override_settings(CAMPAIGNS_SURVEY_RATE_PER_IP="1/m")
def test_opt_out_past_the_limit_answers_429_and_changes_nothing(client, contact, invitation):
    # given the address used its one request
    url = reverse("campaigns:optout", args=[tokens.optout_token(contact)])
    assert client.get(url).status_code == 200

    # when a one-click opt-out comes from the same address
    page = client.post(url, {"List-Unsubscribe": "One-Click"})

    # then it is refused with Retry-After and the contact is unchanged (a retry will work)
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    contact.refresh_from_db()
    assert not contact.opted_out


@override_settings(CAMPAIGNS_SURVEY_RATE_PER_IP=None)
def test_empty_rate_switches_the_limit_off(client, invitation):
    url = _respond_url(invitation)
    assert {client.get(url).status_code for _ in range(70)} == {200}
