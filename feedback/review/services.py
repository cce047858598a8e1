"""Writes of the review workflow: opening cases from rules, and what people do with them.

Every action is audited through feedback.services.audit_record and appended to the case's
timeline. Side effects that leave the database (email, webhooks) are queued on commit."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.queues import NOTIFY_CASE_OPENED_TASK, SEND_CASE_REPLY_TASK
from feedback.enqueue import task_send_on_commit
from feedback.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    Feedback,
    Member,
    Priority,
    Role,
    Rule,
)
from feedback.review.events import case_payload
from feedback.review.notify import escalation_notify
from feedback.review.rules import (
    RuleMatch,
    priority_highest,
    rule_defaults_ensure,
    rules_evaluate,
)
from feedback.review.selectors import case_can_act
from feedback.services import audit_record
from feedback.webhooks import webhook_event_emit

MAX_BODY = 20_000


def sla_due_at(*, priority: str, start: datetime) -> datetime:
    return start + timedelta(hours=settings.REVIEW_SLA_HOURS[priority])


def case_open_for_feedback(*, feedback_id: int) -> Case | None:
    """Evaluate the firm's rules on one feedback item; open a case if any matches.

    Idempotent: returns the existing case if there is one (re-analysis never opens a second) and
    None when the feedback is gone or nothing matched. The unique constraint on Case.feedback
    decides between concurrent workers."""
    feedback = Feedback.objects.select_related("client", "firm").filter(pk=feedback_id).first()
    if feedback is None:
        return None
    existing = Case.objects.filter(feedback_id=feedback.pk).first()
    if existing is not None:
        return existing
    matches = rules_evaluate(feedback=feedback, rules=rule_defaults_ensure(firm=feedback.firm))
    if not matches:
        return None
    return case_open(feedback=feedback, matches=matches)


def case_open(*, feedback: Feedback, matches: list[RuleMatch]) -> Case:
    """Open the case of one feedback item for these rule matches, owned by the client's first
    account manager, with its SLA, opening event, audit row and notification. A case the item
    already has (a concurrent worker's) is returned instead."""
    owner = None
    if feedback.client is not None:
        owner = feedback.client.account_managers.order_by("pk").first()
    priority = priority_highest(matches)
    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                firm=feedback.firm,
                feedback=feedback,
                client=feedback.client,
                owner=owner,
                priority=priority,
                reasons=[m.as_json() for m in matches],
                due_at=sla_due_at(priority=priority, start=now),
            )
            CaseEvent.objects.create(
                case=case,
                firm=feedback.firm,
                kind=CaseEventKind.OPENED,
                body="; ".join(m.detail for m in matches),
            )
            audit_record(
                firm=feedback.firm,
                action="case.opened",
                obj=case,
                data={"rules": [m.rule for m in matches], "owner": owner.pk if owner else None},
            )
            task_send_on_commit(NOTIFY_CASE_OPENED_TASK, [case.pk])
    except IntegrityError:
        return Case.objects.get(feedback_id=feedback.pk)
    return case


def _require_actor(member: Member, case: Case) -> None:
    if not case_can_act(member=member, case=case):
        raise PermissionDenied("You cannot act on this case.")


def _event(case: Case, member: Member, kind: str, body: str = "", **data: object) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case, firm_id=case.firm_id, actor=member.user, kind=kind, body=body, data=data
    )
    audit_record(
        firm=case.firm, action=f"case.{kind}", obj=case, actor=member.user, data=dict(data)
    )
    return event


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("firm", "feedback").get(pk=case.pk)


@transaction.atomic
def case_acknowledge(*, case: Case, member: Member) -> Case:
    """Mark a case as seen. Idempotent: acknowledging twice records one event. Row-locked."""
    _require_actor(member, case)
    case = _locked(case)
    if case.status != CaseStatus.OPEN:
        return case
    case.status = CaseStatus.ACKNOWLEDGED
    case.acknowledged_at = timezone.now()
    case.save(update_fields=["status", "acknowledged_at"])
    _event(case, member, CaseEventKind.ACKNOWLEDGED)
    return case


@transaction.atomic
def case_reassign(*, case: Case, member: Member, owner: Member) -> Case:
    """Give the case to another admin or account manager of the same firm. Row-locked."""
    _require_actor(member, case)
    if owner.firm_id != case.firm_id or owner.role == Role.ANALYST:
        raise ValidationError({"owner": "Choose an account manager or admin of your firm."})
    case = _locked(case)
    if case.owner_id == owner.pk:
        return case
    previous = case.owner_id
    case.owner = owner
    case.save(update_fields=["owner"])
    _event(case, member, CaseEventKind.REASSIGNED, str(owner.user), previous=previous, to=owner.pk)
    return case


def _clean_body(body: str, field: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: "This field may not be blank."})
    if len(body) > MAX_BODY:
        raise ValidationError({field: f"At most {MAX_BODY} characters."})
    return body


@transaction.atomic
def case_note(*, case: Case, member: Member, body: str) -> CaseEvent:
    """Add an internal note (never shown to the client)."""
    _require_actor(member, case)
    return _event(case, member, CaseEventKind.NOTE, _clean_body(body, "body"))


@transaction.atomic
def case_reply(*, case: Case, member: Member, body: str) -> CaseEvent:
    """Reply to the client who gave the feedback: emailed on commit (at most once) and kept on
    the timeline, where the client's portal history reads it. Acknowledges an open case."""
    _require_actor(member, case)
    body = _clean_body(body, "body")
    case = _locked(case)
    feedback = case.feedback
    to = feedback.contact.email if feedback.contact else ""
    if not to and "@" in feedback.sender:
        to = feedback.sender
    if not to:
        raise ValidationError({"body": "This feedback has no email address to reply to."})
    if case.status == CaseStatus.OPEN:
        case.status = CaseStatus.ACKNOWLEDGED
        case.acknowledged_at = timezone.now()
        case.save(update_fields=["status", "acknowledged_at"])
    event = _event(case, member, CaseEventKind.REPLY, body, to=to)
    task_send_on_commit(SEND_CASE_REPLY_TASK, [event.pk])
    return event


@transaction.atomic
def case_resolve(*, case: Case, member: Member, outcome: str, note: str = "") -> Case:
    """Close a case with an outcome. Idempotent: resolving a resolved case changes nothing."""
    _require_actor(member, case)
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": f"Choose one of {', '.join(CaseOutcome.values)}."})
    case = _locked(case)
    if case.status == CaseStatus.RESOLVED:
        return case
    case.status = CaseStatus.RESOLVED
    case.outcome = outcome
    case.resolved_at = timezone.now()
    case.save(update_fields=["status", "outcome", "resolved_at"])
    _event(case, member, CaseEventKind.RESOLVED, (note or "").strip()[:MAX_BODY], outcome=outcome)
    webhook_event_emit(
        firm=case.firm,
        event="case.resolved",
        event_id=f"case.resolved:{case.pk}",
        payload=case_payload(case),
    )
    return case


def cases_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate open cases past due to the firm's admins, once per case.

    Each case is claimed with a guarded UPDATE (escalated_at IS NULL), so concurrent or repeated
    runs never escalate twice. Returns how many cases were escalated."""
    now = now or timezone.now()
    due = (
        Case.objects.filter(due_at__lt=now, escalated_at__isnull=True)
        .exclude(status=CaseStatus.RESOLVED)
        .values_list("pk", flat=True)[:1000]
    )
    escalated = 0
    for pk in list(due):
        with transaction.atomic():
            if not Case.objects.filter(pk=pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            case = Case.objects.select_related("firm").get(pk=pk)
            CaseEvent.objects.create(case=case, firm_id=case.firm_id, kind=CaseEventKind.ESCALATED)
            audit_record(firm=case.firm, action="case.escalated", obj=case)
        escalation_notify(case=case)
        escalated += 1
    return escalated


@transaction.atomic
@dataclass(frozen=True)
class RuleChange:
    """One rule as submitted: raw strings, validated by `rules_update`. A blank threshold is
    none; `priority` or `labels` None keeps the rule's own."""

    enabled: bool
    threshold: str
    priority: str | None = None
    labels: str | None = None


@transaction.atomic
def rules_update(*, member: Member, changes: dict[str, RuleChange]) -> list[Rule]:
    """Apply an admin's edit of the firm's rules, keyed by rule kind, all or nothing; each
    saved rule is audited. Raises PermissionDenied for non-admins and ValidationError (one
    message per bad rule) when any value is invalid, saving nothing."""
    if member.role != Role.ADMIN:
        raise PermissionDenied("Only admins can edit rules.")
    firm_rules = rule_defaults_ensure(firm=member.firm)
    errors: list[str] = []
    for rule in firm_rules:
        change = changes.get(rule.kind)
        if change is None:
            continue
        rule.enabled = change.enabled
        priority = rule.priority if change.priority is None else change.priority
        if priority not in Priority.values:
            errors.append(f"{rule}: unknown priority.")
            continue
        rule.priority = priority
        raw = change.threshold.strip()
        try:
            rule.threshold = float(raw) if raw else None
        except ValueError:
            errors.append(f"{rule}: the threshold must be a number.")
            continue
        if change.labels is not None:
            rule.labels = [p.strip() for p in change.labels.splitlines() if p.strip()][:200]
    if errors:
        raise ValidationError(errors)
    for rule in firm_rules:
        rule.save()
        audit_record(
            firm=member.firm,
            action="rule.updated",
            obj=rule,
            actor=member.user,
            data={"enabled": rule.enabled, "priority": rule.priority, "threshold": rule.threshold},
        )
    return firm_rules
