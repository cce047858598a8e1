"""Review queue pages (server-rendered, HTMX for actions). Function views, one per action."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest, member_required
from feedback.analysis import analysis_effective
from feedback.models import Case, CaseOutcome, Priority, Role, RuleKind, Sentiment
from feedback.review import services
from feedback.review.corrections import case_tag_correct
from feedback.review.reply_templates import (
    reply_template_get,
    reply_template_list,
    reply_template_render,
)
from feedback.review.selectors import (
    brand_promise_active_list,
    case_can_act,
    case_events,
    case_get,
    case_reading_get,
    member_assignable_list,
    member_get,
    rule_list,
)


def _case_or_404(request: MemberRequest, pk: int) -> Case:
    try:
        return case_get(firm_id=request.member.firm_id, member=request.member, pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404("No such case.") from exc


def _highlight(text: str, sentences: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Split text into (segment, theme names) so evidence sentences can be marked up safely."""
    spans: list[tuple[int, int, list[str]]] = []
    for sentence, themes in sentences.items():
        start = text.find(sentence)
        if start >= 0 and not any(s < start + len(sentence) and start < e for s, e, _ in spans):
            spans.append((start, start + len(sentence), themes))
    segments: list[tuple[str, list[str]]] = []
    cursor = 0
    for start, end, themes in sorted(spans):
        if start > cursor:
            segments.append((text[cursor:start], []))
        segments.append((text[start:end], themes))
        cursor = end
    if cursor < len(text):
        segments.append((text[cursor:], []))
    return segments


def _case_context(request: MemberRequest, case: Case, error: object = None) -> dict:
    reading = case_reading_get(case=case)
    return {
        "case": case,
        "feedback": case.feedback,
        "analysis": reading.analysis,
        "effective": analysis_effective(feedback=case.feedback),
        "themes": reading.themes,
        "emotions": reading.emotions,
        "segments": _highlight(case.feedback.text, reading.evidence),
        "events": case_events(case=case),
        "can_act": case_can_act(member=request.member, case=case),
        "assignable": member_assignable_list(firm_id=case.firm_id),
        "outcomes": CaseOutcome.choices,
        "sentiments": Sentiment.choices,
        "promises": brand_promise_active_list(firm_id=case.firm_id),
        "reply_templates": [
            (t, reply_template_render(template=t, case=case, member=request.member))
            for t in reply_template_list(firm_id=case.firm_id)
        ],
        "error": error,
        "member": request.member,
    }


@member_required
def case_detail(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return render(request, "feedback/review/case.html", _case_context(request, case))


def _act(request: MemberRequest, pk: int, action: Callable[[Case], object]) -> HttpResponse:
    case = _case_or_404(request, pk)
    try:
        action(case)
    except PermissionDenied:
        return HttpResponse("You cannot act on this case.", status=403)
    except ValidationError as exc:
        error = "; ".join(" ".join(v) for v in exc.message_dict.values())
        case.refresh_from_db()
        return render(
            request,
            "feedback/review/_case_panel.html",
            _case_context(request, case, error=error),
            status=400,
        )
    if request.headers.get("HX-Request"):
        case = _case_or_404(request, pk)
        return render(request, "feedback/review/_case_panel.html", _case_context(request, case))
    return redirect("review:case", pk=pk)


@require_POST
@member_required
def case_acknowledge(request: MemberRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda c: services.case_acknowledge(case=c, member=request.member))


@require_POST
@member_required
def case_reassign(request: MemberRequest, pk: int) -> HttpResponse:
    def action(case: Case) -> object:
        owner_id = request.POST.get("owner", "")
        owner = member_get(
            firm_id=request.member.firm_id, pk=int(owner_id) if owner_id.isdigit() else 0
        )
        if owner is None:
            raise ValidationError({"owner": "Choose a member of your firm."})
        return services.case_reassign(case=case, member=request.member, owner=owner)

    return _act(request, pk, action)


@require_POST
@member_required
def case_note(request: MemberRequest, pk: int) -> HttpResponse:
    body = request.POST.get("body", "")
    return _act(request, pk, lambda c: services.case_note(case=c, member=request.member, body=body))


@require_POST
@member_required
def case_reply(request: MemberRequest, pk: int) -> HttpResponse:
    """The typed reply; with none typed, the chosen template's text for this case (the form
    fills the text box from the template in the browser, so this is the no-script path)."""
    body = request.POST.get("body", "")
    template_id = request.POST.get("template", "")

    def action(case: Case) -> object:
        text = body
        if not text.strip() and template_id.isdigit():
            template = reply_template_get(firm_id=case.firm_id, pk=int(template_id))
            if template is not None:
                text = reply_template_render(template=template, case=case, member=request.member)
        return services.case_reply(case=case, member=request.member, body=text)

    return _act(request, pk, action)


@require_POST
@member_required
def case_resolve(request: MemberRequest, pk: int) -> HttpResponse:
    outcome, note = request.POST.get("outcome", ""), request.POST.get("note", "")
    return _act(
        request,
        pk,
        lambda c: services.case_resolve(case=c, member=request.member, outcome=outcome, note=note),
    )


@require_POST
@member_required
def case_correct(request: MemberRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: case_tag_correct(
            case=c,
            member=request.member,
            kind=request.POST.get("kind", ""),
            key=request.POST.get("key", ""),
            value=request.POST.get("value", ""),
        ),
    )


@require_http_methods(["GET", "POST"])
@member_required
def rules(request: MemberRequest) -> HttpResponse:
    """The firm's flag rules; admins edit them (others read)."""
    member = request.member
    errors: list[str] = []
    if request.method == "POST":
        if member.role != Role.ADMIN:
            return HttpResponse("Only admins can edit rules.", status=403)
        try:
            services.rules_update(member=member, changes=_rule_changes(request))
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("review:rules")
    return render(
        request,
        "feedback/review/rules.html",
        {
            "rules": rule_list(firm=member.firm),
            "priorities": Priority.choices,
            "errors": errors,
            "member": member,
        },
        status=400 if errors else 200,
    )


def _rule_changes(request: MemberRequest) -> dict[str, services.RuleChange]:
    """The rules form, one field group per rule kind ("<kind>-enabled", "-priority", ...)."""
    post = request.POST
    return {
        kind: services.RuleChange(
            enabled=post.get(f"{kind}-enabled") == "on",
            threshold=post.get(f"{kind}-threshold", ""),
            priority=post.get(f"{kind}-priority"),
            labels=post.get(f"{kind}-labels") if f"{kind}-labels" in post else None,
        )
        for kind in RuleKind.values
    }
