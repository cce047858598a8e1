"""Reads for the review workflow, always scoped to a firm and, for account managers, to the
cases they own or whose client they manage. `member=None` means a firm-wide API key."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from feedback.analysis import analysis_current, evidence_texts
from feedback.models import (
    Analysis,
    BrandPromise,
    Case,
    CaseEvent,
    CaseStatus,
    Client,
    EmotionTag,
    Firm,
    Member,
    Role,
    Rule,
    ThemeMention,
)
from feedback.review.rules import DEFAULT_RULES, rule_default

QUEUE_VIEWS = ("mine", "team", "overdue", "all")


def _visible(qs: QuerySet[Case], member: Member | None) -> QuerySet[Case]:
    if member is None or member.sees_whole_firm:
        return qs
    # Exists() rather than a join: no duplicates when a client has several managers.
    manages = Client.account_managers.through.objects.filter(
        client_id=OuterRef("client_id"), member_id=member.pk
    )
    return qs.filter(Q(owner=member) | Exists(manages))


def case_list(
    *,
    firm_id: int,
    member: Member | None,
    view: str = "all",
    status: str | None = None,
    priority: str | None = None,
    client_id: int | None = None,
) -> QuerySet[Case]:
    """Cases the viewer may see, newest deadline first for open work.

    Views: mine = open cases owned by the member; team = open cases the member can see;
    overdue = open cases past due; all = every visible case in any state."""
    qs = _visible(Case.objects.filter(firm_id=firm_id), member)
    if view in ("mine", "team", "overdue"):
        qs = qs.exclude(status=CaseStatus.RESOLVED)
    if view == "mine" and member is not None:
        qs = qs.filter(owner=member)
    if view == "overdue":
        qs = qs.filter(due_at__lt=timezone.now())
    if status:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if client_id:
        qs = qs.filter(client_id=client_id)
    return qs.select_related("feedback", "client", "owner__user").order_by("due_at", "pk")


def case_get(*, firm_id: int, member: Member | None, pk: int) -> Case:
    """Raises Case.DoesNotExist for another firm's or an invisible case, exactly as for none."""
    return (
        case_list(firm_id=firm_id, member=member)
        .select_related("feedback__source", "feedback__contact", "feedback__touchpoint")
        .get(pk=pk)
    )


def case_can_act(*, member: Member | None, case: Case) -> bool:
    """Admins and account managers who can see a case may act on it; analysts only read."""
    if member is None or member.firm_id != case.firm_id:
        return False
    return member.role in (Role.ADMIN, Role.ACCOUNT_MANAGER)


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("created_at", "pk")


def member_get(*, firm_id: int, pk: int) -> Member | None:
    """A member of the firm; another firm's member is None, like a missing one."""
    return Member.objects.filter(firm_id=firm_id, pk=pk).first()


def member_assignable_list(*, firm_id: int) -> QuerySet[Member]:
    return (
        Member.objects.filter(firm_id=firm_id, role__in=[Role.ACCOUNT_MANAGER, Role.ADMIN])
        .select_related("user")
        .order_by("user__username")
    )


def case_replies_for_contact(*, contact_id: int) -> QuerySet[CaseEvent]:
    """The firm's replies on a contact's feedback: for the client's portal history."""
    return (
        CaseEvent.objects.filter(kind="reply", case__feedback__contact_id=contact_id)
        .select_related("case__feedback")
        .order_by("created_at")
    )


def rule_list(*, firm: Firm) -> list[Rule]:
    """The firm's rules by kind, with the defaults it has not saved yet shown unsaved: reading
    the rules page writes nothing (`rule_defaults_ensure` saves them on the first edit or
    evaluation)."""
    existing = {r.kind: r for r in Rule.objects.filter(firm=firm)}
    for kind in DEFAULT_RULES:
        if kind not in existing:
            existing[kind] = rule_default(firm=firm, kind=kind)
    return sorted(existing.values(), key=lambda r: r.kind)


@dataclass(frozen=True)
class CaseReading:
    """What a case page shows of its feedback's current analysis."""

    analysis: Analysis | None
    themes: list[ThemeMention]
    emotions: list[EmotionTag]
    # evidence sentence -> the theme and rule names it supports
    evidence: dict[str, list[str]]


def case_reading_get(*, case: Case) -> CaseReading:
    analysis = analysis_current(feedback=case.feedback)
    themes: list[ThemeMention] = []
    emotions: list[EmotionTag] = []
    if analysis is not None:
        themes = list(
            ThemeMention.objects.filter(analysis=analysis).select_related("brand_promise")
        )
        emotions = list(EmotionTag.objects.filter(analysis=analysis).order_by("-score"))
    evidence: dict[str, list[str]] = {}
    for mention in themes:
        for sentence in evidence_texts(mention.evidence):
            evidence.setdefault(sentence, []).append(mention.brand_promise.name)
    for reason in case.reasons:
        for sentence in reason.get("evidence", []):
            evidence.setdefault(sentence, []).append(reason.get("rule", ""))
    return CaseReading(analysis=analysis, themes=themes, emotions=emotions, evidence=evidence)


def brand_promise_active_list(*, firm_id: int) -> QuerySet[BrandPromise]:
    return BrandPromise.objects.filter(firm_id=firm_id, active=True)
