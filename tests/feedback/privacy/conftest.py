"""A contact with something of everything Earshot holds about a person: feedback with analysis
and a case, a survey answer, a portal sign-in link, an audit entry naming their address."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from feedback.models import Case, Contact, Feedback
from feedback.services import audit_record
from feedback.tasks import on_analysed
from listening.campaigns.models import Invitation, Response
from listening.portal.models import MagicLink
from tests.factories import ContactFactory, FeedbackFactory
from tests.feedback.conftest import analyse

COMPLAINT = (
    "Nobody answered my calls for a week. Ring me on 07911 123456 or write to "
    "dana.doe@globex.example, my flat is at SW1A 2AA."
)
SURVEY_COMMENT = "Dana here: the bill of £4,200.00 was a surprise."


@dataclass
class Subject:
    contact: Contact
    complaint: Feedback
    case: Case
    response: Response
    invitation: Invitation


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def subject(client_of, api_source, promise, campaign, admin_member) -> Subject:
    contact = ContactFactory(client=client_of, name="Dana Doe", email="dana.doe@globex.example")
    complaint = FeedbackFactory(
        source=api_source,
        client=client_of,
        contact=contact,
        subject="Calls from Dana Doe",
        text=COMPLAINT,
        raw={"from": contact.email},
    )
    analyse(
        complaint,
        negative=0.95,
        emotions={"anger": 0.8},
        themes=[(promise, "negative", 0.7, ["Nobody answered my calls for a week."])],
    )
    (case_id,) = on_analysed([complaint.pk])
    invitation = Invitation.objects.create(
        firm=client_of.firm,
        campaign=campaign,
        client=client_of,
        contact=contact,
        kind=campaign.kind,
        occasion="matter-17",
        scheduled_for=timezone.now(),
        status=Invitation.Status.SENT,
    )
    response = Response.objects.create(
        invitation=invitation,
        firm=client_of.firm,
        kind=campaign.kind,
        score=2,
        comment=SURVEY_COMMENT,
        submitted_at=timezone.now(),
    )
    MagicLink.objects.create(firm=client_of.firm, contact=contact, email=contact.email)
    audit_record(
        firm=client_of.firm,
        action="contact.created",
        obj=contact,
        actor=admin_member.user,
        data={"email": contact.email},
    )
    return Subject(contact, complaint, Case.objects.get(pk=case_id), response, invitation)


# A real SMTP server on loopback (aiosmtpd), shared with the campaign tests.
from tests.listening.campaigns.conftest import smtp_server  # noqa: E402, F401
