"""Staff password reset: Django's own views, e-mail through the configured backend, and the
request form rate-limited per client IP and per address (django-ratelimit, like the portal's
sign-in links; sign-in itself is locked out by django-axes)."""

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from feedback.api.throttles import CACHE_ERRORS

logger = logging.getLogger(__name__)


def _limited(request: HttpRequest, *, group: str, rate: str | None, key: str | None) -> bool:
    if rate is None:
        return False
    try:
        usage = get_usage(
            request,
            group=group,
            key="ip" if key is None else (lambda _group, _request: key),
            rate=rate,
            increment=True,
        )
    except CACHE_ERRORS:
        logger.warning("cache unreachable: rate limit %s not applied", group)
        return False
    return bool(usage and usage["should_limit"])


class PasswordResetView(auth_views.PasswordResetView):
    """Always the same answer whether the address is known or not (no account enumeration);
    past the limits, 429 and no e-mail."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("email", "")).strip().lower()[:254]
        by_ip = _limited(
            request, group="password_reset_ip", rate=settings.PASSWORD_RESET_RATE_PER_IP, key=None
        )
        by_email = _limited(
            request,
            group="password_reset_email",
            rate=settings.PASSWORD_RESET_RATE_PER_EMAIL,
            key=f"email:{email}",
        )
        if by_ip or by_email:
            form = self.get_form()
            context = self.get_context_data(form=form, limited=True)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)
