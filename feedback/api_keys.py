"""API keys of a firm: create (the plain secret is returned once), revoke, authenticate, list.
Only a SHA-256 of the secret is stored."""

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

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


def api_key_list(*, firm_id: int) -> QuerySet[ApiKey]:
    """The firm's keys, newest first."""
    return ApiKey.objects.filter(firm_id=firm_id).order_by("-created_at")


def api_key_get(*, firm_id: int, pk: int) -> ApiKey | None:
    """One key of the firm; another firm's key is None, like a missing one."""
    return ApiKey.objects.filter(firm_id=firm_id, pk=pk).first()
