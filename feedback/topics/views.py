"""The Topics pages: what clients talk about, for staff. Everyone sees the topics their own
feedback speaks to (account managers: counted over their clients' comments only, read-only);
admins and analysts rename, merge, split, promote and dismiss."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from feedback.access import MemberRequest, member_required
from feedback.links import explorer_url
from feedback.models import Topic, TopicModelState, TopicStatus
from feedback.topics import actions, services
from feedback.topics.selectors import (
    topic_assignments,
    topic_get,
    topic_list,
    topic_reach,
    topic_rows_detailed,
)

ITEMS_PAGE_SIZE = 25


@member_required
def topics_page(request: MemberRequest) -> HttpResponse:
    member = request.member
    rows = topic_rows_detailed(rows=topic_list(firm=member.firm, member=member), member=member)
    context = {
        "member": member,
        "rows": rows,
        "can_edit": member.sees_whole_firm,
        "state": TopicModelState.objects.filter(firm_id=member.firm_id).first(),
    }
    return render(request, "feedback/topics/list.html", context)


def _topic_or_404(request: MemberRequest, pk: int) -> Topic:
    try:
        topic = topic_get(firm_id=request.member.firm_id, pk=pk)
    except Topic.DoesNotExist as exc:
        raise Http404("No such topic.") from exc
    if not request.member.sees_whole_firm and not (
        topic_assignments(topic=topic, member=request.member).exists()
    ):
        raise Http404("No such topic.")
    return topic


@member_required
def topic_detail(request: MemberRequest, pk: int) -> HttpResponse:
    member = request.member
    topic = _topic_or_404(request, pk)
    rows = [r for r in topic_list(firm=member.firm, member=member) if r.topic.pk == topic.pk]
    row = topic_rows_detailed(rows=rows, member=member)[0] if rows else None
    page = Paginator(topic_assignments(topic=topic, member=member), ITEMS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    others = (
        Topic.objects.filter(firm_id=member.firm_id, status=TopicStatus.ACTIVE)
        .exclude(pk=topic.pk)
        .order_by("label")
    )
    context = {
        "member": member,
        "topic": topic,
        "row": row,
        "page": page,
        "reach": topic_reach(topic=topic, member=member),
        "can_edit": member.sees_whole_firm,
        "others": others if member.sees_whole_firm else [],
        "explore_url": explorer_url(topic=topic.pk),
    }
    return render(request, "feedback/topics/detail.html", context)


def _act(request: MemberRequest, pk: int, done: str, action: str) -> HttpResponse:
    topic = _topic_or_404(request, pk)
    actor = request.user
    post = request.POST
    try:
        if action == "rename":
            services.topic_rename(topic=topic, label=post.get("label", ""), actor=actor)
        elif action == "merge":
            target = Topic.objects.filter(
                firm_id=topic.firm_id, pk=int(post.get("into") or 0)
            ).first()
            if target is None:
                raise ValidationError("Choose a topic to merge into.")
            services.topic_merge(source=topic, target=target, actor=actor)
            messages.success(request, done)
            return redirect("topics:detail", pk=target.pk)
        elif action == "split":
            actions.topic_split_request(topic=topic, actor=actor)
        elif action == "promote":
            promise = actions.topic_promote(topic=topic, actor=actor, name=post.get("name", ""))
            done = f"{done} “{promise.name}”."
        elif action == "dismiss":
            services.topic_ignore(topic=topic, actor=actor)
            messages.success(request, done)
            return redirect("topics:list")
    except (ValidationError, ValueError) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else "Bad input."
        messages.error(request, text)
        return redirect("topics:detail", pk=topic.pk)
    messages.success(request, done)
    return redirect("topics:detail", pk=topic.pk)


@require_POST
@member_required(whole_firm=True)
def topic_rename(request: MemberRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "Topic renamed.", "rename")


@require_POST
@member_required(whole_firm=True)
def topic_merge(request: MemberRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "Topics merged.", "merge")


@require_POST
@member_required(whole_firm=True)
def topic_split(request: MemberRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "Split requested: the topic is refitted on its own shortly.", "split")


@require_POST
@member_required(whole_firm=True)
def topic_promote(request: MemberRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "Promoted to the brand promise", "promote")


@require_POST
@member_required(whole_firm=True)
def topic_dismiss(request: MemberRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "Topic dismissed: refits keep it out of the list.", "dismiss")


@require_POST
@member_required(whole_firm=True)
def topics_refit(request: MemberRequest) -> HttpResponse:
    actions.topics_refit_request(firm=request.member.firm, actor=request.user)
    messages.success(request, "Refit requested: the topics are refitted shortly.")
    return redirect("topics:list")
