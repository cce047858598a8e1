"""Public survey pages (no login: the signed link is the credential) and member views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from feedback.models import Client, Firm
from listening.campaigns import emails, selectors, tokens
from listening.campaigns.models import SCORE_RANGE, Campaign, Invitation, Response
from listening.campaigns.services.optout import contact_opt_out
from listening.campaigns.services.responses import response_submit
from listening.portal.throttle import throttle_hit


def _problem(
    request: HttpRequest, *, title: str, message: str, status: int, firm: Firm | None = None
) -> HttpResponse:
    return render(
        request,
        "campaigns/problem.html",
        {"title": title, "message": message, "firm": firm},
        status=status,
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    # The page carries a bearer link: keep it out of shared caches and other sites' referrers.
    # Not "no-referrer": Chromium then posts the page's form with `Origin: null`, which Django's
    # CSRF check refuses; "same-origin" sends the real Origin to us and nothing to anyone else.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _one_click_score(raw: str, low: int, high: int) -> int | None:
    """The score of an e-mailed one-click link (`?score=N`), or None when absent or invalid."""
    try:
        score = int(raw)
    except ValueError:
        return None
    return score if low <= score <= high else None


def _see_other(to: str) -> HttpResponse:
    response = redirect(to)
    response.status_code = 303  # POST -> GET, so a reload does not re-post
    return response


def _rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count every request to a public survey page against the client's IP
    (CAMPAIGNS_SURVEY_RATE_PER_IP), before the token is even read, and answer 429 with
    Retry-After past the limit."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = throttle_hit(
            request, group="campaigns.survey.ip", rate=settings.CAMPAIGNS_SURVEY_RATE_PER_IP
        )
        if retry_after is None:
            return view(request, *args, **kwargs)
        response = _problem(
            request,
            title="Too many requests",
            message="Please wait a minute, then use the link in our email again.",
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return _no_store(response)

    return wrapper


@_rate_limited
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:  # noqa: PLR0911
    """GET shows the question (a score may be pre-selected from the email); POST records the
    answer. Submitting again updates the same answer while the link is valid."""
    try:
        invitation = tokens.invitation_from_token(token)
    except tokens.TokenExpired:
        return _no_store(
            _problem(
                request,
                title="This survey link has expired",
                message="Thank you for wanting to answer. The link is no longer valid; "
                "if you would still like to tell us something, just reply to our email.",
                status=410,
            )
        )
    except tokens.TokenInvalid:
        return _no_store(
            _problem(
                request,
                title="This link is not valid",
                message="The link may have been cut short when it was copied. Please use the "
                "link in our email exactly as it is.",
                status=400,
            )
        )
    if invitation.status == Invitation.Status.CANCELLED:
        return _no_store(
            _problem(
                request,
                title="This survey was withdrawn",
                message="There is nothing to answer here. Thank you.",
                status=410,
                firm=invitation.firm,
            )
        )
    existing = Response.objects.filter(invitation=invitation).first()
    low, high = SCORE_RANGE[invitation.kind]
    one_click = _one_click_score(request.GET.get("score", ""), low, high)
    context = {
        "invitation": invitation,
        "firm": invitation.firm,
        "question": emails.question_for(invitation),
        "scores": list(range(low, high + 1)),
        "low": low,
        "high": high,
        "selected": one_click if one_click is not None else (existing.score if existing else ""),
        # A GET never records (link scanners and previews fetch every link of an e-mail); the
        # page posts the clicked score itself, from the person's browser, unless already stored.
        "one_click": one_click is not None and (existing is None or existing.score != one_click),
        "comment": existing.comment if existing else "",
        "answered": existing is not None,
        "errors": {},
    }
    if request.method == "GET":
        return _no_store(render(request, "campaigns/respond.html", context))
    score = request.POST.get("score", "")
    comment = request.POST.get("comment", "")
    try:
        response = response_submit(invitation=invitation, score=score, comment=comment)
    except ValidationError as exc:
        errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {}
        general = errors.pop("__all__", []) if errors else exc.messages
        context.update(selected=score, comment=comment, errors=errors, general_errors=general)
        return _no_store(render(request, "campaigns/respond.html", context, status=400))
    if request.POST.get("then") == "comment":
        # One-click score recorded: back to the page (without ?score) to add a reason.
        return _no_store(_see_other(reverse("campaigns:respond", args=[token])))
    return _no_store(
        render(request, "campaigns/thanks.html", {"firm": invitation.firm, "response": response})
    )


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token
@_rate_limited
@require_http_methods(["GET", "POST"])
def optout(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (mail scanners follow links; a GET must change nothing);
    POST (the button, or a mail client's List-Unsubscribe-Post) opts the contact out."""
    try:
        contact = tokens.contact_from_optout_token(token)
    except tokens.TokenInvalid:
        return _no_store(
            _problem(
                request,
                title="This link is not valid",
                message="Please use the link in our email exactly as it is.",
                status=400,
            )
        )
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        contact_opt_out(contact=contact, via="one-click" if one_click else "link")
        return _no_store(render(request, "campaigns/opted_out.html", {"firm": contact.firm}))
    return _no_store(
        render(request, "campaigns/optout.html", {"firm": contact.firm, "contact": contact})
    )


def _member_firm(request: HttpRequest) -> Firm:
    member = getattr(request.user, "member", None)
    if member is None or not member.sees_whole_firm:
        raise Http404
    return member.firm


@login_required
def review_audit_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The exportable audit of a campaign: who was asked, when, and who answered."""
    try:
        campaign = selectors.campaign_get(firm_id=_member_firm(request).pk, pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(
        selectors.invitation_audit_csv(campaign=campaign), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-audit.csv"'
    return response


@login_required
def client_skips(request: HttpRequest, pk: int) -> HttpResponse:
    """Why each skipped invitation of a client was not sent."""
    member = getattr(request.user, "member", None)
    if member is None:
        raise Http404
    client = Client.objects.filter(firm_id=member.firm_id, pk=pk).first()
    if client is None or not (
        member.sees_whole_firm or client.account_managers.filter(pk=member.pk).exists()
    ):
        raise Http404
    skips = selectors.skip_list(firm=member.firm, client=client)[:500]
    return render(request, "campaigns/client_skips.html", {"client": client, "skips": skips})
