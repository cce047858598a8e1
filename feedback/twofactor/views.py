"""A member's own two-factor page (under the settings, for every role): set up an authenticator
app from a QR code drawn on the server (SVG, no script), confirm it with a code, see recovery
codes once, make new ones, turn it off."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest, member_required
from feedback.twofactor import selectors, services
from feedback.twofactor.forms import ConfirmCodeForm, IdentityForm
from feedback.twofactor.signin import ENROL


def _index(
    request: MemberRequest, *, identity: IdentityForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.member.user
    return render(
        request,
        "feedback/twofactor/index.html",
        {
            "enabled": selectors.two_factor_enabled(user=user),
            "codes_left": selectors.recovery_codes_left(user=user),
            "required": request.member.firm.require_two_factor,
            "identity": identity or IdentityForm(),
        },
        status=status,
    )


@never_cache
@member_required
def index(request: MemberRequest) -> HttpResponse:
    return _index(request)


@require_POST
@member_required
def setup_start(request: MemberRequest) -> HttpResponse:
    try:
        services.totp_device_start(user=request.member.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("two_factor:index")
    return redirect("two_factor:setup")


def _codes(request: MemberRequest, codes: list[str]) -> HttpResponse:
    """The recovery codes, this once (the response to the POST that made them)."""
    request.session.pop(ENROL, None)
    return render(request, "feedback/twofactor/recovery_codes.html", {"codes": codes})


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@member_required
def setup(request: MemberRequest) -> HttpResponse:
    """The QR code and the secret of the app being set up; a right code puts it in force."""
    device = selectors.totp_device_pending_get(user=request.member.user)
    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST" and device is None:
        form.add_error(None, "Start the set-up again: there is no app waiting to be confirmed.")
    elif request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                user=request.member.user, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            return _codes(request, codes)
    context: dict = {"form": form, "device": device}
    if device is not None:
        secret = b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        qr = segno.make(device.config_url, error="m")
        # segno's own markup: an <svg> of paths, no script and no style attribute.
        context["qr_svg"] = mark_safe(  # noqa: S308
            qr.svg_inline(scale=5, light="#fff", title="QR code to scan with your app")
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/twofactor/setup.html", context, status=status)


@never_cache
@sensitive_post_parameters("secret")
@require_POST
@member_required
def recovery_codes(request: MemberRequest) -> HttpResponse:
    """New recovery codes, after the password or a current code."""
    form = IdentityForm(request.POST)
    if not form.is_valid() or not services.identity_confirm(
        user=request.member.user, secret=form.cleaned_data["secret"]
    ):
        form.add_error("secret", "That is neither your password nor a current code.")
        return _index(request, identity=form, status=400)
    try:
        codes = services.recovery_codes_regenerate(user=request.member.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("two_factor:index")
    return _codes(request, codes)


@sensitive_post_parameters("secret")
@require_POST
@member_required
def disable(request: MemberRequest) -> HttpResponse:
    """Turn two-factor off, after the password or a current code."""
    form = IdentityForm(request.POST)
    if not form.is_valid() or not services.identity_confirm(
        user=request.member.user, secret=form.cleaned_data["secret"]
    ):
        form.add_error("secret", "That is neither your password nor a current code.")
        return _index(request, identity=form, status=400)
    services.two_factor_disable(user=request.member.user)
    if request.member.firm.require_two_factor:
        request.session[ENROL] = True
        messages.warning(request, "Your firm requires two-factor sign-in: set up your new app.")
    else:
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("two_factor:index")
