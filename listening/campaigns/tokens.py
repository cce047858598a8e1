"""Signed links. Survey links expire (TimestampSigner, per-campaign validity); opt-out links
never do, so that an old email can always be used to stop further email."""

import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

from feedback.models import Contact
from listening.campaigns.models import Invitation

_SURVEY_SALT = "campaigns.invitation"
_OPTOUT_SALT = "campaigns.optout"


class TokenInvalid(Exception):
    """The token was forged, truncated or points at nothing."""


class TokenExpired(Exception):
    """A genuine token whose validity window has passed."""


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=_SURVEY_SALT).sign(invitation.token_id.hex)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a survey token names. Raises TokenInvalid or TokenExpired."""
    signer = signing.TimestampSigner(salt=_SURVEY_SALT)
    try:
        token_id = uuid.UUID(hex=signer.unsign(token))
    except (signing.BadSignature, ValueError) as exc:
        raise TokenInvalid from exc
    invitation = (
        Invitation.objects.select_related("campaign", "firm", "contact", "client")
        .filter(token_id=token_id)
        .first()
    )
    if invitation is None:
        raise TokenInvalid
    try:
        signer.unsign(token, max_age=invitation.campaign.link_valid_days * 86400)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    return invitation


def optout_token(contact: Contact) -> str:
    return signing.Signer(salt=_OPTOUT_SALT).sign(str(contact.pk))


def contact_from_optout_token(token: str) -> Contact:
    try:
        pk = int(signing.Signer(salt=_OPTOUT_SALT).unsign(token))
    except (signing.BadSignature, ValueError) as exc:
        raise TokenInvalid from exc
    contact = Contact.objects.select_related("firm").filter(pk=pk).first()
    if contact is None:
        raise TokenInvalid
    return contact


def absolute(path: str) -> str:
    return settings.EARSHOT_BASE_URL.rstrip("/") + path


def survey_url(invitation: Invitation) -> str:
    return absolute(reverse("campaigns:respond", args=[invitation_token(invitation)]))


def optout_url(contact: Contact) -> str:
    return absolute(reverse("campaigns:optout", args=[optout_token(contact)]))
