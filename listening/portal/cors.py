"""Cross-origin rules for embedding a web form on the firm's own site.

Allowed origins come from the Source (`config["allowed_origins"]`: "https://www.acme.example",
or "*" for any site). They drive three things: CORS headers for `fetch()` posts and their
preflight, the Origin check on posts, and the CSP `frame-ancestors` for `<iframe>` embedding.
"""

from django.http import HttpRequest, HttpResponse

from feedback.models import Source

PREFLIGHT_MAX_AGE = 86400


def allowed_origins(source: Source) -> list[str]:
    origins = (source.config or {}).get("allowed_origins") or []
    return [str(o).strip().rstrip("/").lower() for o in origins if str(o).strip()]


def request_origin(request: HttpRequest) -> str:
    return request.headers.get("Origin", "").strip().rstrip("/").lower()


def same_origin(request: HttpRequest, origin: str) -> bool:
    return origin == f"{request.scheme}://{request.get_host()}".lower()


def origin_allowed(source: Source, origin: str) -> bool:
    """Whether a cross-origin page may post to this form. "null" (sandboxed frames, file://)
    is never allowed, since anyone can produce it."""
    if not origin or origin == "null":
        return False
    allowed = allowed_origins(source)
    return "*" in allowed or origin in allowed


def cors_apply(response: HttpResponse, *, source: Source, origin: str) -> HttpResponse:
    """Add CORS headers for an allowed origin. No credentials: the form needs no cookies."""
    response.headers["Vary"] = "Origin"
    if origin_allowed(source, origin):
        wildcard = "*" in allowed_origins(source)
        response.headers["Access-Control-Allow-Origin"] = "*" if wildcard else origin
    return response


def cors_preflight(request: HttpRequest, *, source: Source) -> HttpResponse:
    """Answer an OPTIONS preflight: 204 with the grants for an allowed origin asking to POST,
    403 without any grant otherwise (the browser then blocks the post)."""
    origin = request_origin(request)
    method = request.headers.get("Access-Control-Request-Method", "").upper()
    if not origin_allowed(source, origin) or method not in ("POST", "GET"):
        response = HttpResponse(status=403)
        response.headers["Vary"] = "Origin"
        return response
    response = cors_apply(HttpResponse(status=204), source=source, origin=origin)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def frame_ancestors(source: Source) -> str:
    """CSP header value letting the allowed sites (and Earshot itself) frame the form."""
    allowed = allowed_origins(source)
    if "*" in allowed:
        return "frame-ancestors *"
    return " ".join(["frame-ancestors 'self'", *allowed])
