"""The embeddable public feedback form."""

import json
import uuid

import pytest
from django.urls import reverse

from feedback.models import Channel, Feedback, Source
from tests.factories import EngagementFactory, SourceFactory, TouchpointFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def form_url(source: Source) -> str:
    return reverse("portal:form", kwargs={"public_key": source.public_key})


def test_form_renders_embeddable_with_a_honeypot_and_frame_ancestors(client, form_source):
    # given a firm's web form
    # when its page is fetched
    response = client.get(form_url(form_source), {"touchpoint": "billing"})
    # then it renders with the honeypot, a fresh submission id, and may be framed by the firm
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tell Acme" in body
    assert 'name="website"' in body
    assert 'name="submission_id"' in body
    assert "X-Frame-Options" not in response.headers
    assert response.headers["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://www.acme.example"
    )


def test_form_is_404_for_unknown_disabled_or_non_form_keys(client, form_source, api_source):
    # given a disabled form, an API source's key, and a key that does not exist
    disabled = SourceFactory(firm=form_source.firm, channel=Channel.FORM, status="disabled")
    # when / then each is a plain 404
    for key in (disabled.public_key, api_source.public_key, uuid.uuid4().hex):
        assert client.get(f"/listen/form/{key}").status_code == 404
        assert client.post(f"/listen/form/{key}", {"text": "hi"}).status_code == 404


def test_post_saves_feedback_linked_to_a_known_contact_and_redirects_to_thanks(
    client, form_source, contact
):
    # given a touchpoint and an engagement of the contact's client
    touchpoint = TouchpointFactory(firm=form_source.firm, slug="billing")
    engagement = EngagementFactory(client=contact.client, reference="M-100")
    # when the contact posts the form (as a browser does, without JSON)
    response = client.post(
        form_url(form_source),
        {
            "text": "The invoice was clear and on time.",
            "email": "Carla@Globex.example",
            "name": "Carla",
            "rating": "9",
            "touchpoint": "billing",
            "engagement": "M-100",
            "website": "",
        },
    )
    # then they land on the thank-you page, and the feedback is saved and linked
    assert response.status_code == 303
    assert response["Location"] == reverse(
        "portal:form_thanks", kwargs={"public_key": form_source.public_key}
    )
    feedback = Feedback.objects.get()
    assert feedback.channel == Channel.FORM
    assert (feedback.contact, feedback.client) == (contact, contact.client)
    assert (feedback.touchpoint, feedback.engagement) == (touchpoint, engagement)
    assert (feedback.rating, feedback.rating_scale) == (9, 10)
    assert feedback.raw["form"]["name"] == "Carla"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert b"Thank you" in thanks.content


def test_json_post_answers_201_with_the_id(client, form_source):
    # when a script posts with Accept: application/json (the benchmark does exactly this)
    response = client.post(form_url(form_source), {"text": "Great advice."}, **JSON)
    # then it gets the id of the saved item
    assert response.status_code == 201
    assert response.json() == {"id": Feedback.objects.get().pk, "status": "received"}


@pytest.mark.parametrize("sender", ["carla@globex.example", "stranger@elsewhere.example"])
def test_submission_costs_a_fixed_handful_of_queries(
    client, form_source, contact, sender, django_assert_num_queries
):
    # given a known and an unknown sender (the contact lookup runs for both)
    # when either posts the form
    # then: form source, savepoint (the submission is one transaction), contact lookup,
    # savepoint, insert, release, release, and for the unknown sender its triage item; the
    # sender is looked up once
    with django_assert_num_queries(7 if sender == contact.email else 8):
        response = client.post(form_url(form_source), {"text": "Quick", "email": sender}, **JSON)
    assert response.status_code == 201
    assert (Feedback.objects.get().contact == contact) is (sender == contact.email)


def test_json_body_is_accepted(client, form_source):
    response = client.post(
        form_url(form_source),
        json.dumps({"text": "Sent with fetch()", "rating": 7}),
        content_type="application/json",
        **JSON,
    )
    assert response.status_code == 201
    assert Feedback.objects.get().rating == 7


def test_unknown_sender_is_saved_for_triage(client, form_source, foreign_contact):
    # given an address that is a contact only at *another* firm
    # when it posts to this firm's form
    response = client.post(
        form_url(form_source), {"text": "Hello", "email": foreign_contact.email}, **JSON
    )
    # then the item is saved, unlinked (triage), and never tied to the other firm's contact
    assert response.status_code == 201
    feedback = Feedback.objects.get()
    assert feedback.firm == form_source.firm
    assert feedback.contact is None and feedback.client is None
    assert feedback.sender == foreign_contact.email
    assert feedback.triage.sender == foreign_contact.email


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": "ok", "rating": "11"}, "rating"),
        ({"text": "ok", "rating": "-1"}, "rating"),
        ({"text": "ok", "rating": "ten"}, "rating"),
        ({"text": "ok", "email": "not-an-email"}, "email"),
        ({"text": "ok", "touchpoint": "no-such-stage"}, "touchpoint"),
        ({"text": "ok", "submission_id": "nope"}, "submission_id"),
    ],
)
def test_bad_input_is_a_clear_400(client, form_source, data, field):
    # when / then: JSON callers get the field's error...
    response = client.post(form_url(form_source), data, **JSON)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    # ...and browsers get the form again with the message
    page = client.post(form_url(form_source), data)
    assert page.status_code == 400
    assert b"Please check the form" in page.content
    assert not Feedback.objects.exists()


def test_other_firms_touchpoint_is_refused(client, form_source, other_firm):
    TouchpointFactory(firm=other_firm, slug="onboarding")
    response = client.post(
        form_url(form_source), {"text": "ok", "touchpoint": "onboarding"}, **JSON
    )
    assert response.status_code == 400
    assert "touchpoint" in response.json()["errors"]


def test_unknown_engagement_reference_is_kept_not_refused(client, form_source, other_firm):
    # given a reference that only exists at another firm
    EngagementFactory(client__firm=other_firm, reference="X-1")
    # when it is posted
    response = client.post(form_url(form_source), {"text": "ok", "engagement": "X-1"}, **JSON)
    # then the item is saved without an engagement, the reference kept for triage
    assert response.status_code == 201
    feedback = Feedback.objects.get()
    assert feedback.engagement is None
    assert feedback.raw["form"]["engagement_reference"] == "X-1"


def test_malformed_json_and_oversized_bodies_are_refused(client, form_source, settings):
    settings.PORTAL_FORM_MAX_BODY_BYTES = 1000
    bad = client.post(form_url(form_source), "{not json", content_type="application/json", **JSON)
    assert bad.status_code == 400
    big = client.post(form_url(form_source), {"text": "x" * 2000}, **JSON)
    assert big.status_code == 413
    assert not Feedback.objects.exists()


def test_text_over_the_limit_is_400(client, form_source, settings):
    settings.PORTAL_FORM_MAX_TEXT_CHARS = 50
    response = client.post(form_url(form_source), {"text": "y" * 51}, **JSON)
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_honeypot_looks_like_success_but_saves_nothing(client, form_source):
    # when a bot fills the hidden field
    response = client.post(
        form_url(form_source), {"text": "Buy cheap stuff", "website": "http://spam"}, **JSON
    )
    # then it is told "received" and nothing is saved
    assert response.status_code == 201
    assert response.json()["status"] == "received"
    assert not Feedback.objects.exists()


def test_same_submission_id_saves_once(client, form_source):
    # given a double-clicked submit (same hidden submission id)
    data = {"text": "Twice?", "submission_id": str(uuid.uuid4())}
    first = client.post(form_url(form_source), data, **JSON)
    second = client.post(form_url(form_source), data, **JSON)
    # then one item exists and both answers name it
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Feedback.objects.count() == 1


def test_user_content_is_escaped_when_the_form_is_shown_again(client, form_source):
    # when a post with markup in its fields fails validation and the form is re-rendered
    response = client.post(
        form_url(form_source), {"text": "<script>alert(1)</script>", "email": "<b>x</b>"}
    )
    # then nothing the visitor typed comes back as markup
    body = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in body
    assert "<b>x</b>" not in body
