"""What a client will see, rendered for the admin before anything is sent: the embed snippet of a
web form, the survey e-mail and the answer page (with the firm's branding, from the same
templates the real ones use)."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from feedback.models import Contact, Source
from listening.campaigns import emails
from listening.campaigns.models import SCORE_RANGE, Campaign, Invitation
from listening.campaigns.tokens import absolute

EMBED_HEIGHT = 720


def form_url(source: Source) -> str:
    """The public address of a web form (on EARSHOT_BASE_URL, as the e-mailed links are)."""
    return absolute(reverse("portal:form", kwargs={"public_key": source.public_key}))


def embed_snippet(source: Source) -> str:
    """The HTML a firm pastes into its website: an <iframe> of the form (the form key is in its
    address). The site must be listed in the form's allowed websites, or browsers refuse it."""
    title = (source.config or {}).get("title") or f"Feedback for {source.firm.name}"
    return (
        f'<iframe src="{escape(form_url(source))}" title="{escape(title)}" '
        f'width="100%" height="{EMBED_HEIGHT}" style="border:0;max-width:640px" '
        f'loading="lazy"></iframe>'
    )


def html_form_snippet(source: Source) -> str:
    """A plain HTML form posting straight to Earshot, for sites that style their own form."""
    return (
        f'<form method="post" action="{escape(form_url(source))}">\n'
        '  <label for="earshot-text">Your feedback</label>\n'
        '  <textarea id="earshot-text" name="text" required maxlength="5000"></textarea>\n'
        '  <label for="earshot-email">Your e-mail (optional)</label>\n'
        '  <input id="earshot-email" name="email" type="email">\n'
        '  <button type="submit">Send</button>\n'
        "</form>"
    )


def _sample_invitation(campaign: Campaign) -> Invitation:
    contact = Contact(firm=campaign.firm, name="Sam Sample", email="sam@client.example")
    return Invitation(
        firm=campaign.firm,
        campaign=campaign,
        contact=contact,
        kind=campaign.kind,
        touchpoint=campaign.touchpoint,
    )


def email_preview(campaign: Campaign) -> str:
    """The invitation e-mail's HTML as a sample contact would get it (links go nowhere)."""
    invitation = _sample_invitation(campaign)
    low, high = SCORE_RANGE[campaign.kind]
    context = {
        "firm": campaign.firm,
        "contact": invitation.contact,
        "question": emails.question_for(invitation),
        "survey_url": "#",
        "scores": [(n, "#") for n in range(low, high + 1)],
        "unsubscribe_url": "#",
        "colour": campaign.firm.primary_colour,
        "logo": emails.logo_address(campaign.firm),
        "reminder": False,
        "kind": campaign.kind,
    }
    return render_to_string("campaigns/email/invitation.html", context)


def email_subject(campaign: Campaign) -> str:
    return emails.question_for(_sample_invitation(campaign))[:200]


def answer_preview(request: HttpRequest, campaign: Campaign) -> str:
    """The answer page from the e-mailed link, as the client will see it."""
    invitation = _sample_invitation(campaign)
    low, high = SCORE_RANGE[campaign.kind]
    context = {
        "invitation": invitation,
        "firm": campaign.firm,
        "question": emails.question_for(invitation),
        "scores": list(range(low, high + 1)),
        "low": low,
        "high": high,
        "selected": "",
        "one_click": False,
        "comment": "",
        "answered": False,
        "errors": {},
    }
    return render_to_string("campaigns/respond.html", context, request=request)
