"""Signing in with two-factor through the real login form and code step: nothing works between
the password and the code (pages, the API session, Django admin), wrong codes are refused and
count towards django-axes' lockout, a firm's requirement sends members to set it up, and API
keys are unaffected."""

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from feedback.twofactor.services import firm_two_factor_require
from tests.feedback.conftest import key_client
from tests.feedback.twofactor.helpers import app_code, two_factor_on

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"


def _password(user, ip: str = "203.0.113.5", next_url: str = "") -> tuple[HttpClient, object]:
    browser = HttpClient(REMOTE_ADDR=ip)
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return browser, browser.post(url, data)


def _signed_in(browser: HttpClient) -> bool:
    return "_auth_user_id" in browser.session


def test_without_two_factor_the_password_alone_signs_in(analyst):
    browser, response = _password(analyst.user)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _signed_in(browser)


def test_with_two_factor_the_password_leads_to_the_code_and_nothing_else_works(analyst):
    # given
    two_factor_on(analyst.user)

    # when
    browser, response = _password(analyst.user)

    # then not signed in: pages send to sign-in, the API session is refused, admin too
    assert response["Location"] == reverse("login_verify")
    assert not _signed_in(browser)
    assert browser.get(reverse("review:queue"))["Location"].startswith(reverse("login"))
    assert browser.get(reverse("api-case-list")).status_code in (401, 403)
    assert browser.get("/admin/")["Location"].startswith("/admin/login/")
    page = browser.get(reverse("login_verify"))
    assert page.status_code == 200 and "Enter your code" in page.content.decode()


def test_the_right_code_signs_in_and_goes_where_the_password_was_going(analyst):
    # given
    device, _ = two_factor_on(analyst.user)
    browser, _ = _password(analyst.user, next_url=reverse("review:queue"))

    # when
    response = browser.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})

    # then
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    assert _signed_in(browser)
    assert browser.session["otp_device_id"] == device.persistent_id
    assert browser.get(reverse("review:queue")).status_code == 200
    assert browser.get(reverse("api-case-list")).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_error(analyst):
    # given
    two_factor_on(analyst.user)
    browser, _ = _password(analyst.user)

    # when
    response = browser.post(reverse("login_verify"), {"code": "000000"})

    # then
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not _signed_in(browser)


def test_a_recovery_code_signs_in_once(analyst):
    # given
    _, codes = two_factor_on(analyst.user)
    browser, _ = _password(analyst.user)

    # when
    first = browser.post(reverse("login_verify"), {"code": codes[0]}, follow=True)
    again_browser, _ = _password(analyst.user)
    again = again_browser.post(reverse("login_verify"), {"code": codes[0]})

    # then
    assert _signed_in(browser)
    assert first.redirect_chain[-1][0] == reverse("two_factor:index")
    assert "recovery code; 9 left" in first.content.decode()
    assert again.status_code == 400 and not _signed_in(again_browser)


def test_wrong_codes_lock_out_like_wrong_passwords_even_after_the_password_again(analyst):
    # given an attacker who knows the password
    device, _ = two_factor_on(analyst.user)

    # when they try ten wrong codes, entering the password again between them
    for i in range(10):
        browser, _ = _password(analyst.user, ip=f"198.51.100.{i % 3 + 1}")
        device.throttle_reset()  # as if they waited out django-otp's delay each time
        browser.post(reverse("login_verify"), {"code": f"{i:06d}"})
    device.throttle_reset()

    # then even the right password and code, from elsewhere, are refused (429)
    browser, password = _password(analyst.user, ip="192.0.2.77")
    assert password.status_code == 429
    browser.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert not _signed_in(browser)


def test_the_code_step_is_locked_out_before_checking_the_code(analyst):
    # given nine wrong codes
    device, _ = two_factor_on(analyst.user)
    browser, _ = _password(analyst.user)
    for i in range(9):
        device.throttle_reset()
        browser.post(reverse("login_verify"), {"code": f"{i:06d}"})

    # when the tenth is wrong too, and then the right one comes
    device.throttle_reset()
    tenth = browser.post(reverse("login_verify"), {"code": "999999"})
    device.throttle_reset()
    right = browser.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})

    # then
    assert tenth.status_code == 429 and right.status_code == 429
    assert not _signed_in(browser)


def test_a_right_code_soon_after_a_wrong_one_is_asked_to_wait(analyst):
    device, _ = two_factor_on(analyst.user)
    browser, _ = _password(analyst.user)
    browser.post(reverse("login_verify"), {"code": "000000"})
    response = browser.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 400 and "Too many wrong codes: wait" in response.content.decode()
    assert not _signed_in(browser)


@override_settings(TWO_FACTOR_PENDING_SECONDS=0)
def test_a_code_long_after_the_password_asks_for_the_password_again(analyst):
    device, _ = two_factor_on(analyst.user)
    browser, _ = _password(analyst.user)
    response = browser.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert response["Location"] == reverse("login") and not _signed_in(browser)


def test_a_password_changed_meanwhile_voids_the_pending_sign_in(analyst):
    device, _ = two_factor_on(analyst.user)
    browser, _ = _password(analyst.user)
    analyst.user.set_password("another long passphrase")
    analyst.user.save()
    response = browser.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert response["Location"] == reverse("login") and not _signed_in(browser)


def test_the_code_step_without_a_password_first_goes_back_to_sign_in():
    browser = HttpClient()
    response = browser.post(reverse("login_verify"), {"code": "123456"})
    assert response["Location"] == reverse("login")
    assert "Enter your password again" in browser.get(response["Location"]).content.decode()


def test_django_admin_signs_in_through_the_staff_sign_in():
    response = HttpClient().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/"


def test_a_firm_requiring_it_sends_members_without_it_to_set_it_up(firm, admin_member, analyst):
    # given
    two_factor_on(admin_member.user)
    firm_two_factor_require(firm=firm, required=True, by=admin_member)

    # when
    browser, response = _password(analyst.user)

    # then signed in, but kept to the set-up until it is on
    assert response["Location"] == reverse("two_factor:index")
    assert _signed_in(browser)
    assert browser.get(reverse("review:queue"))["Location"] == reverse("two_factor:index")
    assert browser.get(reverse("api-case-list")).status_code == 403
    assert browser.get(reverse("two_factor:index")).status_code == 200

    # when they set it up
    browser.post(reverse("two_factor:setup_start"))
    device = TOTPDevice.objects.get(user=analyst.user)
    done = browser.post(reverse("two_factor:setup"), {"code": app_code(device)})

    # then the codes are shown and every page opens
    assert done.status_code == 200 and "Your recovery codes" in done.content.decode()
    assert browser.get(reverse("review:queue")).status_code == 200


def test_api_keys_are_unaffected_by_two_factor_or_the_requirement(firm, admin_member, api_key):
    # given
    two_factor_on(admin_member.user)
    firm_two_factor_require(firm=firm, required=True, by=admin_member)

    # then
    assert key_client(api_key[1]).get(reverse("api-case-list")).status_code == 200
