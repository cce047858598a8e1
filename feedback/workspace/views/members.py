"""Settings pages: members and roles (list, invite by e-mail, change role, deactivate)."""

import logging
import smtplib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest
from feedback.models import Member, Role
from feedback.twofactor.forms import RequireForm
from feedback.twofactor.selectors import two_factor_user_ids
from feedback.workspace import selectors
from feedback.workspace.forms import InviteForm, RoleForm
from feedback.workspace.services import members as service
from feedback.workspace.views.common import (
    admin_required,
    can_edit,
    form_render,
    reader_required,
    validation_to_form,
)

logger = logging.getLogger(__name__)


@reader_required
def members(request: MemberRequest) -> HttpResponse:
    member_list = list(selectors.member_list(firm_id=request.member.firm_id))
    firm = request.member.firm
    return render(
        request,
        "feedback/workspace/members.html",
        {
            "members": member_list,
            "two_factor_ids": two_factor_user_ids(user_ids=[m.user_id for m in member_list]),
            "require_form": RequireForm(initial={"require_two_factor": firm.require_two_factor}),
            "firm": firm,
            "roles": Role.choices,
            "can_edit": can_edit(request),
            "me": request.member,
        },
    )


def _send(request: MemberRequest, member: Member) -> None:
    try:
        service.member_invite_send(
            member=member, absolute=request.build_absolute_uri, actor=request.user
        )
    except (smtplib.SMTPException, OSError):
        logger.exception("invitation e-mail to member %s failed", member.pk)
        messages.error(
            request, f"The invitation to {member.user.email} could not be sent; send it again."
        )
    else:
        messages.success(request, f"Invitation sent to {member.user.email}.")


@require_http_methods(["GET", "POST"])
@admin_required
def member_invite(request: MemberRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = service.member_invite(
                firm=request.member.firm, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            validation_to_form(form, exc)
        else:
            _send(request, member)
            return redirect("workspace:members")
    return form_render(request, form, title="Invite a member", back=reverse("workspace:members"))


@require_POST
@admin_required
def member_resend(request: MemberRequest, pk: int) -> HttpResponse:
    member = selectors.firm_object_get(Member, firm_id=request.member.firm_id, pk=pk)
    if member.user.has_usable_password():
        messages.error(request, f"{member.user.email} has already set a password.")
    else:
        _send(request, member)
    return redirect("workspace:members")


@require_POST
@admin_required
def member_role(request: MemberRequest, pk: int) -> HttpResponse:
    member = selectors.firm_object_get(Member, firm_id=request.member.firm_id, pk=pk)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose a role.")
        service.member_role_change(member=member, role=form.cleaned_data["role"], by=request.member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workspace:members")
    messages.success(request, f"{member.user} is now {member.get_role_display()}.")
    return redirect("workspace:members")


@require_POST
@admin_required
def member_deactivate(request: MemberRequest, pk: int) -> HttpResponse:
    member = selectors.firm_object_get(Member, firm_id=request.member.firm_id, pk=pk)
    try:
        service.member_deactivate(member=member, by=request.member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{member.user} can no longer sign in.")
    return redirect("workspace:members")
