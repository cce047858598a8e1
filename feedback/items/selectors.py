"""Reads behind a feedback item's own page: the item as this member may see it, and its history."""

from itertools import chain

from django.db.models import Q, QuerySet

from feedback.models import Analysis, AuditEvent, Case, CaseEvent, Feedback, Member, SavedView
from feedback.selectors import feedback_list


def feedback_visible_get(*, member: Member, pk: int) -> Feedback:
    """The item if this member may see it: admins and analysts the whole firm, account managers
    their own clients' items only. Raises Feedback.DoesNotExist otherwise (another firm's item
    looks exactly like a missing one)."""
    return feedback_list(member=member).select_related("case").get(pk=pk)


def feedback_case(feedback: Feedback) -> Case | None:
    try:
        return feedback.case
    except Case.DoesNotExist:
        return None


def _said(data: object) -> str:
    if not isinstance(data, dict):
        return ""
    return ", ".join(f"{key} {value}" for key, value in data.items() if value not in ("", None))


def _analysed(analysis: Analysis, feedback: Feedback) -> str:
    said = f"{analysis.model_version}: {analysis.sentiment} ({analysis.sentiment_value:+.2f})"
    if analysis.intent_flag:
        said += ", talks of leaving"
    if analysis.text_hash != feedback.text_hash:
        said += " (of an earlier text)"
    return said


def feedback_history_list(*, feedback: Feedback, case: Case | None) -> list[tuple]:
    """(when, who, what, detail) of everything done to the item and its case, its analyses
    (each model run, also of an earlier text) among them, oldest first."""
    item = Q(object_type=Feedback._meta.label_lower, object_id=str(feedback.pk))
    audit = AuditEvent.objects.filter(item, firm_id=feedback.firm_id).select_related("actor")
    events = (
        CaseEvent.objects.filter(case=case).select_related("actor")
        if case is not None
        else CaseEvent.objects.none()
    )
    analyses = Analysis.objects.filter(feedback=feedback).only(
        "created_at", "model_version", "text_hash", "sentiment", "sentiment_value", "intent_flag"
    )
    rows = chain(
        ((a.created_at, None, "analysis", _analysed(a, feedback)) for a in analyses),
        ((a.created_at, a.actor, a.action, _said(a.data)) for a in audit),
        ((e.created_at, e.actor, f"case.{e.kind}", e.body) for e in events),
    )
    return sorted(rows, key=lambda r: r[0])


def saved_view_list(*, member: Member) -> QuerySet[SavedView]:
    """The member's own views and those others shared with the firm, by name."""
    return (
        SavedView.objects.filter(firm_id=member.firm_id)
        .filter(Q(owner=member) | Q(shared=True))
        .select_related("owner__user")
        .order_by("name", "pk")
    )


def saved_view_get(*, member: Member, pk: int) -> SavedView:
    """Raises SavedView.DoesNotExist for another firm's view or another member's private one."""
    return saved_view_list(member=member).get(pk=pk)
