"""API-key authentication for DRF. The keys' services (create, revoke, authenticate) are in
feedback.api_keys; create and revoke are re-exported here for existing callers."""

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from feedback.api_keys import api_key_authenticate, api_key_create, api_key_revoke
from feedback.models import ApiKey

__all__ = ["ApiKeyAuthentication", "ApiKeyUser", "api_key_create", "api_key_revoke"]


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
