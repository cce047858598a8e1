"""Client pages carry the firm's name, logo and colour, never the vendor's, and escape them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from feedback.models import Firm
from listening.campaigns import tokens
from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.campaigns.services.invitations import invitation_schedule

pytestmark = pytest.mark.django_db

LOGO = "https://cdn.acme.example/logo.png?size=2&v=1"


@pytest.fixture
def branded(firm) -> Firm:
    firm.name = "O'Brien & <Partners>"
    firm.logo_url = LOGO
    firm.primary_colour = "#ffcc00"
    firm.full_clean()
    firm.save()
    return firm


@pytest.fixture
def client_pages(branded, contact, form_source) -> dict[str, str]:
    campaign = Campaign.objects.create(firm=branded, name="NPS", kind=SurveyKind.NPS)
    invitation = invitation_schedule(campaign=campaign, contact=contact, occasion="w").invitation
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.SENT, sent_at=timezone.now()
    )
    survey_token = tokens.invitation_token(invitation)
    return {
        "sign-in": reverse("portal:sign_in", kwargs={"firm_slug": branded.slug}),
        "survey": reverse("campaigns:respond", args=[survey_token]),
        "unsubscribe": reverse("campaigns:optout", args=[tokens.optout_token(contact)]),
        "form": reverse("portal:form", kwargs={"public_key": form_source.public_key}),
        "form-thanks": reverse("portal:form_thanks", kwargs={"public_key": form_source.public_key}),
    }


def test_client_pages_show_the_firms_logo_and_colour_not_the_vendor(client, client_pages):
    for name, url in client_pages.items():
        # when
        page = client.get(url)
        body = page.content.decode()
        # then
        assert page.status_code == 200, name
        assert 'src="https://cdn.acme.example/logo.png?size=2&amp;v=1"' in body, name
        assert "--brand: #ffcc00; --on-brand: #111111;" in body, name
        assert "Earshot" not in body, name


def test_the_firms_name_is_escaped(client, client_pages):
    body = client.get(client_pages["sign-in"]).content.decode()
    assert "O&#x27;Brien &amp; &lt;Partners&gt;" in body
    assert "<Partners>" not in body


def test_without_a_logo_the_firms_name_heads_the_page(client, firm, contact):
    # given the firm's defaults
    body = client.get(reverse("portal:sign_in", kwargs={"firm_slug": firm.slug})).content
    # then its name in white on the default dark blue
    assert b'<span class="client-name">Acme Legal LLP</span>' in body
    assert b"--brand: #1f4e79; --on-brand: #ffffff;" in body


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "#1234;}"])
def test_a_colour_that_is_not_hex_is_refused_by_validation_and_by_the_database(firm, colour):
    firm.primary_colour = colour
    with pytest.raises(ValidationError):
        firm.full_clean()
    # and the database refuses it too, since the value is written into a style attribute
    with pytest.raises(IntegrityError):
        Firm.objects.filter(pk=firm.pk).update(primary_colour=colour[:7])


def test_a_logo_that_is_not_a_web_address_is_refused(firm):
    firm.logo_url = "javascript:alert(1)"
    with pytest.raises(ValidationError):
        firm.full_clean()
