"""The portal session: a signed-in contact, kept apart from staff authentication.

It lives under its own key in the Django session, never touches `request.user`, and is valid
for one firm only; the contact is re-read on every request, so deleting a contact or changing
their e-mail ends the session at once.
"""

import time

from django.conf import settings
from django.http import HttpRequest

from feedback.models import Contact, Firm
from listening.portal.selectors import portal_contact_get

SESSION_KEY = "earshot_portal"


def portal_login(request: HttpRequest, *, contact: Contact) -> None:
    # A new session key on sign-in defeats session fixation.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "contact_id": contact.pk,
        "firm_id": contact.firm_id,
        "email": contact.email,
        "expires": time.time() + settings.PORTAL_SESSION_AGE.total_seconds(),
    }


def portal_logout(request: HttpRequest) -> None:
    """Ends the portal session only; a staff sign-in in the same browser is left alone."""
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def portal_contact(request: HttpRequest, *, firm: Firm) -> Contact | None:
    """The contact signed in to this firm's portal, or None."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("firm_id") != firm.pk:
        return None
    contact_id = data.get("contact_id")
    if not isinstance(contact_id, int) or float(data.get("expires") or 0) < time.time():
        return None
    return portal_contact_get(firm=firm, pk=contact_id, email=str(data.get("email", "")))
