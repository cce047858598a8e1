"""Building survey emails: HTML + text alternatives, the firm's name, logo and colour, and one-click
opt-out headers (RFC 2369 List-Unsubscribe, RFC 8058 List-Unsubscribe-Post)."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from feedback.models import Firm
from listening.campaigns import governance, tokens
from listening.campaigns.models import SCORE_RANGE, Invitation, SurveyKind

DEFAULT_QUESTIONS: dict[str, str] = {
    SurveyKind.NPS: "How likely are you to recommend {firm} to a friend or colleague?",
    SurveyKind.CSAT: "How satisfied were you with {firm}{at}?",
    SurveyKind.CES: "How easy was it to get what you needed from {firm}{at}?",
    SurveyKind.REVIEW: "How would you rate {firm}?",
}


def question_for(invitation: Invitation) -> str:
    if invitation.campaign.question:
        return invitation.campaign.question
    touchpoint = invitation.touchpoint
    at = f" ({touchpoint.name.lower()})" if touchpoint is not None else ""
    return DEFAULT_QUESTIONS[invitation.kind].format(firm=invitation.firm.name, at=at)


def logo_address(firm: Firm) -> str:
    """The firm's logo as an absolute address a mail client can fetch: an uploaded logo is served
    by Earshot (on EARSHOT_BASE_URL, as the e-mailed links are), a logo address is already
    absolute (a URLField: http or https only). Blank when the firm has no logo."""
    src = firm.logo_src
    if src.startswith("/"):
        return settings.EARSHOT_BASE_URL.rstrip("/") + src
    return src


def invitation_message(invitation: Invitation, *, reminder: bool = False) -> EmailMultiAlternatives:
    """The email for an invitation (or its one reminder). Links are signed at build time, so a
    reminder carries a freshly valid link."""
    policy = governance.policy_defaults(invitation.firm_id)
    survey = tokens.survey_url(invitation)
    low, high = SCORE_RANGE[invitation.kind]
    unsubscribe = tokens.optout_url(invitation.contact)
    context = {
        "firm": invitation.firm,
        "contact": invitation.contact,
        "question": question_for(invitation),
        "survey_url": survey,
        "scores": [(n, f"{survey}?score={n}") for n in range(low, high + 1)],
        "unsubscribe_url": unsubscribe,
        # The firm's own colour (Firm.primary_colour), the one every client page uses.
        "colour": invitation.firm.primary_colour,
        "logo": logo_address(invitation.firm),
        "reminder": reminder,
        "kind": invitation.kind,
    }
    subject = ("Reminder: " if reminder else "") + question_for(invitation)
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=render_to_string("campaigns/email/invitation.txt", context),
        from_email=formataddr(
            (invitation.firm.name, parseaddr(policy.from_email or settings.DEFAULT_FROM_EMAIL)[1])
        ),
        to=[invitation.contact.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Earshot-Invitation": str(invitation.pk),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("campaigns/email/invitation.html", context), "text/html"
    )
    return message
