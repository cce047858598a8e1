"""Encryption at rest for channel credentials (IMAP passwords, API keys).

Fernet (AES-128-CBC + HMAC-SHA256) with keys from settings.LISTENING_FERNET_KEYS: the first key
encrypts, every key decrypts, so keys can be rotated by prepending a new one.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "LISTENING_FERNET_KEYS", []) or [])
    if not keys:
        # Derived from SECRET_KEY so the embedded default works with no configuration; production
        # sets LISTENING_FERNET_KEYS so that rotating SECRET_KEY does not lose credentials.
        digest = hashlib.sha256(("earshot-listening:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"LISTENING_FERNET_KEYS holds an invalid key: {exc}") from exc


def secret_encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def secret_decrypt(token: str) -> str:
    """Raises ValueError when the token was made with a key that is no longer configured."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("Stored credential cannot be decrypted with the configured keys.") from exc
