"""The promise gap pages: the firm's importance-performance matrix over the member's clients
(account managers: their own), with its early warnings, and a client's expectations editor
(its account manager or an admin)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from feedback.access import MemberRequest, member_required
from feedback.lens.forms import ExpectationsForm
from feedback.lens.matrix import matrix_layout
from feedback.lens.selectors import (
    DEFAULT_DAYS,
    PERIODS,
    client_expectations_get,
    promise_gap_get,
)
from feedback.lens.services import client_expectations_set
from feedback.models import Client, Member, Role
from feedback.selectors import client_list


def _days(raw: str | None) -> int:
    try:
        days = int(raw or DEFAULT_DAYS)
    except ValueError:
        return DEFAULT_DAYS
    return days if days in PERIODS else DEFAULT_DAYS


def may_set_expectations(member: Member) -> bool:
    """Admins, and the client's own account managers (the page is only found for those)."""
    return member.role in (Role.ADMIN, Role.ACCOUNT_MANAGER)


@member_required
def overview(request: MemberRequest) -> HttpResponse:
    member = request.member
    days = _days(request.GET.get("days"))
    gap = promise_gap_get(firm_id=member.firm_id, clients=client_list(member=member), days=days)
    context = {
        "member": member,
        "mine_only": not member.sees_whole_firm,
        "gap": gap,
        "matrix": matrix_layout(gap.points, gap.threshold),
        "days": days,
        "periods": PERIODS,
    }
    return render(request, "feedback/lens/overview.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def expectations_edit(request: MemberRequest, pk: int) -> HttpResponse:
    try:
        client = client_list(member=request.member).get(pk=pk)
    except Client.DoesNotExist as exc:
        raise Http404("No such client.") from exc
    if not may_set_expectations(request.member):
        raise PermissionDenied
    form = ExpectationsForm(request.POST or None, promises=client_expectations_get(client=client))
    if request.method == "POST" and form.is_valid():
        try:
            client_expectations_set(client=client, weights=form.weights(), actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Saved what {client.name} expects of the firm.")
            return redirect("dashboards:client", pk=client.pk)
    status = 400 if form.errors else 200
    return render(
        request, "feedback/lens/expectations.html", {"client": client, "form": form}, status=status
    )
