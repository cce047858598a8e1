"""What listening holds about a contact, for feedback.privacy's export and erasure (registered in
ListeningConfig.ready(): feedback must not import listening)."""

from django.db.models import QuerySet

from feedback.models import Contact, Feedback
from listening.campaigns.models import Invitation, Response
from listening.models import TriageItem
from listening.portal.models import MagicLink


def contact_listening_export(contact: Contact) -> dict[str, object]:
    invitations = Invitation.objects.filter(contact=contact).select_related("campaign")
    responses = Response.objects.filter(invitation__contact=contact).order_by("submitted_at")
    links = MagicLink.objects.filter(contact=contact).order_by("created_at")
    return {
        "survey_invitations": [
            {
                "campaign": i.campaign.name,
                "kind": i.kind,
                "occasion": i.occasion,
                "status": i.status,
                "scheduled_for": i.scheduled_for,
                "sent_at": i.sent_at,
                "responded_at": i.responded_at,
            }
            for i in invitations.order_by("scheduled_for", "pk")
        ],
        "survey_answers": [
            {
                "kind": r.kind,
                "score": r.score,
                "comment": r.comment,
                "submitted_at": r.submitted_at,
                "feedback_id": r.feedback_id,
            }
            for r in responses
        ],
        "portal_sign_in_links": [
            {"email": m.email, "created_at": m.created_at, "used_at": m.used_at} for m in links
        ],
    }


def contact_listening_erase(contact: Contact, items: QuerySet[Feedback]) -> dict[str, int]:
    """Survey comments emptied (scores kept), unsent invitations cancelled, sign-in links
    deleted, triage rows of the contact's feedback stripped of what the sender typed."""
    comments = (
        Response.objects.filter(invitation__contact=contact).exclude(comment="").update(comment="")
    )
    cancelled = Invitation.objects.filter(
        contact=contact, status=Invitation.Status.SCHEDULED
    ).update(status=Invitation.Status.CANCELLED)
    links, _ = MagicLink.objects.filter(contact=contact).delete()
    triage = TriageItem.objects.filter(feedback__in=items).update(
        sender="", sender_name="", reference=""
    )
    return {
        "survey_comments": comments,
        "invitations_cancelled": cancelled,
        "sign_in_links": links,
        "triage": triage,
    }
