"""API keys: creation, revocation and authentication. Only a SHA-256 of the secret is stored."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from feedback.models import ApiKey, Firm, Member
from feedback.services import audit_record

KEY_PREFIX = "ek_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, firm: Firm, name: str, scopes: list[str], created_by: Member | None = None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its plain secret, which is shown once and never stored."""
    bad = set(scopes) - set(ApiKey.Scope.values)
    if not scopes or bad:
        raise ValidationError({"scopes": f"Choose from {', '.join(ApiKey.Scope.values)}."})
    if created_by is not None and created_by.firm_id != firm.pk:
        raise ValidationError({"created_by": "Not a member of this firm."})
    prefix = secrets.token_hex(4)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        firm=firm,
        name=name.strip()[:100] or "API key",
        prefix=prefix,
        hashed=_hash(secret),
        scopes=sorted(set(scopes)),
        created_by=created_by,
    )
    audit_record(
        firm=firm,
        action="api_key.created",
        obj=key,
        actor=created_by.user if created_by else None,
        data={"scopes": key.scopes},
    )
    return key, secret


def api_key_revoke(*, key: ApiKey, member: Member | None = None) -> ApiKey:
    """Revoke a key; idempotent (the first revocation time is kept)."""
    if ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        audit_record(
            firm=key.firm, action="api_key.revoked", obj=key, actor=member.user if member else None
        )
    key.refresh_from_db()
    return key


@dataclass
class ApiKeyUser:
    """Stands in for request.user when a request is authenticated by an API key."""

    key: ApiKey
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def pk(self) -> str:
        return f"apikey-{self.key.pk}"

    @property
    def member(self) -> None:
        return None


def api_key_authenticate(secret: str) -> ApiKey | None:
    """The active key with this secret, or None. Constant-time comparison of the hash."""
    if not secret.startswith(KEY_PREFIX) or secret.count("_") < 2:
        return None
    prefix = secret[len(KEY_PREFIX) :].split("_", 1)[0]
    key = ApiKey.objects.select_related("firm", "created_by__user").filter(prefix=prefix).first()
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.hashed, _hash(secret)):
        return None
    now = timezone.now()
    # Throttled write: at most once a minute per key.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <secret>`."""

    keyword = "Api-Key"

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header.startswith(self.keyword + " "):
            return None
        key = api_key_authenticate(header[len(self.keyword) + 1 :].strip())
        if key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        return ApiKeyUser(key=key), key

    def authenticate_header(self, request) -> str:  # type: ignore[no-untyped-def]
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "feedback.api.keys.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "apiKey", "in": "header", "name": "Authorization"}
