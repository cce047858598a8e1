"""A firm admin sets up listening without Django admin, in Debian's Chromium: a web form embedded
on the firm's own site (another loopback origin) and an NPS wave launched through the real Celery
worker, e-mailed through a real SMTP server on loopback and answered from the e-mailed link."""

import re
from collections.abc import Iterator
from email.message import Message

import pytest
from django.core.cache import cache
from django.test import override_settings

from feedback.models import Channel, Feedback, Role, Source
from listening.campaigns.models import Campaign, Invitation, Response, SurveyKind
from listening.campaigns.services.sending import invitations_send_due
from tests.browser import ARTIFACTS, chromium_page
from tests.conftest import wait_for
from tests.factories import ClientFactory, ContactFactory, FirmFactory, MemberFactory
from tests.listening.campaigns.conftest import SmtpServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_firm(settings, live_server):
    """A firm with only an admin and a few contacts; e-mailed links point at the live server."""
    settings.EARSHOT_BASE_URL = live_server.url
    firm = FirmFactory(name="Brook & Partners", slug="brook", primary_colour="#7a1f3d")
    admin = MemberFactory(firm=firm, role=Role.ADMIN, user__username="bea-admin")
    globex = ClientFactory(firm=firm, name="Globex Corp")
    initech = ClientFactory(firm=firm, name="Initech")
    ContactFactory(client=globex, name="Gina Globex", email="gina@globex.example")
    ContactFactory(client=initech, name="Ivan Initech", email="ivan@initech.example")
    ContactFactory(client=initech, name="Olga Optout", email="olga@initech.example", opted_out=True)
    return firm, admin


def _sign_in(page, live_server, member) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", member.user.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")


def _survey_link(message: Message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://\S+/survey/r/[^/\s]+/(?=\s)", body)
    assert found, body
    return found.group(0)


def _create_web_form(page, live_server, firm, site: str) -> tuple[Source, str]:
    """The admin creates a web form for the firm's site and copies its embed snippet."""
    page.goto(f"{live_server.url}/settings/listening/sources/")
    page.click("text=New web form")
    page.fill("input[name=name]", "Website form")
    page.fill("textarea[name=allowed_origins]", site)
    page.click("button:has-text('Save web form')")
    page.wait_for_selector("text=Put it on your website")
    page.screenshot(path=str(ARTIFACTS / "settings-web-form.png"), full_page=True)
    page.click("button:has-text('Copy snippet')")
    page.wait_for_selector("#copy-status:has-text('Copied.')")
    snippet = page.evaluate("navigator.clipboard.readText()")
    return Source.objects.get(firm=firm, channel=Channel.FORM), snippet


def _build_nps_and_check_the_preview(page, live_server) -> None:
    page.goto(f"{live_server.url}/settings/listening/surveys/")
    page.click("text=New survey")
    page.fill("input[name=name]", "Spring relationship NPS")
    page.select_option("select[name=kind]", "nps")
    page.fill("input[name=follow_up]", "What one thing should we do better?")
    page.select_option("select[name=audience]", "all")
    page.click("button:has-text('Save and preview')")
    page.wait_for_selector("h1:has-text('Preview')")
    # the previews carry the firm's branding and wording
    email = page.frame_locator("iframe[title='Preview of the survey e-mail']")
    email.locator("text=How likely are you to recommend Brook & Partners").wait_for()
    answer = page.frame_locator("iframe[title='Preview of the answer page']")
    answer.locator("text=What one thing should we do better?").wait_for()
    # the governance summary says who will be skipped, and why
    summary = page.inner_text("#governance-summary")
    assert "of 3 contacts in the audience, 2 will be invited, 1 skipped" in summary
    assert "1: Contact opted out" in summary
    page.screenshot(path=str(ARTIFACTS / "settings-campaign-preview.png"), full_page=True)


def _firm_site_submissions(page, live_server, httpserver, site, source, snippet) -> None:
    """A page of the firm's site framing the snippet, and one with the plain HTML form snippet
    (a cross-origin post), each take a comment."""
    httpserver.expect_request("/contact").respond_with_data(
        f"<!doctype html><title>Brook</title><h1>Talk to us</h1>{snippet}",
        content_type="text/html",
    )
    page.goto(f"{site}/contact")
    frame = page.frame_locator("iframe")
    frame.locator("textarea[name=text]").fill("The new client portal is a joy.")
    frame.locator("button[type=submit]").click()
    frame.locator("h1:has-text('Thank you')").wait_for()
    page.goto(f"{live_server.url}/settings/listening/sources/web-form/{source.pk}")
    html_snippet = page.input_value("#html-snippet")
    httpserver.expect_request("/feedback").respond_with_data(
        f"<!doctype html><title>Brook</title>{html_snippet}", content_type="text/html"
    )
    page.goto(f"{site}/feedback")
    page.fill("textarea[name=text]", "Please call me about the fee estimate.")
    page.click("button:has-text('Send')")
    page.wait_for_selector("h1:has-text('Thank you')")


def _beat_sends_due_invitations(smtp: SmtpServer) -> int:
    """beat's `email.send_due_invitations` tick, run here against the loopback SMTP server."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        return invitations_send_due().sent


def _answer(browser, link: str) -> None:
    contact_page = browser.new_page()
    contact_page.goto(link)
    contact_page.check("input[name=score][value='9']")
    assert "What one thing should we do better?" in contact_page.inner_text("form")
    contact_page.fill("textarea[name=comment]", "Answers within the hour, every time.")
    contact_page.click("button:has-text('Send')")
    contact_page.wait_for_selector("h1:has-text('Thank you')")


def test_admin_sets_up_a_web_form_and_an_nps_wave_without_django_admin(
    live_server, httpserver, celery_worker_process, smtp, new_firm
):
    firm, admin = new_firm
    site = httpserver.url_for("/").rstrip("/")
    with chromium_page(width=1280, height=900) as page:
        page.context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=live_server.url
        )
        _sign_in(page, live_server, admin)

        # when the admin creates a web form for the firm's site and copies the snippet
        source, snippet = _create_web_form(page, live_server, firm, site)

        # then the snippet frames that form
        assert source.public_key in snippet and snippet.startswith("<iframe")

        # when the admin builds an NPS survey, previews it, sees the rules, and launches it
        _build_nps_and_check_the_preview(page, live_server)
        page.click("button:has-text('Launch')")
        page.wait_for_selector("h1:has-text('Results of')")

        # then the real worker schedules the invitations under governance
        campaign = Campaign.objects.get(firm=firm, kind=SurveyKind.NPS)
        wait_for(lambda: Invitation.objects.filter(campaign=campaign).count() == 2, timeout=180)
        assert campaign.skips.get().contact.email == "olga@initech.example"

        # when visitors of the firm's site send comments through both snippets
        _firm_site_submissions(page, live_server, httpserver, site, source, snippet)

        # then both are stored, the direct post with the firm site's origin
        texts = set(Feedback.objects.filter(source=source).values_list("text", flat=True))
        assert texts == {
            "The new client portal is a joy.",
            "Please call me about the fee estimate.",
        }
        posted = Feedback.objects.get(source=source, text__startswith="Please call me")
        assert posted.raw["meta"]["origin"] == site.lower()

        # when the sender e-mails the invitations and Gina answers from the e-mailed link
        assert _beat_sends_due_invitations(smtp) == 2
        to_gina = next(m for m in smtp.messages if "gina@globex.example" in m["X-Rcpt-To"])
        assert "Brook & Partners" in to_gina["From"]
        _answer(page.context.browser, _survey_link(to_gina))

        # then her answer is stored and the results page shows it
        response = Response.objects.get(invitation__campaign=campaign)
        assert (response.score, response.comment) == (9, "Answers within the hour, every time.")
        page.goto(f"{live_server.url}/settings/listening/surveys/{campaign.pk}/results")
        assert page.inner_text("#kpi-sent") == "2"
        assert page.inner_text("#kpi-answered") == "1"
        assert page.inner_text("#kpi-score") == "100.0"
        assert "n = 1" in page.inner_text("#kpi-score-n")
        comment = page.locator("#comments a", has_text="Answers within the hour, every time.")
        assert comment.get_attribute("href") == f"/feedback/{response.feedback_id}/"
        assert "Contact opted out" in page.inner_text("#skips")
        page.screenshot(path=str(ARTIFACTS / "settings-campaign-results.png"), full_page=True)
