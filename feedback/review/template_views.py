"""The firm's reply templates page (admins): list, add, edit, delete."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest, member_required
from feedback.models import ReplyTemplate, Role
from feedback.review.reply_templates import (
    PLACEHOLDERS,
    reply_template_delete,
    reply_template_get,
    reply_template_list,
    reply_template_save,
)


def _admin_only(request: MemberRequest) -> HttpResponse | None:
    if request.member.role != Role.ADMIN:
        return HttpResponse("Only admins manage reply templates.", status=403)
    return None


def _template_or_404(request: MemberRequest, pk: int) -> ReplyTemplate:
    template = reply_template_get(firm_id=request.member.firm_id, pk=pk)
    if template is None:
        raise Http404("No such template.")
    return template


def _page(request: MemberRequest, errors: list[str], status: int = 200) -> HttpResponse:
    return render(
        request,
        "feedback/review/reply_templates.html",
        {
            "templates": reply_template_list(firm_id=request.member.firm_id),
            "placeholders": PLACEHOLDERS.items(),
            "errors": errors,
            "form": request.POST if errors else {},
            "member": request.member,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@member_required
def reply_templates(request: MemberRequest) -> HttpResponse:
    refused = _admin_only(request)
    if refused is not None:
        return refused
    if request.method == "POST":
        try:
            reply_template_save(
                member=request.member,
                name=request.POST.get("name", ""),
                body=request.POST.get("body", ""),
            )
        except ValidationError as exc:
            return _page(request, exc.messages, status=400)
        return redirect("review:reply_templates")
    return _page(request, [])


@require_POST
@member_required
def reply_template_edit(request: MemberRequest, pk: int) -> HttpResponse:
    refused = _admin_only(request)
    if refused is not None:
        return refused
    template = _template_or_404(request, pk)
    try:
        reply_template_save(
            member=request.member,
            template=template,
            name=request.POST.get("name", ""),
            body=request.POST.get("body", ""),
        )
    except ValidationError as exc:
        return _page(request, exc.messages, status=400)
    return redirect("review:reply_templates")


@require_POST
@member_required
def reply_template_remove(request: MemberRequest, pk: int) -> HttpResponse:
    refused = _admin_only(request)
    if refused is not None:
        return refused
    reply_template_delete(member=request.member, template=_template_or_404(request, pk))
    return redirect("review:reply_templates")
