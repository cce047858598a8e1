"""Two-factor sign-in in Debian's Chromium: a member sets it up from the QR code page (the
secret read off the page, the code computed as an authenticator app does), signs out, signs in
with password and code; a wrong code is refused and a recovery code works once. An admin then
requires it of the firm and resets a member's devices. No page breaks the CSP."""

import time
from base64 import b32decode

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP

from feedback.models import AuditEvent
from feedback.twofactor import selectors
from tests.browser import ARTIFACTS, axe_serious_violations, chromium_page
from tests.feedback.test_browser import sign_in
from tests.feedback.twofactor.helpers import two_factor_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed in from the page."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return found


def _sign_out(page) -> None:
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("input[name=username]")


def _code_entered(page, code: str) -> None:
    page.fill("input[name=code]", code)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state("networkidle")


def test_a_member_sets_it_up_and_signs_in_with_a_code_or_a_recovery_code(live_server, analyst):
    url = live_server.url
    with chromium_page(width=1280, height=900) as page:
        violations = _csp_violations(page)
        # given the analyst signed in with their password, on their two-factor page
        sign_in(page, live_server, analyst)
        page.goto(f"{url}/settings/two-factor/")
        assert "Off" in page.inner_text("#two-factor-status")

        # when they set it up: the QR code is drawn, the key is read off the page
        page.click("button:has-text('Set up two-factor sign-in')")
        page.wait_for_selector("figure.qr-code svg")
        assert axe_serious_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "two-factor-setup.png"), full_page=True)
        secret = page.inner_text("#totp-secret")
        page.fill("input[name=code]", _app_code(secret))
        page.click("button:has-text('Confirm and turn on')")

        # then it is on, and the recovery codes are shown this once
        page.wait_for_selector("#recovery-codes")
        codes = [li.inner_text() for li in page.query_selector_all("#recovery-codes li")]
        assert len(codes) == 10
        assert axe_serious_violations(page) == []
        page.click("text=I have saved them")
        assert "10 recovery codes left" in page.inner_text("#two-factor-status")
        assert axe_serious_violations(page) == []
        assert not any(code in page.content() for code in codes)

        # when they sign out and in again: the password alone is not enough
        _sign_out(page)
        page.fill("input[name=username]", analyst.user.username)
        page.fill("input[name=password]", "pw-for-tests-only")
        page.click("button:has-text('Sign in')")
        page.wait_for_selector("text=Enter your code")
        page.goto(f"{url}/review/")
        assert "/accounts/login/" in page.url
        page.goto(f"{url}/accounts/login/verify/")

        # then a wrong code is refused with a clear error
        _code_entered(page, "000000")
        assert "That code is not right" in page.inner_text("form")
        assert "/accounts/login/verify/" in page.url
        assert axe_serious_violations(page) == []

        # and a recovery code signs in, once
        _code_entered(page, codes[0])
        assert page.url.endswith("/settings/two-factor/")
        assert "recovery code; 9 left" in page.inner_text(".messages")
        _sign_out(page)
        sign_in(page, live_server, analyst)
        _code_entered(page, codes[0])
        assert "That code is not right" in page.inner_text("form")

        # and the app's next code signs in
        _code_entered(page, _app_code(secret, steps_ahead=1))
        assert page.url == f"{url}/"
        page.goto(f"{url}/review/")
        assert "/accounts/login/" not in page.url
        assert violations == []


def test_an_admin_requires_it_and_resets_a_members_devices(
    live_server, admin_member, teammate, analyst
):
    url = live_server.url
    device, _ = two_factor_on(admin_member.user)
    two_factor_on(teammate.user)
    with chromium_page(width=1280, height=900) as page:
        violations = _csp_violations(page)
        # given the admin signed in with their code, on the members page
        sign_in(page, live_server, admin_member)
        totp = TOTP(device.bin_key)
        totp.time = time.time() + 30
        _code_entered(page, f"{totp.token():06d}")
        page.goto(f"{url}/settings/members/")
        assert axe_serious_violations(page) == []

        # when they require two-factor and reset the teammate's lost phone
        page.check("#id_require_two_factor")
        page.click("#two-factor-policy button:has-text('Save')")
        assert "Every member now signs in with two-factor." in page.inner_text(".messages")
        row = f"tr[data-member='{teammate.user.username}']"
        assert page.inner_text(f"{row} .two-factor") == "on"
        page.click(f"{row} button:has-text('Reset two-factor')")
        page.wait_for_selector(f"{row} .two-factor:has-text('off')")

        # then the reset is audited, and a member without it is sent to set it up
        assert not selectors.two_factor_enabled(user=teammate.user)
        assert AuditEvent.objects.filter(action="member.two_factor_reset").exists()
        _sign_out(page)
        sign_in(page, live_server, analyst)
        assert page.url.endswith("/settings/two-factor/")
        assert "requires two-factor sign-in" in page.inner_text(".messages")
        page.goto(f"{url}/review/")
        assert page.url.endswith("/settings/two-factor/")
        assert violations == []
