"""Reads behind a feedback item's own page: the item as this member may see it, and its history."""

from itertools import chain

from django.db.models import Q

from feedback.models import AuditEvent, Case, CaseEvent, Feedback, Member
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


def feedback_history_list(*, feedback: Feedback, case: Case | None) -> list[tuple]:
    """(when, who, what, detail) of everything done to the item and its case, oldest first."""
    item = Q(object_type=Feedback._meta.label_lower, object_id=str(feedback.pk))
    audit = AuditEvent.objects.filter(item, firm_id=feedback.firm_id).select_related("actor")
    events = (
        CaseEvent.objects.filter(case=case).select_related("actor")
        if case is not None
        else CaseEvent.objects.none()
    )
    rows = chain(
        ((a.created_at, a.actor, a.action, _said(a.data)) for a in audit),
        ((e.created_at, e.actor, f"case.{e.kind}", e.body) for e in events),
    )
    return sorted(rows, key=lambda r: r[0])
