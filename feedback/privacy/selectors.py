"""Reads for privacy: what Earshot holds about one contact, the names it knows, what retention
would anonymise now. Every read is scoped to one firm."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback.analysis import evidence_texts
from feedback.models import (
    Analysis,
    AuditEvent,
    Case,
    Contact,
    Feedback,
    Firm,
    Member,
    PiiRedaction,
    Role,
    TagCorrection,
    ThemeMention,
)
from feedback.privacy.hooks import contact_exporters
from feedback.privacy.redaction import pii_redact

EXPORT_FORMAT = "earshot.contact-export/1"


def contact_get(*, firm_id: int, pk: int) -> Contact | None:
    return Contact.objects.select_related("client").filter(firm_id=firm_id, pk=pk).first()


def contact_list(*, firm_id: int, q: str = "", limit: int = 50) -> QuerySet[Contact]:
    contacts = Contact.objects.select_related("client").filter(firm_id=firm_id)
    if q:
        contacts = contacts.filter(
            Q(name__icontains=q) | Q(email__icontains=q) | Q(client__name__icontains=q)
        )
    return contacts.order_by("client__name", "email")[:limit]


def contact_feedback(*, contact: Contact) -> QuerySet[Feedback]:
    """The contact's feedback: attributed to them, or sent from their address and not yet
    attributed (triage)."""
    return Feedback.objects.filter(firm_id=contact.firm_id).filter(
        Q(contact=contact) | Q(contact__isnull=True, sender__iexact=contact.email)
    )


def firm_known_names(*, firm: Firm) -> list[str]:
    """The names of the firm's contacts and members, redacted exactly wherever redaction is on."""
    contacts = Contact.objects.filter(firm=firm, erased_at__isnull=True).exclude(name="")
    users = get_user_model().objects.filter(member__firm=firm)
    names = set(contacts.values_list("name", flat=True))
    for first, last in users.values_list("first_name", "last_name"):
        names.update(n for n in (f"{first} {last}".strip(), last) if n)
    return sorted(names)


def text_for_viewer(*, text: str, firm: Firm, member: Member | None) -> str:
    """What a member of staff sees of client text: under "redact in display", everyone but the
    firm's admins (and API keys, member=None) sees it masked."""
    if firm.pii_redaction != PiiRedaction.DISPLAY:
        return text
    if member is not None and member.role == Role.ADMIN:
        return text
    return pii_redact(text, names=firm_known_names(firm=firm))


def _months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)  # every month has a 28th: never an invalid date
    return moment.replace(year=year, month=month + 1, day=day)


def retention_cutoff(*, firm: Firm, now: datetime | None = None) -> datetime | None:
    if not firm.retention_months:
        return None
    return _months_before(now or timezone.now(), firm.retention_months)


def retention_due(*, firm: Firm, now: datetime | None = None) -> QuerySet[Feedback]:
    """Feedback past the firm's retention period and not yet anonymised; clients under legal hold
    are left out. Empty when the firm keeps feedback (no period set). The dry run counts this."""
    cutoff = retention_cutoff(firm=firm, now=now)
    if cutoff is None:
        return Feedback.objects.none()
    return (
        Feedback.objects.filter(firm=firm, received_at__lt=cutoff, anonymised_at__isnull=True)
        .exclude(client__legal_hold=True)
        .order_by("received_at", "pk")
    )


def _analyses(feedback: Feedback) -> list[dict[str, object]]:
    rows = Analysis.objects.filter(feedback=feedback).order_by("created_at", "pk")
    themes = ThemeMention.objects.filter(feedback=feedback).select_related("brand_promise")
    by_analysis: dict[int, list[dict[str, object]]] = {}
    for theme in themes:
        by_analysis.setdefault(theme.analysis_id, []).append(
            {
                "brand_promise": theme.brand_promise.name,
                "sentiment": theme.sentiment,
                "score": theme.score,
                "evidence": evidence_texts(theme.evidence),
            }
        )
    return [
        {
            "model_version": a.model_version,
            "sentiment": a.sentiment,
            "sentiment_value": a.sentiment_value,
            "emotions": a.emotions,
            "intent_to_leave": a.intent_to_leave,
            "sentences": a.sentences,
            "themes": by_analysis.get(a.pk, []),
            "analysed_at": a.created_at,
        }
        for a in rows
    ]


def _case(feedback: Feedback) -> dict[str, object] | None:
    case = Case.objects.filter(feedback=feedback).first()
    if case is None:
        return None
    events = case.events.order_by("created_at", "pk")
    return {
        "id": case.pk,
        "status": case.status,
        "priority": case.priority,
        "outcome": case.outcome,
        "opened_at": case.opened_at,
        "resolved_at": case.resolved_at,
        "events": [{"kind": e.kind, "body": e.body, "at": e.created_at} for e in events],
    }


def contact_data(*, contact: Contact) -> dict[str, object]:
    """Everything Earshot holds about one contact, as JSON values (the data-subject access
    export). Other apps' rows come from their registered exporters."""
    items = []
    for item in contact_feedback(contact=contact).order_by("received_at", "pk"):
        corrections = TagCorrection.objects.filter(feedback=item)
        items.append(
            {
                "id": item.pk,
                "channel": item.channel,
                "received_at": item.received_at,
                "sender": item.sender,
                "subject": item.subject,
                "text": item.text,
                "rating": item.rating,
                "rating_scale": item.rating_scale,
                "language": item.language,
                "sentiment": item.sentiment,
                "anonymised_at": item.anonymised_at,
                "analyses": _analyses(item),
                "case": _case(item),
                "tag_corrections": [
                    {"kind": c.kind, "key": c.key, "value": c.value} for c in corrections
                ],
            }
        )
    audit = AuditEvent.objects.filter(
        firm_id=contact.firm_id, object_type="feedback.contact", object_id=str(contact.pk)
    ).order_by("created_at", "pk")
    data: dict[str, object] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "controller": contact.firm.name,
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "client": contact.client.name,
            "opted_out": contact.opted_out,
            "created_at": contact.created_at,
            "erased_at": contact.erased_at,
        },
        "feedback": items,
        "audit": [{"action": e.action, "at": e.created_at} for e in audit],
    }
    for exporter in contact_exporters():
        data.update(exporter(contact))
    return data
