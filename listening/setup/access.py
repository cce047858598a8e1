"""Only a firm's admins configure its channels and surveys."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from feedback.access import member_required
from feedback.models import Role


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as an admin of a firm: others get 403 (the no-firm page for a user without a
    firm); another firm's objects are then looked up in the admin's own firm only (404)."""

    @member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.member.role != Role.ADMIN:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
