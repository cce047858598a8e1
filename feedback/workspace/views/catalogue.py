"""Settings pages: the index, brand promises and touchpoints."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest
from feedback.models import BrandPromise, Touchpoint
from feedback.workspace import selectors
from feedback.workspace.forms import PromiseForm, TouchpointForm
from feedback.workspace.sections import SECTIONS
from feedback.workspace.services import catalogue
from feedback.workspace.views.common import (
    admin_required,
    can_edit,
    form_render,
    reader_required,
    validation_to_form,
)


@reader_required
def index(request: MemberRequest) -> HttpResponse:
    sections = [s for s in SECTIONS if request.member.role in s.roles]
    return render(request, "feedback/workspace/index.html", {"sections": sections})


@reader_required
def promises(request: MemberRequest) -> HttpResponse:
    return render(
        request,
        "feedback/workspace/promises.html",
        {
            "promises": selectors.promise_list(firm_id=request.member.firm_id),
            "can_edit": can_edit(request),
        },
    )


@reader_required
def promise_detail(request: MemberRequest, pk: int) -> HttpResponse:
    promise = selectors.firm_object_get(BrandPromise, firm_id=request.member.firm_id, pk=pk)
    return render(
        request,
        "feedback/workspace/promise.html",
        {
            "promise": promise,
            "corrections": selectors.promise_corrections(promise=promise),
            "can_edit": can_edit(request),
            "reanalyse_days": catalogue.REANALYSE_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@admin_required
def promise_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm = request.member.firm
    promise = (
        selectors.firm_object_get(BrandPromise, firm_id=firm.pk, pk=pk) if pk is not None else None
    )
    form = PromiseForm(request.POST or None, instance=promise)
    if request.method == "POST" and form.is_valid():
        try:
            if promise is None:
                promise = catalogue.promise_create(firm=firm, actor=request.user, **form.values())
            else:
                promise = catalogue.promise_update(
                    promise=promise, actor=request.user, **form.values()
                )
        except ValidationError as exc:
            validation_to_form(form, exc)
        else:
            messages.success(request, f"Saved “{promise.name}”. New comments are read against it.")
            return redirect("workspace:promise", pk=promise.pk)
    back = reverse("workspace:promise", args=[pk]) if pk else reverse("workspace:promises")
    title = f"Edit {promise.name}" if promise else "New brand promise"
    return form_render(request, form, title=title, back=back)


@require_POST
@admin_required
def promise_deactivate(request: MemberRequest, pk: int) -> HttpResponse:
    promise = selectors.firm_object_get(BrandPromise, firm_id=request.member.firm_id, pk=pk)
    catalogue.promise_update(promise=promise, active=False, actor=request.user)
    messages.success(request, f"“{promise.name}” is no longer matched against new comments.")
    return redirect("workspace:promise", pk=promise.pk)


@require_POST
@admin_required
def promise_reanalyse(request: MemberRequest, pk: int) -> HttpResponse:
    promise = selectors.firm_object_get(BrandPromise, firm_id=request.member.firm_id, pk=pk)
    queued = catalogue.promise_reanalyse_recent(promise=promise, actor=request.user)
    messages.success(request, f"{queued} recent comments are being analysed again.")
    return redirect("workspace:promise", pk=promise.pk)


@reader_required
def touchpoints(request: MemberRequest) -> HttpResponse:
    return render(
        request,
        "feedback/workspace/touchpoints.html",
        {
            "touchpoints": selectors.touchpoint_list(firm_id=request.member.firm_id),
            "can_edit": can_edit(request),
        },
    )


@require_http_methods(["GET", "POST"])
@admin_required
def touchpoint_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm = request.member.firm
    touchpoint = (
        selectors.firm_object_get(Touchpoint, firm_id=firm.pk, pk=pk) if pk is not None else None
    )
    form = TouchpointForm(request.POST or None, instance=touchpoint)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if touchpoint is None:
                touchpoint = catalogue.touchpoint_create(
                    firm=firm, name=data["name"], order=data["order"] or 0, actor=request.user
                )
                if not data["active"]:
                    catalogue.touchpoint_update(
                        touchpoint=touchpoint, active=False, actor=request.user
                    )
            else:
                catalogue.touchpoint_update(touchpoint=touchpoint, actor=request.user, **data)
        except ValidationError as exc:
            validation_to_form(form, exc)
        else:
            messages.success(request, f"Saved touchpoint “{touchpoint.name}”.")
            return redirect("workspace:touchpoints")
    title = f"Edit {touchpoint.name}" if touchpoint else "New touchpoint"
    return form_render(request, form, title=title, back=reverse("workspace:touchpoints"))


@require_POST
@admin_required
def touchpoint_deactivate(request: MemberRequest, pk: int) -> HttpResponse:
    touchpoint = selectors.firm_object_get(Touchpoint, firm_id=request.member.firm_id, pk=pk)
    catalogue.touchpoint_update(touchpoint=touchpoint, active=False, actor=request.user)
    messages.success(request, f"“{touchpoint.name}” is deactivated.")
    return redirect("workspace:touchpoints")
