"""Staff sign-in in two steps. The password step (Django's LoginView, locked out by django-axes)
signs a user with two-factor on *not* in yet: it keeps their id in the session for a few minutes
and asks for a code. Only a right code logs them in, so no page, no API session and no Django
admin page ever sees a half-signed-in user. A wrong code is a failed sign-in for django-axes
(the same counters and lockout as wrong passwords, not reset by re-entering the password)."""

import time
from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from feedback.models import Member
from feedback.twofactor.forms import CodeForm
from feedback.twofactor.selectors import two_factor_enabled
from feedback.twofactor.services import WRONG_CODE, Verification, two_factor_verify

PENDING = "two_factor_pending"
# Set at sign-in for a member of a firm that requires two-factor and who has none yet:
# `TwoFactorEnrolmentMiddleware` keeps them on the set-up pages until it is on.
ENROL = "two_factor_enrol"


class SignInView(auth_views.LoginView):
    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if two_factor_enabled(user=user):
            # A new session key: whatever the session was before, it now only holds this.
            self.request.session.cycle_key()
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "hash": user.get_session_auth_hash(),
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("login_verify")
        response = super().form_valid(form)
        member = Member.objects.filter(user_id=user.pk).select_related("firm").first()
        if member is not None and member.firm.require_two_factor:
            self.request.session[ENROL] = True
            messages.warning(
                self.request,
                f"{member.firm} requires two-factor sign-in: set it up now to carry on.",
            )
            return redirect("two_factor:index")
        return response


def _pending_user(request: HttpRequest) -> tuple[Any, dict] | None:
    """The user whose password was right a moment ago, if still the same (not deactivated, no
    password change since) and not too long ago."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > settings.TWO_FACTOR_PENDING_SECONDS:
        del request.session[PENDING]
        return None
    user = get_user_model().objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if user is None or not constant_time_compare(
        str(pending.get("hash", "")), user.get_session_auth_hash()
    ):
        del request.session[PENDING]
        return None
    return user, pending


def _refused(request: HttpRequest, form: CodeForm) -> HttpResponse:
    return render(request, "registration/login_verify.html", {"form": form}, status=400)


def _code_checked(request: HttpRequest, user: Any, form: CodeForm) -> HttpResponse | Verification:
    """The code's verification, or the answer that refuses it (locked out, throttled, wrong)."""
    # The login form's field name: axes counts these failures under the same username.
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, None, credentials)
    if not form.is_valid():
        return _refused(request, form)
    result = two_factor_verify(user=user, code=form.cleaned_data["code"])
    if result.wait_until is not None:
        wait = max(1, round(result.wait_until.timestamp() - time.time()))
        form.add_error(None, f"Too many wrong codes: wait {wait} seconds, then try again.")
        return _refused(request, form)
    if result.device is None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return get_lockout_response(request, None, credentials)
        form.add_error("code", f"{WRONG_CODE} Or use one of your recovery codes.")
        return _refused(request, form)
    return result


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    """The code step. Locked out (429) like the password step; on a right code the user is
    logged in and sent where the password step was going (after a recovery code: to their
    two-factor page)."""
    found = _pending_user(request)
    if found is None:
        messages.info(request, "Enter your password again to sign in.")
        return redirect("login")
    user, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "GET":
        return render(request, "registration/login_verify.html", {"form": form})
    result = _code_checked(request, user, form)
    if isinstance(result, HttpResponse):
        return result
    del request.session[PENDING]
    auth_login(request, user, backend=pending["backend"])
    django_otp.login(request, result.device)
    if result.recovery_codes_left is not None:
        # A recovery code means the app is out of reach: straight to where that is dealt with.
        messages.warning(
            request,
            f"You signed in with a recovery code; {result.recovery_codes_left} left. "
            "Lost your phone? Turn two-factor off and set up your new one.",
        )
        return redirect("two_factor:index")
    return redirect(pending["next"])
