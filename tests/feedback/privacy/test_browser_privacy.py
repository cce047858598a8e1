"""Browser tests of the privacy flows, with the Content-Security-Policy enforced: an admin
downloads a contact's export and erases the contact; a member of staff resets a forgotten
password from the e-mailed link. No page may break the policy."""

import json
import re
import zipfile

import pytest

from feedback.models import Contact, Feedback
from feedback.privacy.services import ERASED_TEXT
from tests.browser import ARTIFACTS, chromium_page
from tests.factories import MemberFactory
from tests.feedback.privacy.conftest import COMPLAINT
from tests.feedback.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    with chromium_page(width=1280, height=900) as page:
        page.csp_violations = []
        page.on(
            "console",
            lambda m: (
                "Content Security Policy" in m.text
                and page.csp_violations.append(f"{page.url}: {m.text}")
            ),
        )
        yield page


def test_an_admin_exports_a_contacts_data_then_erases_the_contact(
    page, live_server, subject, admin_member, tmp_path
):
    # given
    sign_in(page, live_server, admin_member)

    # when: open Privacy, find the contact, download the export
    response = page.goto(f"{live_server.url}/privacy/?q=dana")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.click("text=Dana Doe")
    with page.expect_download() as info:
        page.click("button:has-text('Download export')")
    archive = tmp_path / "export.zip"
    info.value.save_as(archive)

    # then the ZIP holds their feedback, its analysis and case, and their survey answer
    with zipfile.ZipFile(archive) as z:
        data = json.loads(z.read("contact.json"))
    assert data["contact"]["email"] == "dana.doe@globex.example"
    assert data["feedback"][0]["text"] == COMPLAINT
    assert data["feedback"][0]["case"]["id"] == subject.case.pk
    assert data["survey_answers"][0]["score"] == 2

    # when: a wrong confirmation, then the right one
    page.fill("#erase-confirm", "dana")
    page.click("button:has-text('Erase contact permanently')")
    assert page.locator("[role=alert]").is_visible()
    assert Contact.objects.get(pk=subject.contact.pk).erased_at is None
    page.fill("#erase-confirm", "dana.doe@globex.example")
    page.click("button:has-text('Erase contact permanently')")
    page.wait_for_selector("#erased-at")
    page.screenshot(path=str(ARTIFACTS / "privacy-erased.png"), full_page=True)

    # then the contact and their words are gone, the row counts stay
    contact = Contact.objects.get(pk=subject.contact.pk)
    assert contact.erased_at and contact.name == "" and "dana" not in contact.email
    assert Feedback.objects.get(pk=subject.complaint.pk).text == ERASED_TEXT
    assert page.locator("h1").inner_text() == "Erased contact"
    # and the item page shows no trace of it
    page.goto(f"{live_server.url}/feedback/{subject.complaint.pk}/")
    assert "07911" not in page.content() and ERASED_TEXT in page.content()
    assert page.csp_violations == []


def test_a_member_of_staff_resets_a_forgotten_password_from_the_emailed_link(
    page, live_server, firm, smtp_server
):
    # given
    member = MemberFactory(firm=firm, user__username="rita-reset", user__email="rita@acme.example")

    # when: from the sign-in page, ask for a reset
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", "rita@acme.example")
    page.click("button:has-text('Send the reset link')")
    page.wait_for_selector("text=Check your e-mail")

    # then an e-mail with a link arrives; open it and choose a new password
    (message,) = smtp_server.messages
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.get_content()).group()
    page.goto(link)
    page.fill("input[name=new_password1]", "Tangerine-Ledger-42")
    page.fill("input[name=new_password2]", "Tangerine-Ledger-42")
    page.click("button:has-text('Set password')")
    page.wait_for_selector("text=Password changed")

    # and sign in with it
    page.click("#sign-in")
    page.fill("input[name=username]", "rita-reset")
    page.fill("input[name=password]", "Tangerine-Ledger-42")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url
    member.user.refresh_from_db()
    assert member.user.check_password("Tangerine-Ledger-42")
    assert page.csp_violations == []


def test_the_staff_and_client_pages_break_no_rule_of_the_policy(
    page, live_server, subject, admin_member
):
    # given an admin, a case, a client timeline with charts, the API docs and the client portal
    sign_in(page, live_server, admin_member)
    pages = [
        "/dashboard/",
        f"/dashboard/clients/{subject.contact.client_id}/",
        f"/review/cases/{subject.case.pk}/",
        f"/feedback/{subject.complaint.pk}/",
        "/review/",
        "/privacy/",
        "/api/docs/",
        f"/listen/portal/{subject.contact.firm.slug}/",
    ]

    # when each is opened and has run its scripts
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")

        # then it is served under the policy, and Chromium reports no violation
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        if path == "/api/docs/":
            # Swagger UI's start-up script is a file now: it ran and drew the API
            page.wait_for_selector(".swagger-ui .info")
        if path.startswith("/dashboard/"):
            page.wait_for_selector("canvas")
    assert page.csp_violations == []
