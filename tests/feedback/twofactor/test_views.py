"""The two-factor pages: a member's own (set up with a server-drawn QR code, recovery codes
shown once, new codes and turning off behind the password) and the admin's, on the members
page (the firm's requirement, a member's reset), each kept within its firm."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from feedback.models import AuditEvent
from feedback.twofactor import selectors
from tests.feedback.conftest import browser_for
from tests.feedback.twofactor.helpers import app_code, two_factor_on

pytestmark = pytest.mark.django_db


def test_set_up_shows_an_svg_qr_code_and_the_secret_and_no_script(account_manager):
    # given
    browser = browser_for(account_manager)

    # when
    started = browser.post(reverse("two_factor:setup_start"))
    page = browser.get(reverse("two_factor:setup"))

    # then
    assert started["Location"] == reverse("two_factor:setup")
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=account_manager.user, confirmed=False)
    assert '<svg width="' in body and "<title>QR code to scan with your app</title>" in body
    secret = body.split('id="totp-secret" class="fs-5">')[1].split("</code>")[0]
    assert secret.replace(" ", "") in device.config_url
    assert "<script>" not in body and "style=" not in body.split("<svg")[1].split("</svg>")[0]
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_wrong_code_at_set_up_is_refused_and_leaves_it_off(account_manager):
    browser = browser_for(account_manager)
    browser.post(reverse("two_factor:setup_start"))
    response = browser.post(reverse("two_factor:setup"), {"code": "000000"})
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    assert not selectors.two_factor_enabled(user=account_manager.user)


def test_the_right_code_turns_it_on_and_shows_the_recovery_codes_once(account_manager):
    # given
    browser = browser_for(account_manager)
    browser.post(reverse("two_factor:setup_start"))
    device = TOTPDevice.objects.get(user=account_manager.user)

    # when
    done = browser.post(reverse("two_factor:setup"), {"code": app_code(device)})
    later = browser.get(reverse("two_factor:index")).content.decode()

    # then
    listed = done.content.decode().split('id="recovery-codes">')[1].split("</ul>")[0]
    shown = re.findall(r"<li>(\w+)</li>", listed)
    assert len(shown) == 10
    assert "10 recovery codes left" in later and not any(code in later for code in shown)


def test_setting_up_again_while_on_is_refused(account_manager):
    two_factor_on(account_manager.user)
    browser = browser_for(account_manager)
    response = browser.post(reverse("two_factor:setup_start"), follow=True)
    assert "already on" in response.content.decode()
    assert TOTPDevice.objects.filter(user=account_manager.user).count() == 1


def test_new_recovery_codes_need_the_password(account_manager):
    # given
    _, old = two_factor_on(account_manager.user)
    browser = browser_for(account_manager)

    # when
    refused = browser.post(reverse("two_factor:recovery_codes"), {"secret": "guess"})
    made = browser.post(reverse("two_factor:recovery_codes"), {"secret": "pw-for-tests-only"})

    # then
    assert refused.status_code == 400 and "neither your password" in refused.content.decode()
    assert made.status_code == 200 and old[0] not in made.content.decode()
    assert "Your recovery codes" in made.content.decode()


def test_turning_it_off_needs_the_password_or_a_current_code(account_manager):
    # given
    device, _ = two_factor_on(account_manager.user)
    browser = browser_for(account_manager)

    # when
    refused = browser.post(reverse("two_factor:disable"), {"secret": "123456"})
    device.throttle_reset()
    done = browser.post(
        reverse("two_factor:disable"), {"secret": app_code(device, steps_ahead=1)}, follow=True
    )

    # then
    assert refused.status_code == 400
    assert "Two-factor sign-in is off" in done.content.decode()
    assert not selectors.two_factor_enabled(user=account_manager.user)


def test_the_members_page_shows_who_has_it_and_lets_the_admin_reset_it(admin_member, teammate):
    # given
    two_factor_on(teammate.user)
    browser = browser_for(admin_member)

    # when
    page = browser.get(reverse("workspace:members")).content.decode()
    reset = browser.post(reverse("workspace:member_two_factor_reset", kwargs={"pk": teammate.pk}))

    # then
    row = page.split(f'data-member="{teammate.user.username}"')[1].split("</tr>")[0]
    assert '<span class="badge text-bg-success">on</span>' in row and "Reset two-factor" in row
    assert reset["Location"] == reverse("workspace:members")
    assert not selectors.two_factor_enabled(user=teammate.user)
    assert AuditEvent.objects.filter(action="member.two_factor_reset").count() == 1


def test_an_admin_of_another_firm_cannot_reset_a_member_here(outsider, teammate):
    # given
    two_factor_on(teammate.user)

    # when
    url = reverse("workspace:member_two_factor_reset", kwargs={"pk": teammate.pk})
    response = browser_for(outsider).post(url)

    # then
    assert response.status_code == 404
    assert selectors.two_factor_enabled(user=teammate.user)


def test_the_admin_requires_it_from_the_members_page(firm, admin_member, analyst):
    # given
    browser = browser_for(admin_member)
    url = reverse("workspace:two_factor_policy")

    # when without it for themselves, then with it
    refused = browser.post(url, {"require_two_factor": "on"}, follow=True)
    firm.refresh_from_db()
    required_before = firm.require_two_factor
    two_factor_on(admin_member.user)
    browser.post(url, {"require_two_factor": "on"})
    firm.refresh_from_db()

    # then
    assert "your own account first" in refused.content.decode() and not required_before
    assert firm.require_two_factor
    page = browser_for(analyst).get(reverse("workspace:members")).content.decode()
    assert "Required of every member." in page
    assert browser_for(analyst).post(url, {}).status_code == 403


def test_another_firms_admin_sets_only_their_own_firms_requirement(firm, outsider):
    two_factor_on(outsider.user)
    browser_for(outsider).post(reverse("workspace:two_factor_policy"), {"require_two_factor": "on"})
    firm.refresh_from_db()
    outsider.firm.refresh_from_db()
    assert not firm.require_two_factor and outsider.firm.require_two_factor
