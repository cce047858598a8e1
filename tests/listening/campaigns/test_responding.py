"""Answering through signed links: happy path, bad input, forged/expired/replayed tokens,
double submission, and one-click opt-out."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from feedback.models import AuditEvent, Channel, Feedback
from listening.campaigns import tokens
from listening.campaigns.models import Invitation, Response, SkippedInvitation
from listening.campaigns.services.invitations import invitation_schedule

pytestmark = pytest.mark.django_db


def _url(invitation) -> str:
    return reverse("campaigns:respond", args=[tokens.invitation_token(invitation)])


def test_survey_page_shows_the_question_with_the_firm_name(client, invitation):
    page = client.get(_url(invitation) + "?score=9")
    assert page.status_code == 200
    assert b"Acme Legal LLP" in page.content
    assert b"main reason" in page.content
    assert page["Cache-Control"] == "no-store"


def test_one_click_link_records_nothing_on_get_and_asks_the_browser_to_send_it(client, invitation):
    # when a link scanner (no JavaScript) fetches every score link of the e-mail
    pages = [client.get(_url(invitation) + f"?score={n}") for n in range(0, 11)]

    # then nothing is recorded, and each page carries the clicked score for the browser to send
    assert not Response.objects.exists()
    assert all(page.status_code == 200 for page in pages)
    assert all(b"data-one-click" in page.content for page in pages)
    assert b'value="2" checked' in pages[2].content
    assert pages[2]["Referrer-Policy"] == "same-origin"


def test_one_click_post_comes_back_to_the_page_and_the_same_score_is_not_resent(client, invitation):
    # when the browser sends the one-click score
    sent = client.post(_url(invitation), {"score": "2", "then": "comment"})

    # then it is recorded and the client is sent back (without ?score) to add a reason
    assert sent.status_code == 303
    assert sent["Location"] == _url(invitation)
    assert Response.objects.get(invitation=invitation).score == 2
    # and opening the same e-mailed link again does not submit it again
    again = client.get(_url(invitation) + "?score=2")
    assert b"data-one-click" not in again.content
    assert b"we have your answer" in again.content
    # while a different score from the e-mail does
    assert b"data-one-click" in client.get(_url(invitation) + "?score=7").content


@pytest.mark.parametrize("score", ["11", "-1", "x", ""])
def test_one_click_link_with_a_bad_score_preselects_nothing(client, invitation, score):
    page = client.get(_url(invitation) + f"?score={score}")
    assert page.status_code == 200
    assert b"data-one-click" not in page.content
    assert b"checked" not in page.content


def test_answer_creates_a_response_and_survey_feedback(client, invitation, contact):
    # when the contact answers 3 with a reason
    page = client.post(_url(invitation), {"score": "3", "comment": "Invoices were late again."})

    # then the response and its Feedback exist, linked to the invitation
    assert page.status_code == 200
    response = Response.objects.get(invitation=invitation)
    assert (response.score, response.comment) == (3, "Invoices were late again.")
    feedback = Feedback.objects.get()
    assert feedback == response.feedback
    assert feedback.channel == Channel.SURVEY
    assert feedback.external_id == f"invitation:{invitation.pk}"
    assert (feedback.rating, feedback.rating_scale) == (3, 10)
    assert feedback.contact == contact and feedback.client == contact.client
    assert feedback.raw["survey_kind"] == "nps"
    invitation.refresh_from_db()
    assert invitation.responded_at is not None


def test_second_submission_updates_the_same_response_and_feedback(client, invitation):
    # given a first answer
    client.post(_url(invitation), {"score": "6", "comment": "OK."})

    # when the same link is used again (a replay or a change of mind)
    page = client.post(_url(invitation), {"score": "9", "comment": "Actually, very good."})

    # then the same rows are updated, never duplicated
    assert page.status_code == 200
    response = Response.objects.get()
    assert (response.score, response.submissions) == (9, 2)
    feedback = Feedback.objects.get()
    assert (feedback.text, feedback.rating) == ("Actually, very good.", 9)
    assert feedback.analysis_status == "pending"


def test_score_only_answer_still_becomes_feedback(client, invitation):
    client.post(_url(invitation), {"score": "10"})
    assert Feedback.objects.get().text == "Net Promoter Score: 10/10 (no comment)"


@pytest.mark.parametrize("score", ["", "11", "-1", "ten", "4.5"])
def test_bad_score_is_refused_with_the_form_again(client, invitation, score):
    page = client.post(_url(invitation), {"score": score, "comment": "x"})
    assert page.status_code == 400
    assert b"Choose a score from 0 to 10" in page.content
    assert not Response.objects.exists() and not Feedback.objects.exists()


def test_csat_scale_is_one_to_five(client, csat_campaign, contact):
    invitation = invitation_schedule(
        campaign=csat_campaign, contact=contact, occasion="e"
    ).invitation
    assert client.post(_url(invitation), {"score": "0"}).status_code == 400
    assert client.post(_url(invitation), {"score": "5"}).status_code == 200
    assert Feedback.objects.get().rating_scale == 5


def test_forged_token_gets_a_clear_page(client, invitation):
    forged = tokens.invitation_token(invitation)[:-3] + "abc"
    page = client.get(reverse("campaigns:respond", args=[forged]))
    assert page.status_code == 400
    assert b"This link is not valid" in page.content


def test_token_signed_with_another_salt_is_refused(client, invitation):
    other = signing.TimestampSigner(salt="something-else").sign(invitation.token_id.hex)
    page = client.post(reverse("campaigns:respond", args=[other]), {"score": "9"})
    assert page.status_code == 400 and not Response.objects.exists()


def test_expired_token_gets_a_clear_page(client, invitation):
    # given a link signed 31 days ago for a campaign whose links last 30 days
    signer = signing.TimestampSigner(salt="campaigns.invitation")
    signer.timestamp = lambda: signing.b62_encode(
        int((timezone.now() - timedelta(days=31)).timestamp())
    )
    expired = signer.sign(invitation.token_id.hex)

    # when it is used
    page = client.post(reverse("campaigns:respond", args=[expired]), {"score": "9"})

    # then a clear page, and nothing recorded
    assert page.status_code == 410
    assert b"expired" in page.content
    assert not Response.objects.exists()


def test_withdrawn_invitation_cannot_be_answered(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.CANCELLED)
    page = client.post(_url(invitation), {"score": "9"})
    assert page.status_code == 410 and not Response.objects.exists()


def test_opt_out_page_changes_nothing_on_get(client, contact):
    url = reverse("campaigns:optout", args=[tokens.optout_token(contact)])
    page = client.get(url)
    contact.refresh_from_db()
    assert page.status_code == 200 and not contact.opted_out


def test_one_click_opt_out_post_cancels_pending_invitations(client, invitation, contact):
    # given a scheduled invitation (not yet sent)
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.SCHEDULED)

    # when the mail client posts the RFC 8058 one-click body (no CSRF token)
    url = reverse("campaigns:optout", args=[tokens.optout_token(contact)])
    page = client.post(url, {"List-Unsubscribe": "One-Click"})

    # then the contact is out, the invitation cancelled and the skip recorded
    assert page.status_code == 200
    contact.refresh_from_db()
    invitation.refresh_from_db()
    assert contact.opted_out
    assert invitation.status == Invitation.Status.CANCELLED
    assert SkippedInvitation.objects.get().reason == "opted_out"
    assert AuditEvent.objects.filter(action="contact.opted_out").count() == 1

    # and doing it again is harmless
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert AuditEvent.objects.filter(action="contact.opted_out").count() == 1


def test_forged_opt_out_token_is_refused(client, contact):
    page = client.post(reverse("campaigns:optout", args=[f"{contact.pk}:forged"]))
    contact.refresh_from_db()
    assert page.status_code == 400 and not contact.opted_out
