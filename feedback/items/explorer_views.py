"""The feedback explorer's pages: search and filters, CSV export of the result, saved views."""

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback.access import MemberRequest, member_required
from feedback.items.explorer import explorer_csv_rows, explorer_filter, explorer_page
from feedback.items.filters import PERIOD_PRESETS
from feedback.items.selectors import saved_view_get, saved_view_list
from feedback.items.services import saved_view_create, saved_view_delete, saved_view_query
from feedback.models import SavedView

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _presets(request: MemberRequest) -> list[tuple[str, str]]:
    today = timezone.localdate()
    kept = {k: v for k, v in request.GET.items() if k not in ("from", "to", "page") and v}
    return [
        (
            f"{days} days" if days < 365 else "1 year",
            "?" + urlencode({**kept, "from": (today - timedelta(days=days - 1)).isoformat()}),
        )
        for days in PERIOD_PRESETS
    ]


@member_required
def explorer(request: MemberRequest) -> HttpResponse:
    filters = explorer_filter(member=request.member, params=request.GET)
    page, rows = explorer_page(filters, request.GET.get("page"))
    query = saved_view_query(request.GET)
    context = {
        "member": request.member,
        "filters": filters,
        "page": page,
        "rows": rows,
        "query": query,
        "presets": _presets(request),
        "saved_views": saved_view_list(member=request.member),
    }
    return render(request, "feedback/items/explorer.html", context)


@member_required  # type: ignore[arg-type]  # a streaming response is no HttpResponse
def explorer_export(request: MemberRequest) -> HttpResponseBase:
    filters = explorer_filter(member=request.member, params=request.GET)
    writer = csv.writer(_Echo())
    base_url = request.build_absolute_uri("/").rstrip("/")

    def lines() -> Iterator[str]:
        for row in explorer_csv_rows(filters, base_url=base_url):
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="earshot-feedback-{stamp}.csv"'
    return response


@require_POST
@member_required
def saved_view_save(request: MemberRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        view = saved_view_create(
            member=request.member,
            name=request.POST.get("name", ""),
            params=QueryDict(query),
            shared=request.POST.get("shared") == "1",
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(reverse("items:explorer") + ("?" + query if query else ""))
    messages.success(request, f"Saved the view “{view.name}”.")
    return redirect(reverse("items:explorer") + ("?" + view.query if view.query else ""))


@require_POST
@member_required
def saved_view_remove(request: MemberRequest, pk: int) -> HttpResponse:
    try:
        view = saved_view_get(member=request.member, pk=pk)
        saved_view_delete(member=request.member, view=view)
    except SavedView.DoesNotExist as exc:
        raise Http404("No such view.") from exc
    except PermissionDenied:
        return HttpResponse("Only its owner (or an admin, if shared) deletes a view.", status=403)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("items:explorer")
