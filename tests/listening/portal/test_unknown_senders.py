"""A web-form comment from an address that is nobody's: listed for triage with what the sender
typed, its case unowned until someone attributes it, then owned like any client's case."""

import pytest
from django.urls import reverse

from feedback.models import Case, Feedback
from feedback.review.services import case_open_for_feedback
from listening.models import TriageItem
from tests.feedback.conftest import analyse, browser_for

pytestmark = pytest.mark.django_db

UNKNOWN = {
    "text": "Nobody answered my calls for a week about the lease.",
    "name": "Una Known",
    "email": "Una@newco.example",
    "engagement": "M-2041",
}


def form_url(source) -> str:
    return reverse("portal:form", kwargs={"public_key": source.public_key})


@pytest.fixture
def unknown_feedback(client, form_source) -> Feedback:
    response = client.post(form_url(form_source), UNKNOWN)
    assert response.status_code == 303
    return Feedback.objects.get()


def test_unknown_sender_lands_in_triage_with_the_name_and_matter_typed(
    unknown_feedback, admin_member, client_of
):
    # then
    item = TriageItem.objects.get()
    assert (item.feedback, item.sender, item.sender_name, item.reference) == (
        unknown_feedback,
        "una@newco.example",
        "Una Known",
        "M-2041",
    )
    # and the triage page shows them, the name ready to become the contact's
    page = browser_for(admin_member).get(reverse("listening:triage")).content.decode()
    assert "Una Known" in page and "Matter: M-2041" in page
    assert 'value="Una Known"' in page


def test_a_comment_without_an_address_is_kept_but_not_listed(client, form_source):
    # when
    client.post(form_url(form_source), {"text": "Lovely staff.", "name": "Anon"})
    # then
    assert Feedback.objects.count() == 1
    assert not TriageItem.objects.exists()


def test_resubmitting_the_same_form_lists_it_once(client, form_source):
    data = {**UNKNOWN, "submission_id": "6f0c0d0e-4d7e-4c36-9b0f-4f6f1d2a9b11"}
    client.post(form_url(form_source), data)
    client.post(form_url(form_source), data)
    assert TriageItem.objects.count() == 1


def test_case_of_an_unknown_sender_has_no_owner_until_triaged(
    unknown_feedback, admin_member, client_of, account_manager
):
    # given a flagged comment from the unknown sender
    analyse(unknown_feedback, negative=0.95)
    case = case_open_for_feedback(feedback_id=unknown_feedback.pk)
    assert case is not None

    # then nobody owns it, and the case page does not pretend the admin does
    assert case.owner is None and case.client is None
    panel = browser_for(admin_member).get(reverse("review:case", args=[case.pk])).content
    assert b'<option value="" selected disabled>Unassigned' in panel

    # when the admin attributes the sender to a client
    item = TriageItem.objects.get()
    assigned = browser_for(admin_member).post(
        reverse("listening:triage_assign", args=[item.pk]), {"client": client_of.pk, "name": ""}
    )

    # then the sender is a contact with the typed name, and the case has the client's owner
    assert assigned.status_code == 302
    unknown_feedback.refresh_from_db()
    assert unknown_feedback.contact.name == "Una Known"
    assert unknown_feedback.client == client_of
    case = Case.objects.get(pk=case.pk)
    assert (case.client, case.owner) == (client_of, account_manager)
