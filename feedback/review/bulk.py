"""Bulk actions of the review queue: one action on many cases, through the per-case services
(so each case gets its own timeline event and audit event, exactly as when acted on alone)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from feedback.models import CaseOutcome, Member, Role
from feedback.review import services
from feedback.review.selectors import case_can_act, case_list, member_get

BULK_ACTIONS = ("assign", "acknowledge", "resolve")
BULK_MAX = 200


@dataclass(frozen=True)
class BulkResult:
    action: str
    done: int


@transaction.atomic
def cases_bulk_act(
    *,
    member: Member,
    case_ids: list[int],
    action: str,
    owner_id: int | None = None,
    outcome: str = "",
    note: str = "",
) -> BulkResult:
    """Apply one action to the chosen cases, all or nothing. Only cases the member may see
    (an account manager: of their clients, or their own) and act on; a case outside that
    fails the whole request with PermissionDenied, like a missing one. Re-acknowledging or
    re-resolving is a no-op per case (the per-case services are idempotent)."""
    if member.role not in (Role.ADMIN, Role.ACCOUNT_MANAGER):
        raise PermissionDenied("Analysts read cases; they do not act on them.")
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": f"Choose one of {', '.join(BULK_ACTIONS)}."})
    ids = sorted(set(case_ids))
    if not ids:
        raise ValidationError({"cases": "Choose at least one case."})
    if len(ids) > BULK_MAX:
        raise ValidationError({"cases": f"At most {BULK_MAX} cases at once."})
    cases = list(case_list(firm_id=member.firm_id, member=member).filter(pk__in=ids))
    if len(cases) != len(ids) or not all(case_can_act(member=member, case=c) for c in cases):
        raise PermissionDenied("You cannot act on some of these cases.")
    owner = None
    if action == "assign":
        owner = member_get(firm_id=member.firm_id, pk=owner_id or 0)
        if owner is None:
            raise ValidationError({"owner": "Choose a member of your firm."})
    if action == "resolve" and outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": f"Choose one of {', '.join(CaseOutcome.values)}."})
    for case in cases:
        if owner is not None:
            services.case_reassign(case=case, member=member, owner=owner)
        elif action == "acknowledge":
            services.case_acknowledge(case=case, member=member)
        else:
            services.case_resolve(case=case, member=member, outcome=outcome, note=note)
    return BulkResult(action=action, done=len(cases))
