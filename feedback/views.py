from celery import current_app
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from feedback.readiness import readiness_details
from feedback.selectors import client_list, feedback_list


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the staff icon."""
    return HttpResponseRedirect(static("favicon.svg"))


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the broker are reachable; `details` says what the other
    apps report (nlp: the encoder precision chosen for this CPU)."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks, "details": readiness_details()},
        status=200 if ready else 503,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    if member is None:
        return render(request, "feedback/no_firm.html", status=403)
    items = feedback_list(member=member)
    context = {
        "member": member,
        "clients": client_list(member=member)[:50],
        "recent": items[:50],
        "by_sentiment": dict(
            items.order_by()
            .values_list("sentiment")
            .annotate(n=Count("id"))
            .values_list("sentiment", "n")
        ),
        "total": items.count(),
    }
    return render(request, "feedback/home.html", context)
