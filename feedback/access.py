"""Access to member pages: who is signed in, and for which firm."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from feedback.models import Member


class MemberRequest(HttpRequest):
    """A request from a signed-in firm member (for type checkers); `member_required` sets it."""

    member: Member


def member_required(
    view: Callable[..., HttpResponse] | None = None, *, whole_firm: bool = False
) -> Any:
    """Signed in and a member of a firm, else the no-firm page (403). With `whole_firm=True` only
    members who see the whole firm (admins, analysts) get in; account managers get a 403.
    Use as `@member_required` or `@member_required(whole_firm=True)`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            member: Member | None = getattr(request.user, "member", None)
            if member is None:
                return render(request, "feedback/no_firm.html", status=403)
            if whole_firm and not member.sees_whole_firm:
                raise PermissionDenied
            request.member = member  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
