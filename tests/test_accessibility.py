"""Every main page, staff and client, checked by axe-core in Debian's Chromium at a desktop
(1280 px) and a phone (390 px) width: no serious or critical WCAG 2.2 AA violation (contrast,
labels, keyboard), nothing to scroll sideways on the phone, and a full-page screenshot of each
under test-artifacts/screenshots/ for CI to keep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from feedback.models import Channel, Contact
from feedback.tasks import on_analysed
from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.campaigns.services.invitations import invitation_schedule
from listening.campaigns.services.sending import invitation_send
from listening.models import CsvImport, TriageItem
from tests.browser import SCREENSHOTS, axe_serious_violations, chromium_page, page_width
from tests.factories import BrandPromiseFactory, ContactFactory, FeedbackFactory, SourceFactory
from tests.feedback.conftest import analyse
from tests.listening.test_client_browser import emailed_link, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(firm, client_of, api_source, admin_member, account_manager):
    """A firm with what every staff page shows: an analysed complaint with a case, an item the
    model is unsure of, an unknown sender waiting in triage and a finished CSV import."""
    promise = BrandPromiseFactory(firm=firm, name="Responsiveness")
    complaint = FeedbackFactory(
        source=api_source,
        client=client_of,
        contact=ContactFactory(client=client_of, email="pat@globex.example", name="Pat"),
        subject="Our matter",
        text="Nobody answered my calls for a week. We are looking elsewhere for next year.",
        received_at=timezone.now() - timedelta(hours=1),
    )
    analyse(
        complaint,
        negative=0.95,
        emotions={"anger": 0.8},
        themes=[(promise, "negative", 0.7, ["Nobody answered my calls for a week."])],
    )
    (case_id,) = on_analysed([complaint.pk])
    unsure = FeedbackFactory(source=api_source, client=client_of, text="It was fine, I suppose.")
    analyse(unsure, sentiment="neutral", negative=0.45)
    stranger = FeedbackFactory(
        source=SourceFactory(firm=firm, channel=Channel.FORM, name="Website form"),
        text="Who do I call about my invoice?",
    )
    TriageItem.objects.create(
        firm=firm, feedback=stranger, sender="una@unknown.example", sender_name="Una Known"
    )
    job = CsvImport.objects.create(
        firm=firm,
        source=api_source,
        file="csv-imports/old.csv",
        status="done",
        rows_total=2,
        rows_done=2,
        rows_created=1,
        rows_failed=1,
        errors=[{"row": 3, "error": "no text"}],
    )
    return {"case": case_id, "item": complaint.pk, "client": client_of.pk, "import": job.pk}


def _staff_pages(seeded: dict, *, admin: bool) -> dict[str, str]:
    pages = {
        "dashboard": "/dashboard/",
        "client": f"/dashboard/clients/{seeded['client']}/",
        "queue": "/review/?view=team",
        "case": f"/review/cases/{seeded['case']}/",
        "rules": "/review/rules/",
        "item": f"/feedback/{seeded['item']}/",
        "quick-look": "/feedback/quick-look/",
    }
    if admin:
        source = seeded["source"]
        pages |= {
            "api-keys": "/review/api-keys/",
            "triage": "/listening/triage",
            "csv-import": f"/listening/sources/{source}/csv-import",
            "csv-import-result": f"/listening/imports/{seeded['import']}",
        }
    return pages


def _check(page, url: str, name: str, width: int) -> list[str]:
    """Open `url` at `width`; the problems found there (empty when the page passes)."""
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.goto(url)
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    problems = [f"{name} @ {width}px: {v}" for v in axe_serious_violations(page)]
    if width == 390 and page_width(page) > 390:
        problems.append(f"{name} @ 390px: {page_width(page)} px wide, scrolls sideways")
    return problems


def _sign_in(page, live_server, member) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", member.user.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("persona", ["admin_member", "account_manager"])
def test_staff_pages_pass_axe_and_fit_a_phone(request, live_server, seeded, api_source, persona):
    # given a signed-in admin, or account manager, of a seeded firm
    member = request.getfixturevalue(persona)
    seeded["source"] = api_source.pk
    prefix = "admin" if persona == "admin_member" else "am"
    pages = _staff_pages(seeded, admin=persona == "admin_member")
    problems: list[str] = []
    with chromium_page(width=1280, height=900) as page:
        _sign_in(page, live_server, member)

        # when they open every main page at both widths
        for width in WIDTHS:
            for name, path in pages.items():
                problems += _check(page, live_server.url + path, f"{prefix}-{name}", width)

        # and use the collapsed menu by keyboard on the phone
        page.goto(f"{live_server.url}/dashboard/")
        page.focus(".navbar-toggler")
        page.keyboard.press("Enter")
        page.wait_for_selector("#staff-nav.show")
        problems += [f"open menu @ 390px: {v}" for v in axe_serious_violations(page)]
        page.screenshot(path=str(SCREENSHOTS / f"{prefix}-menu-390.png"), full_page=True)

    # then
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_passes_axe_and_fits_a_phone(live_server, account_manager):
    problems: list[str] = []
    with chromium_page(width=1280, height=900) as page:
        for width in WIDTHS:
            problems += _check(page, f"{live_server.url}/accounts/login/", "login", width)
        # a failed sign-in: the message is shown once, and the page still passes
        page.fill("input[name=username]", account_manager.user.username)
        page.fill("input[name=password]", "not-the-password")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("text=Please enter a correct username").count() == 1
        problems += [f"failed sign-in: {v}" for v in axe_serious_violations(page)]
    assert not problems, "\n".join(problems)


@pytest.fixture
def invitation(firm, client_of) -> Invitation:
    """An NPS invitation e-mailed through the real sending service."""
    contact: Contact = ContactFactory(client=client_of, name="Carla", email="carla@globex.example")
    campaign = Campaign.objects.create(firm=firm, name="Relationship NPS", kind=SurveyKind.NPS)
    invitation = invitation_schedule(campaign=campaign, contact=contact, occasion="w").invitation
    assert invitation is not None
    invitation_send(invitation_id=invitation.pk, now=timezone.now())
    return invitation


def test_client_pages_pass_axe_and_fit_a_phone(live_server, firm, invitation):
    # given the pages a client opens: the portal sign-in, and the e-mailed survey links
    survey = local(live_server, emailed_link(r"https?://\S+/survey/r/[^/\s]+/(?=\s)"))
    unsubscribe = local(live_server, emailed_link(r"https?://\S+/survey/unsubscribe/[^/\s]+/"))
    form = SourceFactory(firm=firm, channel=Channel.FORM, name="Web form")
    pages = {
        "client-portal-sign-in": f"{live_server.url}/listen/portal/{firm.slug}/",
        "client-survey": survey,
        "client-unsubscribe": unsubscribe,
        "client-form": f"{live_server.url}/listen/form/{form.public_key}",
    }
    assert len(mail.outbox) == 1
    problems: list[str] = []
    with chromium_page(width=1280, height=900) as page:
        # when each is opened at both widths, and the survey is answered
        for width in WIDTHS:
            for name, url in pages.items():
                problems += _check(page, url, name, width)
        page.goto(survey)
        page.check("input[name=score][value='9']")
        page.click("button:has-text('Send')")
        page.wait_for_selector("h1:has-text('Thank you')")
        thanks = page.url
        for width in WIDTHS:
            problems += _check(page, thanks, "client-survey-thanks", width)

    # then
    assert not problems, "\n".join(problems)
