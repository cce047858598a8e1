"""The client portal: magic-link sign-in, comments, and the contact's own history.

Unlike the public form these pages carry a session, so Django's CSRF protection stays on.
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from feedback.models import Contact, Firm
from listening.portal.forms import CommentForm, MagicLinkRequestForm
from listening.portal.selectors import portal_firm_get, portal_history
from listening.portal.services import (
    MagicLinkInvalid,
    magic_link_check,
    magic_link_consume,
    magic_link_request,
    portal_comment_submit,
)
from listening.portal.session import portal_contact, portal_login, portal_logout
from listening.portal.throttle import throttle_hit

HISTORY_PAGE_SIZE = 50


def _firm_or_404(slug: str) -> Firm:
    try:
        return portal_firm_get(slug=slug)
    except Firm.DoesNotExist:
        raise Http404("No such portal.") from None


def _see_other(to: str, **kwargs: Any) -> HttpResponse:
    response = redirect(to, **kwargs)
    response.status_code = 303
    return response


def _too_many(request: HttpRequest, firm: Firm, retry_after: int) -> HttpResponse:
    response = render(request, "portal/rate_limited.html", {"firm": firm}, status=429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def contact_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Resolve the firm from the URL and the signed-in contact of *that* firm. Anonymous
    visitors (and contacts of another firm) are sent to sign in on GET and refused (403) on
    POST."""

    @wraps(view)
    def wrapper(request: HttpRequest, firm_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        firm = _firm_or_404(firm_slug)
        contact = portal_contact(request, firm=firm)
        if contact is None:
            if request.method == "GET":
                return redirect("portal:sign_in", firm_slug=firm.slug)
            return render(request, "portal/signed_out.html", {"firm": firm}, status=403)
        return view(request, firm, contact, *args, **kwargs)

    return wrapper


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, firm_slug: str) -> HttpResponse:
    """Ask for a magic link. The answer is the same whether or not the address is a contact's,
    and whether or not its per-address limit was reached: nothing can be enumerated."""
    firm = _firm_or_404(firm_slug)
    if request.method == "GET":
        if portal_contact(request, firm=firm) is not None:
            return redirect("portal:home", firm_slug=firm.slug)
        context = {"firm": firm, "form": MagicLinkRequestForm()}
        return render(request, "portal/sign_in.html", context)
    retry_after = throttle_hit(
        request, group="portal.magic.ip", rate=settings.PORTAL_MAGIC_LINK_RATE_PER_IP
    )
    if retry_after is not None:
        return _too_many(request, firm, retry_after)
    form = MagicLinkRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/sign_in.html", {"firm": firm, "form": form}, status=400)
    email = form.cleaned_data["email"].strip().lower()
    over_email_limit = throttle_hit(
        request,
        group="portal.magic.email",
        key=f"{firm.pk}:{email}",
        rate=settings.PORTAL_MAGIC_LINK_RATE_PER_EMAIL,
    )
    if over_email_limit is None:
        magic_link_request(firm=firm, email=email)
    minutes = int(settings.PORTAL_MAGIC_LINK_MAX_AGE.total_seconds() // 60)
    return render(
        request, "portal/sign_in_sent.html", {"firm": firm, "email": email, "minutes": minutes}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def magic_link(request: HttpRequest, firm_slug: str, token: str) -> HttpResponse:
    """GET shows a "Sign in" button and consumes nothing: mail scanners that prefetch links
    must not burn a single-use link. POST consumes it and starts the portal session."""
    firm = _firm_or_404(firm_slug)
    try:
        if request.method == "GET":
            link = magic_link_check(firm=firm, token=token)
            response = render(request, "portal/sign_in_confirm.html", {"firm": firm, "link": link})
        else:
            contact = magic_link_consume(firm=firm, token=token)
            portal_login(request, contact=contact)
            response = _see_other("portal:home", firm_slug=firm.slug)
    except MagicLinkInvalid:
        response = render(request, "portal/link_invalid.html", {"firm": firm}, status=400)
    # The token is in this page's URL: it must never reach another site through Referer, but
    # "no-referrer" also makes Chromium post the form with `Origin: null`, which CSRF refuses.
    # "same-origin" keeps the full URL for our own origin only (which knows the token anyway).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _home(
    request: HttpRequest, firm: Firm, contact: Contact, form: CommentForm, status: int = 200
) -> HttpResponse:
    page = Paginator(portal_history(contact=contact), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"firm": firm, "contact": contact, "form": form, "page": page}
    return render(request, "portal/home.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
@contact_required
def home(request: HttpRequest, firm: Firm, contact: Contact) -> HttpResponse:
    form = CommentForm(initial={"submission_id": uuid.uuid4()}, contact=contact)
    return _home(request, firm, contact, form)


@require_POST
@contact_required
def comment_create(request: HttpRequest, firm: Firm, contact: Contact) -> HttpResponse:
    retry_after = throttle_hit(
        request,
        group="portal.comment.contact",
        key=str(contact.pk),
        rate=settings.PORTAL_COMMENT_RATE_PER_CONTACT,
    )
    if retry_after is not None:
        return _too_many(request, firm, retry_after)
    form = CommentForm(request.POST, contact=contact)
    if not form.is_valid():
        return _home(request, firm, contact, form, status=400)
    try:
        portal_comment_submit(
            contact=contact,
            text=form.cleaned_data["text"],
            engagement=form.cleaned_data["engagement"],
            touchpoint=form.cleaned_data["touchpoint"],
            submission_id=form.cleaned_data["submission_id"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _home(request, firm, contact, form, status=400)
    messages.success(request, "Thank you. Your comment has reached the team.")
    return _see_other("portal:home", firm_slug=firm.slug)


@require_POST
def sign_out(request: HttpRequest, firm_slug: str) -> HttpResponse:
    firm = _firm_or_404(firm_slug)
    portal_logout(request)
    return _see_other("portal:sign_in", firm_slug=firm.slug)
