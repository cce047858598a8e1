"""A contact's export and erasure, end to end on the real database."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feedback.models import (
    Analysis,
    AuditEvent,
    CaseEvent,
    CaseStatus,
    Contact,
    EmotionTag,
    Feedback,
    ThemeMention,
)
from feedback.privacy.services import ERASED_TEXT, contact_erase, contact_export
from listening.campaigns.models import Invitation, Response
from listening.portal.models import MagicLink
from tests.feedback.privacy.conftest import COMPLAINT, SURVEY_COMMENT

pytestmark = pytest.mark.django_db


def test_the_export_holds_everything_about_the_contact_and_is_audited(subject, admin_member):
    # when
    data = contact_export(contact=subject.contact, member=admin_member)

    # then: machine-readable, with their feedback, its analysis, the case, the survey answer
    assert json.loads(json.dumps(data)) == data
    assert data["contact"]["email"] == "dana.doe@globex.example"
    (item,) = data["feedback"]
    assert item["text"] == COMPLAINT
    assert item["analyses"][0]["sentiment"] == "negative"
    assert item["analyses"][0]["themes"][0]["evidence"] == ["Nobody answered my calls for a week."]
    assert item["case"]["id"] == subject.case.pk
    assert [a["comment"] for a in data["survey_answers"]] == [SURVEY_COMMENT]
    assert data["survey_invitations"][0]["occasion"] == "matter-17"
    assert len(data["portal_sign_in_links"]) == 1
    # and who exported it is on record
    event = AuditEvent.objects.get(action="contact.exported")
    assert (event.actor, event.object_id) == (admin_member.user, str(subject.contact.pk))


def test_only_the_firms_admins_export(subject, analyst, outsider):
    for member in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            contact_export(contact=subject.contact, member=member)
    assert not AuditEvent.objects.filter(action="contact.exported").exists()


def test_erasure_removes_the_person_and_their_words_and_keeps_the_counts(subject, admin_member):
    # given
    counted = (Feedback.objects.count(), EmotionTag.objects.count(), ThemeMention.objects.count())

    # when
    counts = contact_erase(
        contact=subject.contact, member=admin_member, confirm="Dana.Doe@globex.example"
    )

    # then the contact is nobody any more
    contact = Contact.objects.get(pk=subject.contact.pk)
    assert (contact.name, contact.opted_out) == ("", True)
    assert contact.email == f"erased-{contact.pk}@erased.invalid" and contact.erased_at
    # their feedback has no words, subject, sender or raw payload, but keeps its scores
    item = Feedback.objects.get(pk=subject.complaint.pk)
    assert (item.text, item.subject, item.sender, item.raw) == (ERASED_TEXT, "", "", {})
    assert item.sentiment == "negative" and item.anonymised_at
    analysis = Analysis.objects.get(feedback=item)
    assert analysis.sentences == [] and analysis.text_hash == item.text_hash
    assert ThemeMention.objects.get(feedback=item).evidence == []
    # the case is closed with a note
    case = subject.case
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert CaseEvent.objects.filter(case=case, data__anonymised=True).exists()
    # listening's rows: comment gone (score kept), sign-in links gone
    response = Response.objects.get(pk=subject.response.pk)
    assert (response.comment, response.score) == ("", 2)
    assert not MagicLink.objects.filter(contact=contact).exists()
    # audit entries kept, but none names the address; the erasure itself is audited
    assert not AuditEvent.objects.filter(data__icontains="dana.doe").exists()
    assert AuditEvent.objects.filter(action="contact.created").exists()
    erased = AuditEvent.objects.get(action="contact.erased")
    assert erased.data == counts and counts["feedback"] == 1 and counts["cases_closed"] == 1
    # nothing of what Earshot counts has changed
    assert counted == (
        Feedback.objects.count(),
        EmotionTag.objects.count(),
        ThemeMention.objects.count(),
    )
    # and the text is nowhere in the database's feedback any more
    assert not Feedback.objects.filter(text__icontains="07911").exists()


def test_erasure_needs_the_typed_address_and_changes_nothing_without_it(subject, admin_member):
    with pytest.raises(ValidationError):
        contact_erase(contact=subject.contact, member=admin_member, confirm="dana")
    assert Contact.objects.get(pk=subject.contact.pk).erased_at is None
    assert Feedback.objects.get(pk=subject.complaint.pk).text == COMPLAINT
    assert not AuditEvent.objects.filter(action="contact.erased").exists()


def test_erasing_twice_changes_nothing_the_second_time(subject, admin_member):
    contact_erase(contact=subject.contact, member=admin_member, confirm=subject.contact.email)
    erased = Contact.objects.get(pk=subject.contact.pk)
    again = contact_erase(contact=erased, member=admin_member, confirm=erased.email)
    assert again == {"feedback": 0, "cases_closed": 0}
    assert AuditEvent.objects.filter(action="contact.erased").count() == 1


def test_erasure_is_refused_to_non_admins_and_other_firms(subject, analyst, outsider):
    for member in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            contact_erase(contact=subject.contact, member=member, confirm=subject.contact.email)
    assert Contact.objects.get(pk=subject.contact.pk).erased_at is None
    assert Invitation.objects.filter(contact=subject.contact).count() == 1
