"""A feedback item's own page (text, analysis with evidence, corrections, case, history) where
its tags can be corrected, and the list of items the model is unsure of."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback.access import MemberRequest, member_required
from feedback.analysis import QUICK_LOOK_BELOW, analysis_effective, feedback_quick_look_list
from feedback.items.selectors import feedback_case, feedback_history_list, feedback_visible_get
from feedback.models import BrandPromise, Feedback, Sentiment
from feedback.review.corrections import CORRECTORS, tag_correct

QUICK_LOOK_PAGE_SIZE = 50


def _item_or_404(request: MemberRequest, pk: int) -> Feedback:
    try:
        return feedback_visible_get(member=request.member, pk=pk)
    except Feedback.DoesNotExist as exc:
        raise Http404("No such feedback.") from exc


def _render(request: MemberRequest, feedback: Feedback, error: str = "") -> HttpResponse:
    case = feedback_case(feedback)
    context = {
        "member": request.member,
        "feedback": feedback,
        "effective": analysis_effective(feedback=feedback),
        "case": case,
        "history": feedback_history_list(feedback=feedback, case=case),
        "can_correct": request.member.role in CORRECTORS,
        "sentiments": Sentiment.choices,
        "promises": BrandPromise.objects.filter(firm_id=feedback.firm_id, active=True),
        "error": error,
    }
    return render(request, "feedback/items/detail.html", context, status=400 if error else 200)


@member_required
def feedback_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return _render(request, _item_or_404(request, pk))


@require_POST
@member_required
def feedback_correct(request: MemberRequest, pk: int) -> HttpResponse:
    feedback = _item_or_404(request, pk)
    try:
        tag_correct(
            feedback=feedback,
            member=request.member,
            kind=request.POST.get("kind", ""),
            key=request.POST.get("key", ""),
            value=request.POST.get("value", ""),
        )
    except PermissionDenied:
        return HttpResponse("You cannot correct this feedback.", status=403)
    except ValidationError as exc:
        error = "; ".join(" ".join(v) for v in exc.message_dict.values())
        return _render(request, feedback, error=error)
    return redirect("items:detail", pk=pk)


@member_required
def quick_look(request: MemberRequest) -> HttpResponse:
    days = request.GET.get("days", "")
    days_back = min(int(days), 3660) if days.isdigit() and int(days) > 0 else 30
    items = feedback_quick_look_list(
        member=request.member, since=timezone.now() - timedelta(days=days_back)
    )
    page = Paginator(items, QUICK_LOOK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "member": request.member,
        "page": page,
        "days": days_back,
        "below": QUICK_LOOK_BELOW,
    }
    return render(request, "feedback/items/quick_look.html", context)
