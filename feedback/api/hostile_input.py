"""Errors of hostile input answered as JSON 400s, on every endpoint that takes JSON.

Python's json module raises RecursionError (not ValueError) on deeply nested input, which DRF's
parser, django-anymail's inbound views and our form view do not catch; and Django answers an
oversized body (RequestDataTooBig) with its HTML 400 page, also on the API."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import bad_request as html_bad_request

NESTED_TOO_DEEP = "Malformed JSON: nested too deeply."


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or "json" in (request.content_type or "")
        or "application/json" in request.headers.get("Accept", "")
    )


class HostileJsonMiddleware:
    """Turns a RecursionError raised while a view parsed JSON into a 400 with a JSON body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RecursionError) and "json" in (request.content_type or ""):
            return JsonResponse({"detail": NESTED_TOO_DEEP}, status=400)
        return None


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: JSON for API and JSON callers (e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE),
    Django's page for people."""
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Bad request: the body is too large or malformed."}, status=400
        )
    return html_bad_request(request, exception)
