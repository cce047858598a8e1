"""Writes for privacy: the firm's settings, a contact's export (audited) and erasure, and the
retention purge. Anonymising keeps every row and score, so counts, dashboards and rollups do not
change; only the words and the person go."""

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from feedback.analysis import analysis_current_id
from feedback.models import (
    Analysis,
    AuditEvent,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    Contact,
    Feedback,
    Firm,
    Member,
    PiiRedaction,
    Role,
    TagCorrection,
    ThemeMention,
    TopicAssignment,
    text_hash,
)
from feedback.privacy.hooks import contact_erasers
from feedback.privacy.selectors import contact_data, contact_feedback, retention_due

ERASED_TEXT = "[erased]"
RETENTION_TEXT = "[removed after the retention period]"
RETENTION_BATCH = 1000


def audit_record(
    *, firm: Firm, action: str, obj: Firm | Contact, actor: Any = None, data: dict
) -> AuditEvent:
    # Not feedback.services.audit_record: feedback.services imports this package (redaction at
    # ingest), and the folders of an app must not import each other both ways.
    return AuditEvent.objects.create(
        firm=firm,
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data,
    )


def _require_admin(member: Member, firm_id: int) -> None:
    if member.role != Role.ADMIN or member.firm_id != firm_id:
        raise PermissionDenied("Only the firm's admins may do this.")


@transaction.atomic
def firm_privacy_update(
    *, firm: Firm, member: Member, pii_redaction: str, retention_months: int | None
) -> Firm:
    _require_admin(member, firm.pk)
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    before = {"pii_redaction": firm.pii_redaction, "retention_months": firm.retention_months}
    firm.pii_redaction = pii_redaction
    firm.retention_months = retention_months
    firm.full_clean()
    if retention_months is not None and not 1 <= retention_months <= 240:
        raise ValidationError({"retention_months": "Between 1 and 240 months, or empty."})
    firm.save(update_fields=["pii_redaction", "retention_months"])
    after = {"pii_redaction": firm.pii_redaction, "retention_months": firm.retention_months}
    audit_record(
        firm=firm,
        action="firm.privacy_updated",
        obj=firm,
        actor=member.user,
        data={"before": before, "after": after},
    )
    return firm


@transaction.atomic
def contact_export(*, contact: Contact, member: Member) -> dict[str, object]:
    """The contact's data (see `contact_data`) as JSON values, and an audit entry saying who
    exported it. Admins only."""
    _require_admin(member, contact.firm_id)
    data = json.loads(json.dumps(contact_data(contact=contact), cls=DjangoJSONEncoder))
    audit_record(
        firm=contact.firm,
        action="contact.exported",
        obj=contact,
        actor=member.user,
        data={"feedback": len(data["feedback"])},
    )
    return data


def contact_export_zip(*, data: dict[str, object]) -> bytes:
    """The export as a ZIP holding one `contact.json`, the download staff hand to the person."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("contact.json", json.dumps(data, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def _feedback_anonymise(
    items: QuerySet[Feedback], *, text: str, now: datetime, member: Member | None
) -> dict[str, int]:
    """Replace the words of `items` and of everything derived from them, keep the rows and scores,
    and close their open cases with a note. Inside the caller's transaction."""
    ids = list(items.values_list("pk", flat=True))
    if not ids:
        return {"feedback": 0, "cases_closed": 0}
    digest = text_hash(text)
    Feedback.objects.filter(pk__in=ids).update(
        text=text, text_hash=digest, subject="", sender="", raw={}, anonymised_at=now
    )
    # The current analysis is the one of the current text: keep it current, without its words.
    Analysis.objects.filter(feedback_id__in=ids).update(text_hash=digest, sentences=[])
    # Every analysis now has the current text's hash: the newest of them is the current one.
    Feedback.objects.filter(pk__in=ids).update(current_analysis=analysis_current_id())
    ThemeMention.objects.filter(feedback_id__in=ids).update(evidence=[])
    TagCorrection.objects.filter(feedback_id__in=ids).update(text=text)
    TopicAssignment.objects.filter(feedback_id__in=ids).delete()
    CaseEvent.objects.filter(case__feedback_id__in=ids).exclude(body="").update(body=text)
    closed = 0
    for case in (
        Case.objects.select_for_update()
        .filter(feedback_id__in=ids)
        .exclude(status=CaseStatus.RESOLVED)
    ):
        case.status = CaseStatus.RESOLVED
        case.outcome = CaseOutcome.NO_ACTION
        case.resolved_at = now
        case.save(update_fields=["status", "outcome", "resolved_at"])
        CaseEvent.objects.create(
            case=case,
            firm_id=case.firm_id,
            actor=member.user if member is not None else None,
            kind=CaseEventKind.RESOLVED,
            body="Closed: the feedback was anonymised (erasure or retention).",
            data={"outcome": CaseOutcome.NO_ACTION, "anonymised": True},
        )
        closed += 1
    return {"feedback": len(ids), "cases_closed": closed}


@transaction.atomic
def contact_erase(*, contact: Contact, member: Member, confirm: str) -> dict[str, int]:
    """Erase a contact: their feedback's words (and analyses' sentences, evidence, case notes,
    topic assignments), their name and address, and what other apps hold (registered erasers);
    counts and scores stay. `confirm` must be the contact's e-mail address. Irreversible.
    Idempotent: an erased contact is left as it is. Audit entries are kept, with any data that
    named the contact's address emptied."""
    _require_admin(member, contact.firm_id)
    contact = Contact.objects.select_for_update().select_related("firm").get(pk=contact.pk)
    if contact.erased_at is not None:
        return {"feedback": 0, "cases_closed": 0}
    if confirm.strip().lower() != contact.email.lower():
        raise ValidationError({"confirm": "Type the contact's e-mail address to confirm."})
    now = timezone.now()
    email = contact.email
    items = contact_feedback(contact=contact)
    counts: dict[str, int] = {}
    for name, eraser in contact_erasers():
        for what, n in eraser(contact, items).items():
            counts[f"{name}.{what}"] = n
    counts.update(_feedback_anonymise(items, text=ERASED_TEXT, now=now, member=member))
    mentions = (
        AuditEvent.objects.filter(firm_id=contact.firm_id)
        .annotate(as_text=Cast("data", TextField()))
        .filter(as_text__icontains=email)
    )
    counts["audit_anonymised"] = AuditEvent.objects.filter(pk__in=mentions.values("pk")).update(
        data={"anonymised": True}
    )
    contact.name = ""
    contact.email = f"erased-{contact.pk}@erased.invalid"
    contact.opted_out = True
    contact.erased_at = now
    contact.save(update_fields=["name", "email", "opted_out", "erased_at"])
    audit_record(
        firm=contact.firm, action="contact.erased", obj=contact, actor=member.user, data=counts
    )
    return counts


def feedback_retention_purge(*, firm: Firm, now: datetime | None = None) -> int:
    """Anonymise up to RETENTION_BATCH items past the firm's retention period (legal holds
    excepted). Idempotent: anonymised items are not chosen again; a rerun carries on. Returns how
    many were anonymised; the beat task runs again until none are left."""
    now = now or timezone.now()
    with transaction.atomic():
        batch = list(
            retention_due(firm=firm, now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:RETENTION_BATCH]
        )
        if not batch:
            return 0
        counts = _feedback_anonymise(
            Feedback.objects.filter(pk__in=batch), text=RETENTION_TEXT, now=now, member=None
        )
        audit_record(firm=firm, action="feedback.retention_purged", obj=firm, data=counts)
    return counts["feedback"]


def firms_retention_purge(*, now: datetime | None = None) -> dict[int, int]:
    """One batch for every firm with a retention period."""
    done: dict[int, int] = {}
    for firm in Firm.objects.filter(retention_months__isnull=False).order_by("pk"):
        done[firm.pk] = feedback_retention_purge(firm=firm, now=now)
    return done


def redaction_enabled(firm: Firm) -> bool:
    return firm.pii_redaction != PiiRedaction.OFF
