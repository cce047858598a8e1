"""Every public page a client (or a client's browser) touches, driven in Debian's Chromium.

The Django test client sends no Origin header and keeps no referrer policy, so it cannot see what
broke sign-in and survey answers in a real browser (a `no-referrer` page makes Chromium post
with `Origin: null`, which Django's CSRF check refuses). These tests submit each page as a person
does and check the stored row."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from feedback.models import Channel, Contact, Feedback
from listening.campaigns.models import Campaign, Invitation, Response, SurveyKind
from listening.campaigns.services.invitations import invitation_schedule
from listening.campaigns.services.sending import invitation_send
from listening.portal.models import MagicLink
from listening.portal.services import magic_link_send, magic_link_url
from tests.browser import ARTIFACTS, chromium_page, no_horizontal_overflow
from tests.factories import ClientFactory, ContactFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache, which outlives a test's database.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page():
    with chromium_page(width=1280, height=900) as page:
        yield page


@pytest.fixture
def contact(firm) -> Contact:
    client = ClientFactory(firm=firm, name="Globex Corp")
    return ContactFactory(client=client, name="Carla Client", email="carla@globex.example")


@pytest.fixture
def invitation(firm, contact) -> Invitation:
    """An NPS invitation e-mailed to `contact` through the real sending service."""
    campaign = Campaign.objects.create(firm=firm, name="Relationship NPS", kind=SurveyKind.NPS)
    invitation = invitation_schedule(campaign=campaign, contact=contact, occasion="w").invitation
    assert invitation is not None
    invitation_send(invitation_id=invitation.pk, now=timezone.now())
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    return invitation


def local(live_server, url: str) -> str:
    """An e-mailed link (built on EARSHOT_BASE_URL) pointed at the live test server."""
    parts = urlsplit(url)
    return f"{live_server.url}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def emailed_link(pattern: str) -> str:
    message = mail.outbox[-1]
    bodies = [message.body] + [body for body, _ in getattr(message, "alternatives", [])]
    for body in bodies:
        found = re.search(pattern, body)
        if found:
            return found.group(0).replace("&amp;", "&")
    raise AssertionError(f"no link matching {pattern!r} in {message.subject!r}")


def portal_sign_in(page, live_server, contact) -> None:
    """Request a link on the page, open the e-mailed link, confirm: signed in."""
    page.goto(f"{live_server.url}/listen/portal/{contact.firm.slug}/")
    page.fill("input[name=email]", contact.email)
    page.click("button:has-text('Send me a sign-in link')")
    page.wait_for_selector("h1:has-text('Check your e-mail')")
    # The page enqueued the e-mail task after commit; run its service here to read the mail
    # from this process's outbox (the worker path is tested in tests/listening/portal/
    # test_tasks.py). A real worker started by an earlier test of the session may have sent it
    # first, into its own outbox: then the link is the one that e-mail carried.
    link = MagicLink.objects.get(contact=contact, used_at__isnull=True)
    if magic_link_send(magic_link_id=link.pk):
        url = emailed_link(r"https?://\S+/listen/portal/\S+/link/\S+")
    else:
        url = magic_link_url(link=link)
    page.goto(local(live_server, url))
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("text=Signed in as")


def test_contact_signs_in_to_the_portal_from_the_emailed_link(page, live_server, contact):
    # when
    portal_sign_in(page, live_server, contact)
    page.screenshot(path=str(ARTIFACTS / "client-portal-home.png"), full_page=True)

    # then the link was consumed and the portal greets the contact
    link = MagicLink.objects.get(contact=contact)
    assert link.used_at is not None
    assert contact.name in page.inner_text("main")


def test_contact_sends_a_comment_from_the_portal(page, live_server, contact):
    # given
    portal_sign_in(page, live_server, contact)

    # when
    page.fill("textarea[name=text]", "The completion statement arrived a day late.")
    page.click("form[action$='/comments'] button[type=submit]")
    page.wait_for_selector("text=Your comment has reached the team")

    # then
    feedback = Feedback.objects.get(channel=Channel.PORTAL)
    assert feedback.text == "The completion statement arrived a day late."
    assert (feedback.contact, feedback.client) == (contact, contact.client)
    assert "The completion statement arrived a day late." in page.inner_text("main")


def test_client_answers_the_survey_from_the_emailed_link(page, live_server, invitation):
    # given the survey link from the e-mail
    survey = emailed_link(r"https?://\S+/survey/r/[^/\s]+/(?=\s)")

    # when the client picks 9, says why and sends
    page.goto(local(live_server, survey))
    page.check("input[name=score][value='9']")
    page.fill("textarea[name=comment]", "Quick and clear advice.")
    page.click("button:has-text('Send')")
    page.wait_for_selector("h1:has-text('Thank you')")

    # then the e-mail came from the firm, and the answer and its Feedback are stored
    assert mail.outbox[-1].from_email == "Acme Legal LLP <earshot@localhost>"
    response = Response.objects.get(invitation=invitation)
    assert (response.score, response.comment) == (9, "Quick and clear advice.")
    assert response.feedback.text == "Quick and clear advice."
    assert response.feedback.contact_id == invitation.contact_id


def test_one_click_score_in_the_email_is_recorded_and_a_reason_can_follow(
    page, live_server, invitation
):
    # given the "2" button of the e-mail
    one_click = emailed_link(r"https?://\S+/survey/r/[^/\s\"]+/\?score=2(?=[\"\s])")

    # when the client clicks it
    page.goto(local(live_server, one_click))
    page.wait_for_selector("text=we have your answer")

    # then the score is recorded at once
    response = Response.objects.get(invitation=invitation)
    assert response.score == 2
    assert page.is_checked("input[name=score][value='2']")

    # and a reason sent afterwards updates the same answer
    page.fill("textarea[name=comment]", "Nobody returned my calls.")
    page.click("button:has-text('Send')")
    page.wait_for_selector("h1:has-text('Thank you')")
    response.refresh_from_db()
    assert (response.score, response.comment, response.submissions) == (
        2,
        "Nobody returned my calls.",
        2,
    )


def test_client_unsubscribes_from_the_emailed_link(page, live_server, invitation):
    # given
    unsubscribe = emailed_link(r"https?://\S+/survey/unsubscribe/[^/\s]+/")

    # when
    page.goto(local(live_server, unsubscribe))
    page.click("button:has-text('Stop survey emails')")
    page.wait_for_selector("text=will not send you survey emails")

    # then
    assert Contact.objects.get(pk=invitation.contact_id).opted_out is True


@pytest.fixture
def firm_site(httpserver, firm):
    """The firm's own website on a second loopback server (another origin): one page frames the
    form, another posts to it directly."""
    site = httpserver.url_for("/").rstrip("/")
    source = SourceFactory(
        firm=firm, channel=Channel.FORM, name="Website form", config={"allowed_origins": [site]}
    )
    return source, site


def test_form_embedded_in_the_firms_site_is_stored(page, live_server, httpserver, firm_site):
    # given the firm's page framing the form
    source, site = firm_site
    form_url = f"{live_server.url}/listen/form/{source.public_key}"
    httpserver.expect_request("/contact").respond_with_data(
        f"<!doctype html><title>Acme</title><h1>Contact us</h1>"
        f'<iframe src="{form_url}" width="600" height="700"></iframe>',
        content_type="text/html",
    )

    # when a visitor fills it in on the firm's site
    page.goto(f"{site}/contact")
    frame = page.frame_locator("iframe")
    frame.locator("textarea[name=text]").fill("Your receptionist was lovely.")
    frame.locator("input[name=name]").fill("Una Known")
    frame.locator("button[type=submit]").click()
    frame.locator("h1:has-text('Thank you')").wait_for()

    # then
    feedback = Feedback.objects.get(source=source)
    assert feedback.text == "Your receptionist was lovely."
    assert feedback.raw["form"]["name"] == "Una Known"


def test_form_posted_from_another_origin_is_stored(page, live_server, httpserver, firm_site):
    # given the firm's own HTML form that posts straight to Earshot
    source, site = firm_site
    form_url = f"{live_server.url}/listen/form/{source.public_key}"
    httpserver.expect_request("/feedback").respond_with_data(
        f'<!doctype html><title>Acme</title><form method="post" action="{form_url}">'
        '<textarea name="text"></textarea><input name="email">'
        '<button type="submit">Send</button></form>',
        content_type="text/html",
    )

    # when
    page.goto(f"{site}/feedback")
    page.fill("textarea[name=text]", "Please call me about the invoice.")
    page.fill("input[name=email]", "carla@globex.example")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Thank you')")

    # then it is stored, with the firm site's origin recorded
    feedback = Feedback.objects.get(source=source)
    assert feedback.text == "Please call me about the invoice."
    assert feedback.raw["meta"]["origin"] == site.lower()


def test_client_pages_fit_a_390px_phone_and_load_without_404s(live_server, contact, invitation):
    # given every client page, on a phone-sized viewport
    source = SourceFactory(firm=contact.firm, channel=Channel.FORM, name="Website form")
    survey = local(live_server, emailed_link(r"https?://\S+/survey/r/[^/\s]+/(?=\s)"))
    unsubscribe = local(live_server, emailed_link(r"https?://\S+/survey/unsubscribe/[^/\s]+/"))
    pages = {
        "sign-in": f"{live_server.url}/listen/portal/{contact.firm.slug}/",
        "survey": survey,
        "unsubscribe": unsubscribe,
        "form": f"{live_server.url}/listen/form/{source.public_key}",
        "form-thanks": f"{live_server.url}/listen/form/{source.public_key}/thanks",
    }
    with chromium_page(width=390, height=844) as page:
        missing: list[str] = []
        page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
        for name, url in pages.items():
            # when
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"client-390-{name}.png"), full_page=True)
            # then
            assert no_horizontal_overflow(page), f"{name} overflows at 390 px"
        portal_sign_in(page, live_server, contact)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / "client-390-portal-home.png"), full_page=True)
        assert no_horizontal_overflow(page), "portal home overflows at 390 px"
    assert missing == []
