"""Writes of two-factor sign-in: setting up an authenticator app, recovery codes, turning it off,
an admin's reset of a member's devices and the firm's requirement.

Codes are checked by django-otp's devices, which refuse replays (a TOTP code works once) and
throttle wrong codes per device (1, 2, 4 ... seconds); the sign-in step also counts wrong codes
as failed sign-ins in django-axes (`feedback.twofactor.signin`)."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from feedback.models import Firm, Member, Role
from feedback.services import audit_record
from feedback.twofactor.selectors import two_factor_enabled

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")
WRONG_CODE = "That code is not right. Enter the 6-digit code your app shows now."


@dataclass(frozen=True)
class Verification:
    """The outcome of one code: the device that took it, or how long to wait when throttled."""

    device: Device | None
    wait_until: datetime | None = None
    recovery_codes_left: int | None = None


def code_normalise(code: str) -> str:
    """Codes as people type them: "123 456", "abcd-efgh", upper case."""
    return re.sub(r"[\s-]", "", code).lower()


def _firm_of(user: AbstractBaseUser) -> Firm | None:
    member = Member.objects.filter(user_id=user.pk).select_related("firm").first()
    return member.firm if member is not None else None


def two_factor_verify(*, user: AbstractBaseUser, code: str) -> Verification:
    """Check a sign-in code: six digits go to the authenticator app, anything else is a recovery
    code (used up when it matches). The device row is locked while it is checked, so two
    requests cannot both use one code or skip the throttle."""
    code = code_normalise(code)
    model: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    )
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user_id=user.pk, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return Verification(device=None)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return Verification(device=None, wait_until=(details or {}).get("locked_until"))
        if not device.verify_token(code):
            return Verification(device=None)
    left = None
    if isinstance(device, StaticDevice):
        left = StaticToken.objects.filter(device=device).count()
    return Verification(device=device, recovery_codes_left=left)


@transaction.atomic
def totp_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """A new secret for the user's authenticator app, not yet in force (it is once confirmed
    with a code). Any earlier unfinished set-up is replaced."""
    if two_factor_enabled(user=user):
        raise ValidationError("Two-factor sign-in is already on. Turn it off first to change app.")
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, user: AbstractBaseUser, code: str) -> list[str]:
    """Put the pending authenticator app in force once it gives a right code; returns the new
    recovery codes (shown once). Raises ValidationError on a wrong code or no pending app; the
    wrong code's throttling is committed all the same."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user_id=user.pk, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            error = "Start the set-up again: there is no app waiting to be confirmed."
        elif not device.verify_is_allowed()[0]:
            error = "Too many wrong codes: wait a few seconds, then try again."
        elif not device.verify_token(code_normalise(code)):
            error = WRONG_CODE
        else:
            error = ""
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            firm = _firm_of(user)
            if firm is not None:
                audit_record(firm=firm, action="user.two_factor_enabled", obj=user, actor=user)
            return recovery_codes_regenerate(user=user)
    raise ValidationError(error)


@transaction.atomic
def recovery_codes_regenerate(*, user: AbstractBaseUser) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working. They are shown to the user
    once, from the return value: no page shows them again."""
    if not two_factor_enabled(user=user):
        raise ValidationError("Turn two-factor sign-in on first.")
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.throttle_reset()
    return codes


def _devices_delete(user: AbstractBaseUser) -> None:
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    StaticDevice.objects.filter(user_id=user.pk).delete()


@transaction.atomic
def two_factor_disable(*, user: AbstractBaseUser) -> None:
    """Turn two-factor sign-in off for oneself: the app and the recovery codes are forgotten."""
    _devices_delete(user)
    firm = _firm_of(user)
    if firm is not None:
        audit_record(firm=firm, action="user.two_factor_disabled", obj=user, actor=user)


@transaction.atomic
def member_two_factor_reset(*, member: Member, by: Member) -> None:
    """An admin forgets a member's app and recovery codes (a lost phone): the member signs in
    with the password alone, or is sent to set up a new app when the firm requires one. Only an
    admin of the member's own firm may."""
    if by.role != Role.ADMIN or by.firm_id != member.firm_id:
        raise PermissionDenied
    _devices_delete(member.user)
    audit_record(
        firm=member.firm,
        action="member.two_factor_reset",
        obj=member,
        actor=by.user,
        data={"user": member.user.get_username(), "at": timezone.now().isoformat()},
    )


@transaction.atomic
def firm_two_factor_require(*, firm: Firm, required: bool, by: Member) -> Firm:
    """Require two-factor sign-in of every member of the firm, or stop requiring it. An admin
    turns it on only with two-factor on for themselves (they would be sent to set it up next)."""
    if by.role != Role.ADMIN or by.firm_id != firm.pk:
        raise PermissionDenied
    if required and not two_factor_enabled(user=by.user):
        raise ValidationError("Turn two-factor sign-in on for your own account first.")
    if firm.require_two_factor != required:
        firm.require_two_factor = required
        firm.save(update_fields=["require_two_factor"])
        action = "firm.two_factor_required" if required else "firm.two_factor_optional"
        audit_record(firm=firm, action=action, obj=firm, actor=by.user)
    return firm


def identity_confirm(*, user: AbstractBaseUser, secret: str) -> bool:
    """Whether `secret` is the user's password or a current code of their app (asked before
    turning two-factor off or replacing the recovery codes)."""
    if (
        TOTP_CODE.fullmatch(code_normalise(secret))
        and two_factor_enabled(user=user)
        and two_factor_verify(user=user, code=secret).device is not None
    ):
        return True
    return bool(secret) and user.check_password(secret)
