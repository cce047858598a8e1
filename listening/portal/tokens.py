"""Signed magic-link tokens.

A token is `django.core.signing` output (HMAC with SECRET_KEY, salted, timestamped) over the
link's `jti`. The signature makes forgery impossible without a database hit; the timestamp
bounds its age; the `MagicLink` row makes it single-use.
"""

import uuid

from django.conf import settings
from django.core import signing

_SALT = "earshot.portal.magic-link"


class MagicLinkInvalid(Exception):
    """The link is forged, expired, already used or for another firm (one message for all, so
    the response tells an attacker nothing)."""


def magic_token_make(*, jti: uuid.UUID) -> str:
    return signing.dumps({"j": jti.hex}, salt=_SALT)


def magic_token_read(token: str) -> uuid.UUID:
    """The jti inside a genuine, unexpired token; raises MagicLinkInvalid otherwise."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.PORTAL_MAGIC_LINK_MAX_AGE)
        return uuid.UUID(hex=payload["j"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        # SignatureExpired is a BadSignature.
        raise MagicLinkInvalid(str(exc)) from exc
