"""The embeddable public feedback form: GET renders it, POST saves it, OPTIONS is the preflight.

CSRF: the form is exempt from Django's CSRF middleware on purpose. CSRF protects requests that
ride on a victim's ambient credentials (session cookies); this endpoint is public and anonymous,
reads no cookie and grants nothing, so a forged post is no worse than a direct one. A CSRF token
would also break the embedding it exists for: a form inside an <iframe> on the firm's site gets
no first-party cookie in browsers that block third-party cookies. The defences that do matter
here are applied instead: an Origin check (a browser post from a site not listed in the Source's
allowed origins is refused), per-IP and per-key rate limits, a honeypot, and size limits.
"""

import json
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from feedback.models import Source
from listening.portal import cors
from listening.portal.forms import FeedbackForm
from listening.portal.selectors import form_source_get
from listening.portal.services import FormSubmission, form_feedback_submit
from listening.portal.throttle import throttle_hit


def _source_or_404(public_key: str) -> Source:
    try:
        return form_source_get(public_key=public_key)
    except Source.DoesNotExist:
        raise Http404("No such form.") from None


def _wants_json(request: HttpRequest) -> bool:
    # Explicit only: browsers' form posts send "*/*", which must still get the HTML page.
    return "application/json" in request.headers.get("Accept", "")


def _embeddable(response: HttpResponse, source: Source) -> HttpResponse:
    response.headers["Content-Security-Policy"] = cors.frame_ancestors(source)
    return response


def _error(
    request: HttpRequest,
    source: Source,
    *,
    status: int,
    errors: dict[str, list[str]],
    form: FeedbackForm | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"errors": errors}, status=status)
    else:
        context = {"source": source, "form": form, "errors": errors, **_page(source)}
        response = _embeddable(render(request, "portal/form.html", context, status=status), source)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _page(source: Source) -> dict:
    config = source.config or {}
    return {"title": config.get("title") or f"Feedback for {source.firm.name}", "firm": source.firm}


def _form_data(request: HttpRequest) -> QueryDict | dict | None:
    """The posted fields, from a form-encoded, multipart or JSON body; None if unreadable."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        return {k: "" if v is None else str(v) for k, v in data.items()}
    return request.POST


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST", "OPTIONS"])
def feedback_form(request: HttpRequest, public_key: str) -> HttpResponse:
    source = _source_or_404(public_key)
    origin = cors.request_origin(request)
    if request.method == "OPTIONS":
        return cors.cors_preflight(request, source=source)
    if request.method == "GET":
        initial = {"submission_id": uuid.uuid4(), "touchpoint": request.GET.get("touchpoint", "")}
        form = FeedbackForm(initial=initial, firm=source.firm)
        context = {"source": source, "form": form, "errors": {}, **_page(source)}
        response = _embeddable(render(request, "portal/form.html", context), source)
        return cors.cors_apply(response, source=source, origin=origin)
    return cors.cors_apply(_feedback_post(request, source, origin), source=source, origin=origin)


def _feedback_post(request: HttpRequest, source: Source, origin: str) -> HttpResponse:
    if origin and not cors.same_origin(request, origin) and not cors.origin_allowed(source, origin):
        return _error(
            request, source, status=403, errors={"origin": ["This site may not post to the form."]}
        )
    for group, key, rate in (
        ("portal.form.ip", None, settings.PORTAL_FORM_RATE_PER_IP),
        ("portal.form.key", source.public_key, settings.PORTAL_FORM_RATE_PER_KEY),
    ):
        retry_after = throttle_hit(request, group=group, key=key, rate=rate)
        if retry_after is not None:
            return _error(
                request,
                source,
                status=429,
                errors={"__all__": ["Too many submissions. Please try again in a minute."]},
                headers={"Retry-After": str(retry_after)},
            )
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.PORTAL_FORM_MAX_BODY_BYTES:
        return _error(
            request, source, status=413, errors={"__all__": ["The submission is too large."]}
        )
    data = _form_data(request)
    if data is None:
        return _error(request, source, status=400, errors={"__all__": ["Malformed JSON body."]})
    form = FeedbackForm(data, firm=source.firm)
    if form.is_spam:
        # Look exactly like a success so that the bot learns nothing; save nothing.
        return _received(request, source, feedback_id=None, created=True)
    if not form.is_valid():
        return _error(request, source, status=400, errors=form.errors.get_json_data(), form=form)
    cleaned = form.cleaned_data
    submission = FormSubmission(
        text=cleaned["text"],
        email=cleaned["email"],
        name=cleaned["name"],
        rating=cleaned["rating"],
        touchpoint=cleaned["touchpoint"],
        engagement_reference=cleaned["engagement"].strip(),
        submission_id=cleaned["submission_id"],
        meta={
            "origin": origin,
            "referer": request.headers.get("Referer", "")[:500],
            "user_agent": request.headers.get("User-Agent", "")[:500],
        },
    )
    try:
        result = form_feedback_submit(source=source, submission=submission)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _error(request, source, status=400, errors=errors, form=form)
    return _received(request, source, feedback_id=result.feedback.pk, created=result.created)


def _received(
    request: HttpRequest, source: Source, *, feedback_id: int | None, created: bool
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"id": feedback_id, "status": "received"}, status=201 if created else 200
        )
    response = redirect("portal:form_thanks", public_key=source.public_key)
    response.status_code = 303  # POST -> GET, so a reload does not re-post
    return response


@xframe_options_exempt
@require_GET
def feedback_form_thanks(request: HttpRequest, public_key: str) -> HttpResponse:
    source = _source_or_404(public_key)
    response = render(request, "portal/form_thanks.html", {"source": source, **_page(source)})
    return _embeddable(response, source)
