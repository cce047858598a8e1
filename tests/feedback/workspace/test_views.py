"""Settings pages through the Django test client: what each role sees and may change, another
firm's ids answering 404, form errors answering 400, and the CSV upload → preview → confirm."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import AuditEvent, BrandPromise, Client, Contact, Member, Role, TagCorrection
from tests.factories import BrandPromiseFactory, ClientFactory, FeedbackFactory
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db


def test_the_index_lists_what_each_role_may_open(admin_member, analyst):
    admin_page = browser_for(admin_member).get(reverse("workspace:index")).content.decode()
    analyst_page = browser_for(analyst).get(reverse("workspace:index")).content.decode()
    for label in ("Brand promises", "Members and roles", "Flag rules", "API keys", "Branding"):
        assert label in admin_page
    assert "Notification channels" not in analyst_page and "API keys" not in analyst_page
    assert reverse("workspace:branding") in admin_page
    assert reverse("workspace:branding") not in analyst_page
    assert reverse("review:api_keys") in admin_page and reverse("review:rules") in admin_page


def test_an_admin_creates_a_promise_and_a_duplicate_name_is_a_form_error(admin_member, firm):
    browser = browser_for(admin_member)
    data = {"name": "Clarity", "description": "Plain words.", "examples_text": "no jargon\nclear"}
    response = browser.post(reverse("workspace:promise_new"), {**data, "active": "on"})
    promise = BrandPromise.objects.get(firm=firm, name="Clarity")
    assert response.status_code == 302 and promise.examples == ["no jargon", "clear"]
    again = browser.post(reverse("workspace:promise_new"), data)
    assert again.status_code == 400
    assert BrandPromise.objects.filter(firm=firm).count() == 1


def test_a_promise_page_shows_its_examples_and_the_corrections_that_taught_it(
    admin_member, firm, api_source, promise
):
    # given a theme correction on one of the firm's comments
    item = FeedbackFactory(source=api_source, text="They called back within minutes.")
    TagCorrection.objects.create(
        firm=firm,
        feedback=item,
        kind="theme",
        key=str(promise.pk),
        value="present",
        brand_promise=promise,
        predicted="absent",
        text=item.text,
        corrected_by=admin_member,
    )

    # when
    page = browser_for(admin_member).get(reverse("workspace:promise", args=[promise.pk]))

    # then
    body = page.content.decode()
    assert "they replied within the hour" in body
    assert "They called back within minutes." in body and "alice-admin" in body


def test_the_analyst_reads_but_cannot_change(analyst, promise):
    browser = browser_for(analyst)
    assert browser.get(reverse("workspace:promise", args=[promise.pk])).status_code == 200
    edit = reverse("workspace:promise_edit", args=[promise.pk])
    assert browser.post(edit, {"name": "Hijacked"}).status_code == 403
    promise.refresh_from_db()
    assert promise.name == "Responsiveness"


def test_another_firms_objects_are_404_and_untouched(outsider, promise, client_of, teammate):
    browser = browser_for(outsider)
    posts = [
        ("workspace:promise_edit", promise.pk, {"name": "x"}),
        ("workspace:promise_deactivate", promise.pk, {}),
        ("workspace:client_edit", client_of.pk, {"name": "x"}),
        ("workspace:member_role", teammate.pk, {"role": "admin"}),
        ("workspace:member_deactivate", teammate.pk, {}),
    ]
    for name, pk, data in posts:
        assert browser.post(reverse(name, args=[pk]), data).status_code == 404, name
    promise.refresh_from_db()
    teammate.refresh_from_db()
    assert promise.active and teammate.role == Role.ACCOUNT_MANAGER
    assert teammate.user.is_active
    assert not AuditEvent.objects.filter(firm=promise.firm).exists()


def test_lists_never_show_another_firms_rows_and_search_filters(admin_member, other_firm):
    ClientFactory(firm=admin_member.firm, name="Globex Corp")
    ClientFactory(firm=admin_member.firm, name="Initech")
    ClientFactory(firm=other_firm, name="Globex Rival")
    body = (
        browser_for(admin_member).get(reverse("workspace:clients"), {"q": "glob"}).content.decode()
    )
    assert "Globex Corp" in body and "Initech" not in body and "Globex Rival" not in body


def test_the_client_form_offers_only_this_firms_members(admin_member, account_manager, outsider):
    browser = browser_for(admin_member)
    body = browser.get(reverse("workspace:client_new")).content.decode()
    assert "amy-am" in body and "oscar-outsider" not in body
    response = browser.post(
        reverse("workspace:client_new"), {"name": "Initech", "account_managers": [outsider.pk]}
    )
    assert response.status_code == 400 and not Client.objects.filter(name="Initech").exists()
    browser.post(
        reverse("workspace:client_new"),
        {"name": "Initech", "account_managers": [account_manager.pk]},
    )
    assert list(Client.objects.get(name="Initech").account_managers.all()) == [account_manager]


def test_csv_upload_previews_then_imports_only_on_confirmation(admin_member, firm):
    browser = browser_for(admin_member)
    csv = b"client,contact_email\nGlobex Corp,pat@globex.example\n,bad@x.example\n"

    # when the file is uploaded, nothing is written yet
    preview = browser.post(
        reverse("workspace:import"), {"file": SimpleUploadedFile("people.csv", csv)}
    )
    assert preview.status_code == 200 and "client is empty" in preview.content.decode()
    assert not Client.objects.filter(firm=firm).exists()

    # then confirming imports the good row, once
    token = preview.context["token"]
    done = browser.post(reverse("workspace:import_confirm"), {"token": token})
    assert done.status_code == 302
    assert Contact.objects.get(firm=firm).email == "pat@globex.example"
    assert browser.post(reverse("workspace:import_confirm"), {"token": token}).status_code == 302
    assert Client.objects.filter(firm=firm).count() == 1


def test_a_bad_upload_is_a_400_with_the_reason(admin_member):
    response = browser_for(admin_member).post(
        reverse("workspace:import"),
        {"file": SimpleUploadedFile("people.csv", "client\nCafé\n".encode("utf-16"))},
    )
    assert response.status_code == 400 and "not UTF-8" in response.content.decode()


def test_inviting_a_member_emails_a_link_that_sets_the_password(admin_member, firm):
    # when
    browser = browser_for(admin_member)
    response = browser.post(
        reverse("workspace:member_invite"),
        {"email": "nina@acme.example", "name": "Nina New", "role": Role.ANALYST},
    )

    # then
    assert response.status_code == 302
    member = Member.objects.get(user__email="nina@acme.example")
    assert member.firm == firm and member.role == Role.ANALYST
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    visitor = browser_for()
    form = visitor.get(link, follow=True)
    assert form.status_code == 200 and b"set-password" in form.content
    done = visitor.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"},
    )
    assert done.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("a long new passphrase")
    assert b"invalid-link" in visitor.get(link, follow=True).content  # works once


def test_an_admin_cannot_deactivate_themselves(admin_member):
    browser = browser_for(admin_member)
    browser.post(reverse("workspace:member_deactivate", args=[admin_member.pk]))
    admin_member.user.refresh_from_db()
    assert admin_member.user.is_active


def test_a_webhook_to_a_private_address_is_a_form_error(admin_member, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = browser_for(admin_member).post(
        reverse("workspace:channels"), {"url": "http://169.254.169.254/latest", "format": "earshot"}
    )
    assert response.status_code == 400 and "non-public" in response.content.decode()


def test_a_new_webhooks_secret_is_shown_once(admin_member):
    browser = browser_for(admin_member)
    created = browser.post(
        reverse("workspace:channels"), {"url": "http://127.0.0.1:9/", "format": "slack"}
    )
    secret = admin_member.firm.webhook_endpoints.get().secret
    assert secret in created.content.decode()
    assert secret not in browser.get(reverse("workspace:channels")).content.decode()


def test_promises_of_another_firm_do_not_appear(admin_member, other_firm):
    BrandPromiseFactory(firm=other_firm, name="Rival promise")
    body = browser_for(admin_member).get(reverse("workspace:promises")).content.decode()
    assert "Rival promise" not in body


def test_the_client_list_takes_the_same_queries_for_three_clients_as_for_thirty(
    admin_member, account_manager, django_assert_max_num_queries
):
    # given thirty clients, each with an account manager
    for n in range(30):
        ClientFactory(firm=admin_member.firm, name=f"Client {n:02d}").account_managers.add(
            account_manager
        )
    browser = browser_for(admin_member)
    browser.get(reverse("workspace:clients"))  # session and member loaded once

    # when / then: no query per row
    with django_assert_max_num_queries(8):
        response = browser.get(reverse("workspace:clients"))
    assert response.content.decode().count("data-client=") == 30
