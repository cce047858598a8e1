"""The rules of two-factor sign-in, on the real django-otp devices: set-up confirmed by a code,
codes that work once, recovery codes, throttling, an admin's reset within their own firm, and
the firm's requirement."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from feedback.models import AuditEvent
from feedback.twofactor import selectors, services
from tests.feedback.twofactor.helpers import app_code, two_factor_on

pytestmark = pytest.mark.django_db


def test_a_new_app_is_not_in_force_until_a_right_code_confirms_it(analyst):
    # given
    device = services.totp_device_start(user=analyst.user)
    assert not selectors.two_factor_enabled(user=analyst.user)

    # when a wrong code, then the right one
    with pytest.raises(ValidationError, match="not right"):
        services.totp_device_confirm(user=analyst.user, code="000000")
    device.throttle_reset()
    codes = services.totp_device_confirm(user=analyst.user, code=app_code(device))

    # then it is on, with ten recovery codes, and the firm's audit log says so
    assert selectors.two_factor_enabled(user=analyst.user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert selectors.recovery_codes_left(user=analyst.user) == 10
    assert AuditEvent.objects.filter(firm=analyst.firm, action="user.two_factor_enabled").exists()


def test_a_wrong_confirmation_code_is_throttled_even_though_it_raised(analyst):
    # given
    device = services.totp_device_start(user=analyst.user)

    # when
    with pytest.raises(ValidationError):
        services.totp_device_confirm(user=analyst.user, code="000000")

    # then the failure was kept (not rolled back with the error), so the next try waits
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        services.totp_device_confirm(user=analyst.user, code=app_code(device))


def test_starting_again_while_on_is_refused(analyst):
    two_factor_on(analyst.user)
    with pytest.raises(ValidationError, match="already on"):
        services.totp_device_start(user=analyst.user)


def test_an_app_code_works_once(analyst):
    # given
    device, _ = two_factor_on(analyst.user)
    code = app_code(device, steps_ahead=1)

    # when
    first = services.two_factor_verify(user=analyst.user, code=code)
    second = services.two_factor_verify(user=analyst.user, code=code)

    # then
    assert first.device == device
    assert second.device is None


def test_a_recovery_code_works_once_whatever_the_case_and_spacing(analyst):
    # given
    _, codes = two_factor_on(analyst.user)
    typed = f" {codes[0][:4].upper()}-{codes[0][4:]} "

    # when
    first = services.two_factor_verify(user=analyst.user, code=typed)
    StaticDevice.objects.filter(user=analyst.user).get().throttle_reset()
    again = services.two_factor_verify(user=analyst.user, code=codes[0])

    # then
    assert isinstance(first.device, StaticDevice) and first.recovery_codes_left == 9
    assert again.device is None
    assert selectors.recovery_codes_left(user=analyst.user) == 9


def test_wrong_codes_are_throttled_per_device(analyst):
    # given
    device, codes = two_factor_on(analyst.user)

    # when
    wrong = services.two_factor_verify(user=analyst.user, code="123456")
    right_too_soon = services.two_factor_verify(
        user=analyst.user, code=app_code(device, steps_ahead=1)
    )
    recovery = services.two_factor_verify(user=analyst.user, code=codes[1])

    # then the app waits a second; the recovery codes are another device
    assert wrong.device is None and wrong.wait_until is None
    assert right_too_soon.device is None and right_too_soon.wait_until is not None
    assert recovery.device is not None


def test_new_recovery_codes_replace_the_old_ones(analyst):
    # given
    _, old = two_factor_on(analyst.user)

    # when
    new = services.recovery_codes_regenerate(user=analyst.user)

    # then
    assert not set(old) & set(new)
    assert services.two_factor_verify(user=analyst.user, code=old[0]).device is None
    StaticDevice.objects.filter(user=analyst.user).get().throttle_reset()
    assert services.two_factor_verify(user=analyst.user, code=new[0]).device is not None


def test_recovery_codes_need_two_factor_on(analyst):
    with pytest.raises(ValidationError):
        services.recovery_codes_regenerate(user=analyst.user)


def test_identity_is_the_password_or_a_current_code(analyst):
    # given
    device, _ = two_factor_on(analyst.user)

    # then
    assert services.identity_confirm(user=analyst.user, secret="pw-for-tests-only")
    assert services.identity_confirm(user=analyst.user, secret=app_code(device, steps_ahead=1))
    assert not services.identity_confirm(user=analyst.user, secret="guess")
    assert not services.identity_confirm(user=analyst.user, secret="")


def test_turning_it_off_forgets_the_app_and_the_codes(analyst):
    # given
    two_factor_on(analyst.user)

    # when
    services.two_factor_disable(user=analyst.user)

    # then
    assert not TOTPDevice.objects.filter(user=analyst.user).exists()
    assert not StaticDevice.objects.filter(user=analyst.user).exists()
    assert AuditEvent.objects.filter(action="user.two_factor_disabled").count() == 1


def test_an_admin_resets_a_members_devices_with_an_audit_entry(admin_member, teammate):
    # given
    two_factor_on(teammate.user)

    # when
    services.member_two_factor_reset(member=teammate, by=admin_member)

    # then
    assert not selectors.two_factor_enabled(user=teammate.user)
    event = AuditEvent.objects.get(action="member.two_factor_reset")
    assert (event.firm, event.actor, event.object_id) == (
        teammate.firm,
        admin_member.user,
        str(teammate.pk),
    )


@pytest.mark.parametrize("by", ["analyst", "outsider"])
def test_only_an_admin_of_the_members_own_firm_resets_it(request, teammate, by):
    # given
    two_factor_on(teammate.user)

    # when / then
    with pytest.raises(PermissionDenied):
        services.member_two_factor_reset(member=teammate, by=request.getfixturevalue(by))
    assert selectors.two_factor_enabled(user=teammate.user)
    assert not AuditEvent.objects.filter(action="member.two_factor_reset").exists()


def test_an_admin_requires_it_only_with_it_on_for_themselves(firm, admin_member):
    # when without it
    with pytest.raises(ValidationError, match="your own account first"):
        services.firm_two_factor_require(firm=firm, required=True, by=admin_member)
    firm.refresh_from_db()
    assert not firm.require_two_factor

    # when with it
    two_factor_on(admin_member.user)
    services.firm_two_factor_require(firm=firm, required=True, by=admin_member)

    # then
    firm.refresh_from_db()
    assert firm.require_two_factor
    assert AuditEvent.objects.filter(firm=firm, action="firm.two_factor_required").count() == 1


def test_another_firms_admin_cannot_set_the_requirement(firm, outsider):
    two_factor_on(outsider.user)
    with pytest.raises(PermissionDenied):
        services.firm_two_factor_require(firm=firm, required=True, by=outsider)
    firm.refresh_from_db()
    assert not firm.require_two_factor
