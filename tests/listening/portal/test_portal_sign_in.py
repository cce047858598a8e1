"""Magic-link sign-in: signed, expiring, single-use links and no enumeration."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from feedback.models import AuditEvent
from listening.portal.models import MagicLink
from listening.portal.services import MagicLinkInvalid, magic_link_consume, magic_link_send
from listening.portal.session import SESSION_KEY
from tests.listening.portal.conftest import magic_url

pytestmark = pytest.mark.django_db


def sign_in_url(firm) -> str:
    return reverse("portal:sign_in", kwargs={"firm_slug": firm.slug})


def home_url(firm) -> str:
    return reverse("portal:home", kwargs={"firm_slug": firm.slug})


def test_sign_in_page_renders_and_unknown_portal_is_404(client, firm):
    assert client.get(sign_in_url(firm)).status_code == 200
    assert client.get("/listen/portal/no-such-firm/").status_code == 404
    assert client.post("/listen/portal/no-such-firm/", {"email": "a@b.example"}).status_code == 404


def test_requesting_a_link_answers_the_same_whether_or_not_the_address_exists(
    client, firm, contact, django_capture_on_commit_callbacks
):
    # when a contact's address and an unknown address each ask for a link
    with django_capture_on_commit_callbacks() as known_callbacks:
        known = client.post(sign_in_url(firm), {"email": "CARLA@globex.example"})
    with django_capture_on_commit_callbacks() as unknown_callbacks:
        unknown = client.post(sign_in_url(firm), {"email": "nobody@globex.example"})

    # then both pages are identical apart from the address echoed back
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().replace("carla@", "X@") == unknown.content.decode().replace(
        "nobody@", "X@"
    )
    # and only the contact gets a link, sent after commit by a task
    link = MagicLink.objects.get()
    assert (link.contact, link.email, link.sent_at) == (contact, "carla@globex.example", None)
    assert (len(known_callbacks), len(unknown_callbacks)) == (1, 0)


def test_other_firms_contact_gets_no_link_from_this_portal(client, firm, foreign_contact):
    # given an address that is a contact only at the other firm
    client.post(sign_in_url(firm), {"email": foreign_contact.email})
    # then this firm's portal creates nothing for it
    assert not MagicLink.objects.exists()


def test_bad_email_is_400(client, firm):
    response = client.post(sign_in_url(firm), {"email": "not an email"})
    assert response.status_code == 400
    assert not MagicLink.objects.exists()


def test_link_requests_are_rate_limited_per_ip_and_silently_per_address(
    client, firm, contact, settings
):
    settings.PORTAL_MAGIC_LINK_RATE_PER_EMAIL = "2/h"
    settings.PORTAL_MAGIC_LINK_RATE_PER_IP = "4/m"
    # when one address asks four times from one IP, then a fifth time
    codes = [client.post(sign_in_url(firm), {"email": contact.email}).status_code for _ in range(4)]
    fifth = client.post(sign_in_url(firm), {"email": contact.email})
    # then the address gets only two links, with no visible difference, and the IP is stopped
    assert codes == [200, 200, 200, 200]
    assert MagicLink.objects.count() == 2
    assert fifth.status_code == 429
    assert "Retry-After" in fifth.headers


def test_link_email_is_sent_once_and_signs_the_contact_in(client, firm, contact, settings):
    # given a requested link, and Earshot served at http://testserver
    settings.EARSHOT_BASE_URL = "http://testserver"
    client.post(sign_in_url(firm), {"email": contact.email})
    link = MagicLink.objects.get()
    # when the sending task runs (twice, as a redelivery would)
    sent = [magic_link_send(magic_link_id=link.pk) for _ in "12"]
    # then exactly one e-mail goes out, with an absolute link that expires in 30 minutes
    assert sent == [True, False]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [contact.email]
    assert message.from_email == "Acme Legal LLP <earshot@localhost>"  # the firm, not the vendor
    assert "30 minutes" in message.body
    url = re.search(r"http://testserver(/listen/portal/\S+)", message.body).group(1)

    # when the contact opens it: a confirmation page that consumes nothing (mail scanners)
    page = client.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert MagicLink.objects.get().used_at is None
    # and confirms
    response = client.post(url)
    # then they are signed in to the portal, not as staff
    assert response.status_code == 303
    assert response["Location"] == home_url(firm)
    assert client.session[SESSION_KEY]["contact_id"] == contact.pk
    assert "_auth_user_id" not in client.session
    assert client.get(home_url(firm)).status_code == 200
    assert AuditEvent.objects.filter(action="portal.signed_in", object_id=str(contact.pk)).exists()


def test_a_used_link_cannot_be_replayed(client, contact):
    # given a link that was used once
    url = magic_url(contact)
    assert client.post(url).status_code == 303
    # when it is opened again, even from a fresh browser
    client.cookies.clear()
    again_get, again_post = client.get(url), client.post(url)
    # then it is refused and nobody is signed in
    assert again_get.status_code == again_post.status_code == 400
    assert b"cannot be used" in again_post.content
    assert SESSION_KEY not in client.session


def test_forged_or_tampered_tokens_are_refused(client, firm, contact):
    url = magic_url(contact)
    prefix, token = url.rsplit("/", 1)
    for bad in (token[:-2] + "xx", "garbage", token.replace(":", ":A", 1)):
        response = client.post(f"{prefix}/{bad}")
        assert response.status_code == 400
    assert MagicLink.objects.get().used_at is None


def test_an_expired_link_is_refused(client, contact):
    # given a link requested 31 minutes ago
    url = magic_url(contact)
    MagicLink.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    # when / then
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert SESSION_KEY not in client.session


def test_the_token_signature_itself_expires(client, contact, settings):
    url = magic_url(contact)
    # a negative max age: any token's timestamp is past it
    settings.PORTAL_MAGIC_LINK_MAX_AGE = timedelta(seconds=-1)
    assert client.post(url).status_code == 400


def test_a_link_only_works_at_its_own_firms_portal(client, contact, other_firm):
    url = magic_url(contact).replace(f"/portal/{contact.firm.slug}/", f"/portal/{other_firm.slug}/")
    assert client.post(url).status_code == 400


def test_a_link_stops_working_when_the_contacts_email_changes(client, contact):
    url = magic_url(contact)
    contact.email = "carla.new@globex.example"
    contact.save()
    assert client.post(url).status_code == 400


def test_opted_out_contacts_may_still_sign_in(client, contact, sign_in, firm):
    contact.opted_out = True
    contact.save()
    sign_in(client, contact)
    assert client.get(home_url(firm)).status_code == 200


def test_sign_out_ends_only_the_portal_session(client, contact, sign_in, firm, admin_member):
    # given a browser signed in as staff and as a contact
    client.force_login(admin_member.user)
    sign_in(client, contact)
    # when the contact signs out
    response = client.post(reverse("portal:sign_out", kwargs={"firm_slug": firm.slug}))
    # then the portal asks to sign in again, while the staff session is intact
    assert response.status_code == 303
    assert client.get(home_url(firm)).status_code == 302
    assert client.session.get("_auth_user_id") == str(admin_member.user.pk)


def test_staff_sign_in_is_not_a_portal_sign_in(client, admin_member, firm):
    client.force_login(admin_member.user)
    response = client.get(home_url(firm))
    assert response.status_code == 302
    assert response["Location"] == sign_in_url(firm)


def test_portal_pages_work_with_csrf_enforced_and_refuse_posts_without_a_token(contact, firm):
    # given a real browser: CSRF checks on, cookies kept between pages
    browser = HttpClient(enforce_csrf_checks=True)
    url = magic_url(contact)
    # when it posts the confirmation without the page's token, it is refused
    assert browser.post(url).status_code == 403
    # and when it uses the token from the confirmation page, it is signed in
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 303
    home = browser.get(home_url(firm)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)
    comment = reverse("portal:comment_create", kwargs={"firm_slug": firm.slug})
    assert browser.post(comment, {"text": "no token"}).status_code == 403
    sent = browser.post(comment, {"text": "with token", "csrfmiddlewaretoken": token})
    assert sent.status_code == 303


@pytest.mark.django_db(transaction=True)
def test_two_racing_uses_of_one_link_sign_in_once(contact):
    # given one link, opened at the same moment from two tabs
    token = magic_url(contact).rsplit("/", 1)[1]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def use() -> None:
        barrier.wait()
        try:
            magic_link_consume(firm=contact.firm, token=token)
            outcomes.append("signed in")
        except MagicLinkInvalid:
            outcomes.append("refused")
        finally:
            connection.close()

    # when both consume it
    threads = [threading.Thread(target=use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one signs in
    assert sorted(outcomes) == ["refused", "signed in"]
