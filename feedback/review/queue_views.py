"""The review queue page: views, filters, sorting, bulk actions and the CSV export."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from feedback.access import MemberRequest, member_required
from feedback.models import CaseOutcome, Member, Role
from feedback.review.bulk import cases_bulk_act
from feedback.review.filters import CaseFilter
from feedback.review.selectors import QUEUE_VIEWS, case_list, member_assignable_list

QUEUE_PAGE_SIZE = 50
EXPORT_MAX = 50_000


def queue_default_view(member: Member) -> str:
    """An admin lands on the team's cases; an account manager (or analyst) on their own."""
    return "team" if member.role == Role.ADMIN else "mine"


def _filtered(request: MemberRequest) -> tuple[str, CaseFilter]:
    member = request.member
    view = request.GET.get("view", "")
    if view not in QUEUE_VIEWS:
        view = queue_default_view(member)
    cases = case_list(firm_id=member.firm_id, member=member, view=view)
    return view, CaseFilter(request.GET, queryset=cases, member=member)


def _query(params: QueryDict, **overrides: str) -> str:
    """The page's query string without `page`, with overrides (for view tabs and pagers)."""
    pairs = [(k, v) for k, vs in params.lists() if k not in ("page", *overrides) for v in vs]
    return urlencode(pairs + [(k, v) for k, v in overrides.items() if v])


@member_required
def queue(request: MemberRequest) -> HttpResponse:
    view, filtered = _filtered(request)
    page = Paginator(filtered.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/review/queue.html",
        {
            "cases": page,
            "page": page,
            "view": view,
            "views": QUEUE_VIEWS,
            "filter": filtered,
            "query": _query(request.GET, view=view),
            "tab_query": _query(request.GET, view=""),
            "member": request.member,
            "assignable": member_assignable_list(firm_id=request.member.firm_id),
            "outcomes": CaseOutcome.choices,
        },
    )


@require_POST
@member_required
def queue_bulk(request: MemberRequest) -> HttpResponse:
    """Assign, acknowledge or resolve the ticked cases; back to the same filtered queue."""
    post = request.POST
    owner = post.get("owner", "")
    try:
        result = cases_bulk_act(
            member=request.member,
            case_ids=[int(i) for i in post.getlist("cases") if i.isdigit()],
            action=post.get("action", ""),
            owner_id=int(owner) if owner.isdigit() else None,
            outcome=post.get("outcome", ""),
            note=post.get("note", ""),
        )
    except PermissionDenied:
        return HttpResponse("You cannot act on some of these cases.", status=403)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{result.action.capitalize()}: {result.done} case(s).")
    back = post.get("next", "")
    # `next` is the queue's own query string, so the redirect never leaves the queue page.
    return redirect(reverse("review:queue") + (f"?{back}" if back else ""))


def _safe(value: object) -> object:
    # A leading =,+,-,@ would be run as a formula by spreadsheets.
    return "'" + value if isinstance(value, str) and value[:1] in "=+-@" else value


@member_required
def queue_export(request: MemberRequest) -> HttpResponse:
    """The filtered queue as CSV (every page, up to EXPORT_MAX rows)."""
    _, filtered = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="earshot-cases.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "case_id",
            "status",
            "priority",
            "client",
            "owner",
            "opened_at",
            "due_at",
            "outcome",
            "reasons",
            "comment",
        ]
    )
    for case in filtered.qs[:EXPORT_MAX]:
        writer.writerow(
            _safe(v)
            for v in [
                case.pk,
                case.status,
                case.priority,
                str(case.client or ""),
                str(case.owner.user) if case.owner else "",
                f"{case.opened_at:%Y-%m-%d %H:%M}",
                f"{case.due_at:%Y-%m-%d %H:%M}",
                case.outcome,
                "; ".join(r.get("detail", "") for r in case.reasons),
                case.feedback.text,
            ]
        )
    return response
