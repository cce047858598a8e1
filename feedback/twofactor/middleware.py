"""Members of a firm that requires two-factor, signed in without it, see only its set-up."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from feedback.twofactor.signin import ENROL

# Signing out, the set-up pages themselves, and what every page loads.
ALLOWED = ("/accounts/", "/settings/two-factor/", "/static/", "/favicon.ico", "/healthz")


class TwoFactorEnrolmentMiddleware:
    """Reads one session key set at sign-in (`SignInView`): no query of its own, and nothing
    for requests without a session (API keys, public pages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(ENROL) and not request.path.startswith(ALLOWED):
            if request.path.startswith("/api/"):
                if request.headers.get("Authorization", "").startswith("Api-Key "):
                    # The key authenticates the call (it goes before the session in the API).
                    return self.get_response(request)
                return JsonResponse(
                    {"detail": "Set up two-factor sign-in before using the API."}, status=403
                )
            return redirect(reverse("two_factor:index"))
        return self.get_response(request)
