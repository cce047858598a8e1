"""The whole first day of a firm, in Debian's Chromium, never opening Django admin: an operator
creates the firm and its first admin (`manage.py firm_create`); the admin sets a password from
the link, signs in and, on the settings pages only, creates a brand promise and a touchpoint,
invites an account manager (a real SMTP server on loopback), imports clients and contacts from
a CSV file, sets the survey policy and the firm's colour, puts a web form on the firm's site
(another loopback origin) that takes a comment, and launches an NPS wave through the real Celery
worker; a contact answers from the e-mailed link and the admin reads the answer and the comment.
"""

import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from feedback.models import Channel, Client, Contact, Feedback, Firm, Member, Role
from listening.campaigns.models import Campaign, Invitation, Response, SurveyKind, SurveyPolicy
from listening.models import TriageItem
from tests.browser import ARTIFACTS, chromium_page
from tests.conftest import wait_for
from tests.feedback.workspace.test_browser import (
    _password_set_and_signed_in,
    _promise_created,
    _touchpoint_added,
    smtp,  # noqa: F401 - the loopback SMTP server, with Django's e-mail settings pointing at it
)
from tests.listening.setup.test_setup_browser import (
    _answer,
    _beat_sends_due_invitations,
    _create_web_form,
    _survey_link,
)

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ADMIN = "bea@brook.example"
MANAGER = "amy@brook.example"
CSV = (
    "client,segment,account_manager_email,contact_name,contact_email\n"
    f"Globex Corp,Manufacturing,{MANAGER},Gina Globex,gina@globex.example\n"
    "Initech,Technology,,Ivan Initech,ivan@initech.example\n"
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _operator_creates_the_firm(settings, live_server) -> str:
    """`manage.py firm_create`, as an operator runs it; returns the printed set-password link."""
    settings.EARSHOT_BASE_URL = live_server.url
    out = StringIO()
    call_command(
        "firm_create",
        "--name=Brook & Partners",
        "--slug=brook",
        f"--admin-email={ADMIN}",
        stdout=out,
    )
    return re.search(r"http://\S+/accounts/reset/\S+", out.getvalue()).group(0)


def _manager_invited(page, url: str, mailbox) -> None:
    page.goto(f"{url}/settings/members/")
    page.click("text=Invite a member")
    page.fill("#id_email", MANAGER)
    page.fill("#id_name", "Amy Manager")
    page.select_option("#id_role", Role.ACCOUNT_MANAGER)
    page.click("button:has-text('Save')")
    page.wait_for_selector(f"tr[data-member='{MANAGER}']")
    member = Member.objects.get(user__email=MANAGER)
    assert member.role == Role.ACCOUNT_MANAGER and not member.user.has_usable_password()
    (message,) = mailbox.messages
    assert message["To"] == MANAGER
    assert re.search(r"http://\S+/accounts/reset/\S+", message.get_content())


def _csv_imported(page, url: str, firm: Firm, path) -> None:
    path.write_text(CSV, encoding="utf-8")
    page.goto(f"{url}/settings/import/")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('Preview')")
    page.wait_for_selector("#preview")
    assert page.locator("#preview tr.row-ok").count() == 2
    assert not Client.objects.filter(firm=firm).exists()  # a preview stores nothing
    page.click("#confirm")
    page.wait_for_selector("tr[data-client='Initech']")
    globex = Client.objects.get(firm=firm, name="Globex Corp")
    assert list(globex.account_managers.values_list("user__email", flat=True)) == [MANAGER]
    emails = set(Contact.objects.filter(firm=firm).values_list("email", flat=True))
    assert emails == {"gina@globex.example", "ivan@initech.example"}


def _policy_and_colour_set(page, url: str, firm: Firm) -> None:
    page.goto(f"{url}/settings/listening/surveys/policy")
    page.select_option("select[name=nps_max_per_year]", "1")
    page.fill("input[name=nps_min_gap_days]", "180")
    assert page.locator("input[name=primary_colour]").count() == 0  # the branding page's
    page.click("button:has-text('Save policy')")
    page.wait_for_selector("text=Survey policy saved.")
    policy = SurveyPolicy.objects.get(firm=firm)
    assert (policy.nps_max_per_year, policy.nps_min_gap_days) == (1, 180)
    page.click("#brand-colour-note a")
    page.fill("#id_primary_colour", "#7a1f3d")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Saved the branding of your client pages.")
    firm.refresh_from_db()
    assert firm.primary_colour == "#7a1f3d"


def _site_comment_sent(page, httpserver, site: str, snippet: str) -> None:
    """A page of the firm's own site frames the snippet; an unknown visitor sends a comment."""
    httpserver.expect_request("/contact").respond_with_data(
        f"<!doctype html><title>Brook</title><h1>Talk to us</h1>{snippet}",
        content_type="text/html",
    )
    page.goto(f"{site}/contact")
    frame = page.frame_locator("iframe")
    # the form carries the firm's colour, set on the policy page
    assert "--brand: #7a1f3d" in frame.locator("body").get_attribute("style")
    frame.locator("textarea[name=text]").fill("Nobody called me back about the fee estimate.")
    frame.locator("input[name=name]").fill("Vic Visitor")
    frame.locator("input[name=email]").fill("vic@visitor.example")
    frame.locator("input[name=engagement]").fill("2026-017")
    frame.locator("button[type=submit]").click()
    frame.locator("h1:has-text('Thank you')").wait_for()


def _nps_built_previewed_and_launched(page, url: str) -> None:
    page.goto(f"{url}/settings/listening/surveys/")
    page.click("text=New survey")
    page.fill("input[name=name]", "First relationship NPS")
    page.select_option("select[name=kind]", "nps")
    page.fill("input[name=follow_up]", "What one thing should we do better?")
    page.select_option("select[name=audience]", "all")
    page.click("button:has-text('Save and preview')")
    page.wait_for_selector("h1:has-text('Preview')")
    email = page.frame_locator("iframe[title='Preview of the survey e-mail']")
    email.locator("text=How likely are you to recommend Brook & Partners").wait_for()
    assert page.inner_text("#n-recipients") == "2"
    assert page.inner_text("#n-invited") == "2"
    assert page.inner_text("#n-skipped") == "0"
    page.screenshot(path=str(ARTIFACTS / "firm-setup-campaign-preview.png"), full_page=True)
    page.click("button:has-text('Launch')")
    page.wait_for_selector("h1:has-text('Results of')")


def test_a_firm_admin_goes_from_an_empty_database_to_a_running_nps_wave_and_a_live_web_form(
    settings,
    live_server,
    httpserver,
    celery_worker_process,
    smtp,  # noqa: F811 - the imported fixture
    tmp_path,
):
    url, site = live_server.url, httpserver.url_for("/").rstrip("/")
    # given only a firm and its first admin, created by the operator's command
    link = _operator_creates_the_firm(settings, live_server)
    firm = Firm.objects.get(slug="brook")
    assert Member.objects.filter(firm=firm).count() == 1 and not Client.objects.exists()

    with chromium_page(width=1280, height=900) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        # when the admin sets a password from the link and signs in with their e-mail address
        _password_set_and_signed_in(page, link, ADMIN)
        assert "/accounts/login/" not in page.url
        page.goto(f"{url}/settings/")
        # and sets the firm up on the settings pages (each step checks what was stored)
        _promise_created(page, url, firm)
        _touchpoint_added(page, url, firm)
        _manager_invited(page, url, smtp)
        _csv_imported(page, url, firm, tmp_path / "clients.csv")
        _policy_and_colour_set(page, url, firm)

        # when they create a web form for the firm's site and a visitor there sends a comment
        source, snippet = _create_web_form(page, live_server, firm, site)
        assert source.public_key in snippet and snippet.startswith("<iframe")
        _site_comment_sent(page, httpserver, site, snippet)
        # then it is stored, from an unknown sender waiting in triage with what they typed
        comment = Feedback.objects.get(source=source)
        assert comment.text == "Nobody called me back about the fee estimate."
        triage = TriageItem.objects.get(feedback=comment)
        assert (triage.sender_name, triage.reference) == ("Vic Visitor", "2026-017")

        # when they build an NPS wave for all contacts, preview it and launch it
        _nps_built_previewed_and_launched(page, url)
        # then the real worker schedules both invitations, and the sender e-mails them
        campaign = Campaign.objects.get(firm=firm, kind=SurveyKind.NPS)
        wait_for(lambda: Invitation.objects.filter(campaign=campaign).count() == 2, timeout=180)
        assert _beat_sends_due_invitations(smtp) == 2
        to_gina = next(m for m in smtp.messages if "gina@globex.example" in m["X-Rcpt-To"])
        assert "Brook & Partners" in to_gina["From"]

        # when Gina opens the e-mailed link and answers
        _answer(page.context.browser, _survey_link(to_gina))
        response = Response.objects.get(invitation__campaign=campaign)
        assert (response.score, response.comment) == (9, "Answers within the hour, every time.")

        # then the admin sees her answer on the results page
        page.goto(f"{url}/settings/listening/surveys/{campaign.pk}/results")
        assert page.inner_text("#kpi-sent") == "2"
        assert page.inner_text("#kpi-answered") == "1"
        answer = page.locator("#comments a", has_text="Answers within the hour, every time.")
        assert answer.get_attribute("href") == f"/feedback/{response.feedback_id}/"
        page.screenshot(path=str(ARTIFACTS / "firm-setup-results.png"), full_page=True)
        # and the web form's comment in the triage list and on its own page
        page.goto(f"{url}/listening/triage")
        row = page.inner_text("tr.triage-item")
        assert "Vic Visitor" in row and "Matter: 2026-017" in row
        page.goto(f"{url}/feedback/{comment.pk}/")
        assert "Nobody called me back about the fee estimate." in page.inner_text("main")
        assert comment.channel == Channel.FORM
