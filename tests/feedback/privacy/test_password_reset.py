"""Staff password reset through Django's views, the e-mail sent over real SMTP on loopback, and
the request form's rate limits."""

import re

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tangerine-Ledger-42"
LINK = re.compile(r"https?://\S+/accounts/reset/\S+/")


@pytest.fixture
def staff(firm):
    return MemberFactory(firm=firm, user__username="rita-reset", user__email="rita@acme.example")


def test_a_member_of_staff_resets_their_password_from_the_emailed_link(staff, smtp_server):
    http = HttpClient()

    # when they ask for a reset
    asked = http.post(reverse("password_reset"), {"email": "Rita@acme.example"})

    # then the same page as for any address, and one e-mail with a link
    assert asked.status_code == 302 and asked["Location"] == reverse("password_reset_done")
    (message,) = smtp_server.messages
    assert message["X-Rcpt-To"] == "rita@acme.example"
    assert message["Subject"] == "Reset your Earshot password"
    link = LINK.search(message.get_content()).group()

    # when they follow it and choose a new password
    form = http.get(link, follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    done = http.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    # then the new password signs them in, the old one no longer does, the link is spent
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    signed_in = HttpClient().post(
        reverse("login"), {"username": "rita-reset", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    staff.user.refresh_from_db()
    assert not staff.user.check_password("pw-for-tests-only")
    again = HttpClient().get(link, follow=True)
    assert b"This link no longer works" in again.content


def test_an_unknown_address_gets_the_same_answer_and_no_email(staff, smtp_server):
    response = HttpClient().post(reverse("password_reset"), {"email": "nobody@acme.example"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert smtp_server.messages == []


@override_settings(PASSWORD_RESET_RATE_PER_EMAIL="3/h", PASSWORD_RESET_RATE_PER_IP="10/h")
def test_reset_requests_are_rate_limited_per_address_and_per_ip(staff, smtp_server):
    http = HttpClient()
    statuses = [
        http.post(reverse("password_reset"), {"email": "rita@acme.example"}).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert len(smtp_server.messages) == 3
    # other addresses from the same IP, up to its own limit of 10 in all
    others = [
        http.post(reverse("password_reset"), {"email": f"x{i}@acme.example"}).status_code
        for i in range(7)
    ]
    assert others == [302] * 6 + [429]
