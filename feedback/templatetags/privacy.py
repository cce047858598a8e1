"""`{{ text|pii:request }}`: client text as the signed-in member may see it (masked under the
firm's "redact in display" setting for everyone but admins; see feedback.privacy.selectors)."""

from django import template
from django.http import HttpRequest

from feedback.models import Member, PiiRedaction, Role
from feedback.privacy.redaction import pii_redact
from feedback.privacy.selectors import firm_known_names

register = template.Library()


@register.filter
def pii(text: object, request: HttpRequest | None) -> object:
    if not isinstance(text, str) or not text or request is None:
        return text
    member: Member | None = getattr(request.user, "member", None)
    if member is None or member.role == Role.ADMIN:
        return text
    firm = member.firm
    if firm.pii_redaction != PiiRedaction.DISPLAY:
        return text
    # Once per request, not once per item of a list page.
    names = getattr(request, "_earshot_known_names", None)
    if names is None:
        names = firm_known_names(firm=firm)
        request._earshot_known_names = names  # type: ignore[attr-defined]
    return pii_redact(text, names=names)
