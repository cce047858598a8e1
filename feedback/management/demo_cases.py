"""Give the demo firm a case history: the rules open cases on its comments (through the real
service), then each case is moved to the time its comment came in and, as a team would have done,
acknowledged and resolved with an outcome and a note when it is old enough. Recent ones stay open,
some past their due time, so the queue shows overdue work."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from feedback.management.demo_data import CASE_NOTES
from feedback.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseOutcome,
    Feedback,
    Firm,
    Member,
    Role,
)
from feedback.review.rules import CHURN_PHRASES
from feedback.review.services import (
    case_acknowledge,
    case_open_for_feedback,
    case_resolve,
    sla_due_at,
)

OUTCOMES = [CaseOutcome.ADDRESSED] * 6 + [CaseOutcome.NO_ACTION] * 2 + [CaseOutcome.ESCALATED]


def _backdate(case: Case, kind: str, when: datetime) -> None:
    CaseEvent.objects.filter(case=case, kind=kind).update(created_at=when)


@transaction.atomic
def demo_cases_build(*, firm: Firm, seed: int, now: datetime) -> dict[str, int]:
    """Open and age the cases of comments that have none yet; returns counts by what was done."""
    rng = random.Random(seed + 3)
    admin = Member.objects.filter(firm=firm, role=Role.ADMIN).order_by("pk").first()
    done = {"opened": 0, "resolved": 0, "acknowledged": 0}
    # Only what the rules can judge before the model has run (scores, talk of leaving); the
    # worker evaluates the rest after its analysis, as for any feedback.
    judged = Q(rating__isnull=False)
    for phrase in CHURN_PHRASES:
        judged |= Q(text__icontains=phrase)
    items = (
        Feedback.objects.filter(judged, firm=firm, case__isnull=True)
        .order_by("received_at", "pk")
        .values_list("pk", "received_at")
    )
    for pk, received_at in list(items):
        case = case_open_for_feedback(feedback_id=pk)
        if case is None:
            continue
        done["opened"] += 1
        opened = received_at + timedelta(minutes=rng.randint(5, 240))
        due = sla_due_at(priority=case.priority, start=opened)
        Case.objects.filter(pk=case.pk).update(opened_at=opened, due_at=due, notified_at=opened)
        _backdate(case, CaseEventKind.OPENED, opened)
        case.refresh_from_db()
        owner = case.owner or admin
        if owner is None:
            continue
        age = (now - opened).days
        if age >= 30 and rng.random() < 0.95 or 7 <= age < 30 and rng.random() < 0.5:
            acked = opened + timedelta(hours=rng.randint(1, 30))
            resolved = acked + timedelta(hours=rng.randint(4, 24 * 9))
            case_acknowledge(case=case, member=owner)
            case_resolve(
                case=case, member=owner, outcome=rng.choice(OUTCOMES), note=rng.choice(CASE_NOTES)
            )
            Case.objects.filter(pk=case.pk).update(acknowledged_at=acked, resolved_at=resolved)
            _backdate(case, CaseEventKind.ACKNOWLEDGED, acked)
            _backdate(case, CaseEventKind.RESOLVED, resolved)
            done["resolved"] += 1
        elif age >= 1 and rng.random() < 0.35:
            acked = opened + timedelta(hours=rng.randint(1, 40))
            case_acknowledge(case=case, member=owner)
            Case.objects.filter(pk=case.pk).update(acknowledged_at=acked)
            _backdate(case, CaseEventKind.ACKNOWLEDGED, acked)
            done["acknowledged"] += 1
    return done
