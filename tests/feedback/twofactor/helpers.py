"""Codes as a member's authenticator app computes them (django-otp's own TOTP)."""

import time

from django.contrib.auth.models import AbstractBaseUser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from feedback.twofactor.services import totp_device_confirm, totp_device_start


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The app's code now, or `steps_ahead` 30-second steps later (a code works once, so a
    second sign-in within the same step needs the next one, which is still accepted)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def two_factor_on(user: AbstractBaseUser) -> tuple[TOTPDevice, list[str]]:
    """Set up and confirm an app for `user`, as the set-up page does; returns it and the codes."""
    device = totp_device_start(user=user)
    codes = totp_device_confirm(user=user, code=app_code(device))
    device.refresh_from_db()
    return device, codes
