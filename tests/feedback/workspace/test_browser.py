"""Browser test: a firm admin sets up their firm on the settings pages in Chromium: a brand
promise with examples, a touchpoint, clients and contacts from a CSV file, and a new member
who sets a password from the e-mailed link (a real SMTP server on loopback) and signs in."""

import re

import pytest
from django.test import override_settings

from feedback.models import BrandPromise, Client, Contact, Member, Role, Touchpoint
from tests.browser import ARTIFACTS, chromium_page
from tests.feedback.test_browser import sign_in
from tests.listening.campaigns.conftest import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "client,segment,account_manager_email,contact_name,contact_email\n"
    "Globex Corp,Manufacturing,,Pat Jones,pat@globex.example\n"
    "Globex Corp,Manufacturing,,Sam Lee,sam@globex.example\n"
    "Initech,Technology,,,\n"
    ",,,Nobody,nobody@nowhere.example\n"
)


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    ):
        yield server
    server.stop()


def _promise_created(page, url: str, firm) -> None:
    page.click("#sections >> text=Brand promises")
    page.click("text=New brand promise")
    page.fill("#id_name", "Responsiveness")
    page.fill("#id_description", "We answer our clients quickly.")
    page.fill("#id_examples_text", "they replied within the hour\ncalled me back the same day")
    page.click("button:has-text('Save')")
    page.wait_for_selector("#examples")
    # its page shows the examples, and so does the database
    assert "called me back the same day" in page.inner_text("#examples")
    promise = BrandPromise.objects.get(firm=firm, name="Responsiveness")
    assert promise.examples == ["they replied within the hour", "called me back the same day"]


def _touchpoint_added(page, url: str, firm) -> None:
    page.goto(f"{url}/settings/touchpoints/")
    page.click("text=New touchpoint")
    page.fill("#id_name", "Onboarding")
    page.fill("#id_order", "1")
    page.click("button:has-text('Save')")
    page.wait_for_selector("tr[data-touchpoint='Onboarding']")
    assert Touchpoint.objects.get(firm=firm).slug == "onboarding"


def _csv_imported(page, url: str, firm, path) -> None:
    path.write_text(CSV, encoding="utf-8")
    page.goto(f"{url}/settings/import/")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('Preview')")
    page.wait_for_selector("#preview")
    # the preview shows every row with its fate, and nothing is stored yet
    assert page.locator("#preview tr.row-ok").count() == 3
    assert "client is empty" in page.inner_text("#preview tr.row-error")
    assert not Client.objects.filter(firm=firm).exists()
    page.screenshot(path=str(ARTIFACTS / "settings-import-preview.png"), full_page=True)
    page.click("#confirm")
    page.wait_for_selector("tr[data-client='Initech']")
    # the clients and contacts are stored, the bad row is reported as skipped
    assert "1 rows skipped" in page.inner_text(".messages")
    names = set(Client.objects.filter(firm=firm).values_list("name", flat=True))
    assert names == {"Globex Corp", "Initech"}
    assert Contact.objects.filter(firm=firm, client__name="Globex Corp").count() == 2


def _member_invited(page, url: str) -> None:
    page.goto(f"{url}/settings/members/")
    page.click("text=Invite a member")
    page.fill("#id_email", "nina@acme.example")
    page.fill("#id_name", "Nina New")
    page.select_option("#id_role", Role.ANALYST)
    page.click("button:has-text('Save')")
    page.wait_for_selector("tr[data-member='nina@acme.example']")
    assert "invited" in page.inner_text("tr[data-member='nina@acme.example'] .status")
    page.screenshot(path=str(ARTIFACTS / "settings-members.png"), full_page=True)


def _password_set_and_signed_in(page, link: str, email: str = "nina@acme.example") -> None:
    page.goto(link)
    page.fill("#id_new_password1", "a long new passphrase")
    page.fill("#id_new_password2", "a long new passphrase")
    page.click("button:has-text('Set password')")
    page.click("#sign-in")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "a long new passphrase")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")


def test_an_admin_sets_up_promises_touchpoints_clients_and_a_member(
    live_server, admin_member, firm, smtp, tmp_path
):
    url = live_server.url
    with chromium_page(width=1280, height=900) as page:
        # given the admin signed in, on the settings index
        sign_in(page, live_server, admin_member)
        page.goto(f"{url}/settings/")
        page.screenshot(path=str(ARTIFACTS / "settings-index.png"), full_page=True)

        # when they create a brand promise with examples, a touchpoint, import a CSV of
        # clients and contacts, and invite an analyst (each step checks what was stored)
        _promise_created(page, url, firm)
        _touchpoint_added(page, url, firm)
        _csv_imported(page, url, firm, tmp_path / "clients.csv")
        _member_invited(page, url)

    # then the invitation arrives by SMTP with a set-password link
    (message,) = smtp.messages
    assert message["To"] == "nina@acme.example"
    link = re.search(r"http://\S+/accounts/reset/\S+", message.get_content()).group(0)

    with chromium_page(width=390, height=844) as page:
        # when Nina opens the link, sets a password and signs in with her e-mail address
        _password_set_and_signed_in(page, link)

        # then she is signed in as the firm's analyst and can open the settings
        assert "/accounts/login/" not in page.url
        member = Member.objects.select_related("user").get(user__email="nina@acme.example")
        assert member.role == Role.ANALYST and member.user.last_login is not None
        page.goto(f"{url}/settings/promises/")
        assert "Responsiveness" in page.inner_text("#promises")
