"""Reads of staff members' two-factor devices (django-otp's rows)."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_enabled(*, user: AbstractBaseUser) -> bool:
    """Whether the user has a confirmed authenticator app: then sign-in asks for a code."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def totp_device_pending_get(*, user: AbstractBaseUser) -> TOTPDevice | None:
    """The authenticator app being set up (not yet confirmed with a code), if any."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()


def recovery_codes_left(*, user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def two_factor_user_ids(*, user_ids: Iterable[int]) -> set[int]:
    """Of these users, those with two-factor on (one query, for the members list)."""
    return set(
        TOTPDevice.objects.filter(user_id__in=list(user_ids), confirmed=True).values_list(
            "user_id", flat=True
        )
    )
