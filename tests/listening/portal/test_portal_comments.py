"""Signed-in contacts comment and see their own history, and nobody else's."""

import uuid

import pytest
from django.urls import reverse

from feedback.models import Channel, Feedback
from listening.portal.selectors import portal_history
from tests.factories import (
    ClientFactory,
    ContactFactory,
    EngagementFactory,
    FeedbackFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db


def home_url(firm) -> str:
    return reverse("portal:home", kwargs={"firm_slug": firm.slug})


def comment_url(firm) -> str:
    return reverse("portal:comment_create", kwargs={"firm_slug": firm.slug})


def test_anonymous_visitors_are_sent_to_sign_in_and_cannot_post(client, firm):
    response = client.get(home_url(firm))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign_in", kwargs={"firm_slug": firm.slug})
    assert client.post(comment_url(firm), {"text": "hello"}).status_code == 403
    assert not Feedback.objects.exists()


def test_a_contact_signed_in_at_another_firm_is_anonymous_here(
    client, firm, foreign_contact, sign_in
):
    # given the other firm's contact, signed in to the other firm's portal
    sign_in(client, foreign_contact)
    # when they open this firm's portal or post to it
    # then they are treated as signed out here
    assert client.get(home_url(firm)).status_code == 302
    assert client.post(comment_url(firm), {"text": "hi"}).status_code == 403
    assert client.get(home_url(foreign_contact.firm)).status_code == 200
    assert not Feedback.objects.exists()


def test_contact_comments_about_an_engagement_and_touchpoint(client, firm, contact, sign_in):
    # given a signed-in contact with an engagement, and one of the firm's touchpoints
    engagement = EngagementFactory(client=contact.client, name="Acquisition of Hooli")
    touchpoint = TouchpointFactory(firm=firm, name="Billing", slug="billing")
    sign_in(client, contact)
    # when they send a comment
    response = client.post(
        comment_url(firm),
        {
            "text": "The due diligence was thorough.",
            "engagement": engagement.pk,
            "touchpoint": touchpoint.pk,
            "submission_id": str(uuid.uuid4()),
        },
    )
    # then it is saved as portal feedback of their client, and shown on their page
    assert response.status_code == 303
    feedback = Feedback.objects.get()
    assert feedback.channel == Channel.PORTAL
    assert (feedback.contact, feedback.client) == (contact, contact.client)
    assert (feedback.engagement, feedback.touchpoint) == (engagement, touchpoint)
    assert feedback.source.channel == Channel.PORTAL
    page = client.get(home_url(firm)).content.decode()
    assert "The due diligence was thorough." in page
    assert "Your comment has reached the team" in page


def test_other_clients_engagement_and_other_firms_touchpoint_are_refused(
    client, firm, other_firm, contact, sign_in
):
    sign_in(client, contact)
    foreign_engagement = EngagementFactory(client=ClientFactory(firm=firm, name="Other client"))
    foreign_touchpoint = TouchpointFactory(firm=other_firm)
    for data in (
        {"text": "hi", "engagement": foreign_engagement.pk},
        {"text": "hi", "touchpoint": foreign_touchpoint.pk},
        {"text": "hi", "engagement": "not-a-number"},
    ):
        assert client.post(comment_url(firm), data).status_code == 400
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "<script></script>"])
def test_empty_comment_is_400(client, firm, contact, sign_in, text):
    sign_in(client, contact)
    response = client.post(comment_url(firm), {"text": text})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_too_long_comment_is_400(client, firm, contact, sign_in, settings):
    settings.PORTAL_FORM_MAX_TEXT_CHARS = 20
    sign_in(client, contact)
    assert client.post(comment_url(firm), {"text": "z" * 21}).status_code == 400


def test_double_submit_saves_one_comment(client, firm, contact, sign_in):
    sign_in(client, contact)
    data = {"text": "Once only", "submission_id": str(uuid.uuid4())}
    client.post(comment_url(firm), data)
    client.post(comment_url(firm), data)
    assert Feedback.objects.count() == 1


def test_opted_out_contact_may_comment(client, firm, contact, sign_in):
    contact.opted_out = True
    contact.save()
    sign_in(client, contact)
    assert client.post(comment_url(firm), {"text": "Still here"}).status_code == 303
    assert Feedback.objects.get().contact == contact


def test_comments_are_rate_limited_per_contact(client, firm, contact, sign_in, settings):
    settings.PORTAL_COMMENT_RATE_PER_CONTACT = "2/h"
    sign_in(client, contact)
    codes = [client.post(comment_url(firm), {"text": f"c{i}"}).status_code for i in range(3)]
    assert codes == [303, 303, 429]


def test_history_shows_only_the_contacts_own_items_newest_first(
    client, firm, contact, colleague, foreign_contact, sign_in
):
    # given items from the contact (via two channels), a colleague at the same client,
    # an unknown sender, and the other firm's contact with the same address
    older = FeedbackFactory(
        source__firm=firm, contact=contact, client=contact.client, text="Mine, by email"
    )
    FeedbackFactory(source__firm=firm, contact=colleague, client=colleague.client, text="Colin's")
    FeedbackFactory(source__firm=firm, text="Anonymous triage item")
    FeedbackFactory(
        source__firm=foreign_contact.firm, contact=foreign_contact, text="Other firm's Carla"
    )
    sign_in(client, contact)
    client.post(comment_url(firm), {"text": "Mine, by portal"})
    # when the contact opens their page
    page = client.get(home_url(firm)).content.decode()
    # then they see their own two items, newest first, and nothing else
    assert page.index("Mine, by portal") < page.index("Mine, by email")
    for other in ("Colin&#x27;s", "Colin's", "Anonymous triage item", "Other firm&#x27;s Carla"):
        assert other not in page
    assert [f.text for f in portal_history(contact=contact)] == ["Mine, by portal", older.text]


def test_user_content_is_escaped_in_history(client, firm, contact, sign_in):
    # given items whose stored text and subject contain markup (e.g. from another channel)
    FeedbackFactory(
        source__firm=firm,
        contact=contact,
        text="<script>alert('x')</script> & <b>bold</b>",
        subject="<img src=x onerror=alert(1)>",
    )
    sign_in(client, contact)
    # and a portal comment with a script in it
    client.post(comment_url(firm), {"text": "Fine <script>alert(2)</script> work"})
    # when the page is rendered
    page = client.get(home_url(firm)).content.decode()
    # then no user markup is live
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Fine" in page


def test_history_query_count_is_flat(client, firm, contact, sign_in, django_assert_max_num_queries):
    # given many items with engagements and touchpoints
    for i in range(20):
        FeedbackFactory(
            source__firm=firm,
            contact=contact,
            engagement=EngagementFactory(client=contact.client),
            touchpoint=TouchpointFactory(firm=firm),
            text=f"item {i}",
        )
    sign_in(client, contact)
    # then rendering the page does not query per item
    with django_assert_max_num_queries(12):
        assert client.get(home_url(firm)).status_code == 200


def test_a_deleted_contact_is_signed_out(client, firm, contact, sign_in):
    sign_in(client, contact)
    ContactFactory(client=contact.client)  # unrelated contact stays
    contact.delete()
    assert client.get(home_url(firm)).status_code == 302


def test_history_shows_the_firms_replies_to_the_contacts_items(
    client, firm, contact, account_manager, sign_in
):
    # given a flagged item of the contact's with a reply and an internal note
    from feedback.models import Case, CaseEvent, CaseEventKind

    item = FeedbackFactory(
        source__firm=firm, contact=contact, client=contact.client, text="Slow answers"
    )
    case = Case.objects.create(
        firm=firm,
        feedback=item,
        client=contact.client,
        owner=account_manager,
        due_at=item.received_at,
    )
    CaseEvent.objects.create(
        case=case,
        firm=firm,
        actor=account_manager.user,
        kind=CaseEventKind.REPLY,
        body="Sorry <b>Carla</b>, fixed now.",
    )
    CaseEvent.objects.create(
        case=case,
        firm=firm,
        actor=account_manager.user,
        kind=CaseEventKind.NOTE,
        body="internal: client is upset",
    )
    sign_in(client, contact)

    # when
    page = client.get(home_url(firm)).content.decode()

    # then the reply is shown, escaped; internal notes are not
    assert "Sorry &lt;b&gt;Carla&lt;/b&gt;, fixed now." in page
    assert "internal: client is upset" not in page
