"""Who is calling: a firm member (session) or a firm's API key, and what they may do."""

from dataclasses import dataclass

from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from feedback.api.keys import ApiKeyAuthentication, ApiKeyUser
from feedback.models import ApiKey, Member

AUTHENTICATION = [ApiKeyAuthentication, SessionAuthentication]


@dataclass(frozen=True)
class Viewer:
    firm_id: int
    # None for API keys: they see the whole firm.
    member: Member | None
    # Who acts (audit actor): the member, or the member who created the API key.
    actor: Member | None
    scopes: frozenset[str]


def viewer_of(request: Request) -> Viewer:
    """Who is calling, worked out once per request (permissions and the view share it)."""
    cached = getattr(request, "_earshot_viewer", None)
    if cached is not None:
        return cached
    viewer = _viewer(request)
    request._earshot_viewer = viewer  # type: ignore[attr-defined]
    return viewer


def _viewer(request: Request) -> Viewer:
    user = request.user
    if isinstance(user, ApiKeyUser):
        key: ApiKey = user.key
        return Viewer(key.firm_id, None, key.created_by, frozenset(key.scopes))
    member: Member = user.member
    return Viewer(member.firm_id, member, member, frozenset(ApiKey.Scope.values))


class IsFirmMemberOrKey(permissions.BasePermission):
    """Authenticated as a member of a firm or by an API key; writes need the `write` scope."""

    message = "You need to belong to a firm (or use an API key) to use the API."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        if isinstance(user, ApiKeyUser):
            needed = "read" if request.method in permissions.SAFE_METHODS else "write"
            if needed not in user.key.scopes:
                self.message = f"This API key lacks the '{needed}' scope."
                return False
            return True
        return bool(user and user.is_authenticated and getattr(user, "member", None))
