"""Settings pages: an admin requires two-factor sign-in of the firm's members, and resets a
member's two-factor devices (a lost phone). Both on the members page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from feedback.access import MemberRequest
from feedback.models import Member
from feedback.twofactor import services
from feedback.twofactor.forms import RequireForm
from feedback.workspace import selectors
from feedback.workspace.views.common import admin_required


@require_POST
@admin_required
def two_factor_policy(request: MemberRequest) -> HttpResponse:
    form = RequireForm(request.POST)
    required = form.is_valid() and form.cleaned_data["require_two_factor"]
    try:
        services.firm_two_factor_require(
            firm=request.member.firm, required=required, by=request.member
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Every member now signs in with two-factor."
            if required
            else "Two-factor sign-in is up to each member.",
        )
    return redirect("workspace:members")


@require_POST
@admin_required
def member_two_factor_reset(request: MemberRequest, pk: int) -> HttpResponse:
    member = selectors.firm_object_get(Member, firm_id=request.member.firm_id, pk=pk)
    services.member_two_factor_reset(member=member, by=request.member)
    messages.success(request, f"Two-factor sign-in of {member.user} was reset.")
    return redirect("workspace:members")
