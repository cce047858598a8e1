"""The sources settings pages: web form and its embed snippet, mailboxes, review listings,
pause and resume; only a firm's admins configure, bad input is refused (stored rows checked)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Channel, Feedback, Source
from listening.crypto import secret_decrypt
from listening.models import ImapMailbox
from listening.setup import previews
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_a_web_form_and_gets_its_embed_snippet(admin_client, firm):
    # when
    response = admin_client.post(
        reverse("listening_setup:web_form_new"),
        {
            "name": "Website form",
            "title": "Tell us",
            "allowed_origins": "https://www.acme.example/\n\nhttp://127.0.0.1:8001",
        },
    )

    # then the source is stored with normalised origins, and its page shows the snippet
    source = Source.objects.get(firm=firm, channel=Channel.FORM)
    assert response.status_code == 302
    assert source.config["allowed_origins"] == [
        "https://www.acme.example",
        "http://127.0.0.1:8001",
    ]
    page = admin_client.get(response["Location"]).content.decode()
    assert source.public_key in page
    assert f"/listen/form/{source.public_key}" in page
    assert "&lt;iframe src=" in page  # the snippet is shown as text, escaped


def test_web_form_refuses_an_origin_that_is_not_an_address(admin_client, firm):
    response = admin_client.post(
        reverse("listening_setup:web_form_new"),
        {"name": "Website form", "allowed_origins": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    assert not Source.objects.filter(firm=firm).exists()


def test_embed_snippet_carries_the_form_key_and_escapes_the_title(firm, settings):
    # given a title with markup in it
    settings.EARSHOT_BASE_URL = "https://earshot.example"
    source = SourceFactory(
        firm=firm, channel=Channel.FORM, name="F", config={"title": '"><script>x</script>'}
    )

    # when
    snippet = previews.embed_snippet(source)

    # then
    assert f'src="https://earshot.example/listen/form/{source.public_key}"' in snippet
    assert "<script>" not in snippet


def test_a_form_posted_from_the_embedding_site_lands_as_feedback(client, web_form):
    # given the snippet's form address, posted from the firm's site (another origin)
    url = reverse("portal:form", kwargs={"public_key": web_form.public_key})

    # when
    response = client.post(
        url, {"text": "Lovely reception staff."}, HTTP_ORIGIN="https://www.acme.example"
    )
    refused = client.post(url, {"text": "Spam"}, HTTP_ORIGIN="https://evil.example")

    # then
    assert response.status_code == 303
    assert refused.status_code == 403
    assert list(Feedback.objects.filter(source=web_form).values_list("text", flat=True)) == [
        "Lovely reception staff."
    ]


def test_mailbox_password_is_stored_encrypted_and_kept_when_left_blank(admin_client, firm):
    # given
    data = {
        "name": "Feedback inbox",
        "host": "imap.acme.example",
        "port": "993",
        "use_ssl": "on",
        "username": "feedback",
        "password": "s3cret!",
        "folder": "INBOX",
    }

    # when created, then edited without a password
    admin_client.post(reverse("listening_setup:mailbox_new"), data)
    box = ImapMailbox.objects.get(source__firm=firm)
    admin_client.post(
        reverse("listening_setup:mailbox", args=[box.source_id]),
        {**data, "password": "", "folder": "Clients"},
    )

    # then
    box.refresh_from_db()
    assert "s3cret!" not in box.password_encrypted
    assert secret_decrypt(box.password_encrypted) == "s3cret!"
    assert box.folder == "Clients"


def test_test_connection_reports_an_unreachable_server(admin_client, firm):
    # given a mailbox on a loopback port nobody listens on
    admin_client.post(
        reverse("listening_setup:mailbox_new"),
        {
            "name": "Inbox",
            "host": "127.0.0.1",
            "port": "9",
            "username": "u",
            "password": "p",
            "folder": "INBOX",
        },
    )
    source = Source.objects.get(firm=firm, channel=Channel.EMAIL)

    # when
    response = admin_client.post(
        reverse("listening_setup:mailbox_test", args=[source.pk]), follow=True
    )

    # then
    assert "Cannot reach IMAP server 127.0.0.1:9" in response.content.decode()


def test_test_connection_logs_in_to_a_real_imap_server(admin_client, firm, imap_server):
    # given a mailbox on the loopback Dovecot
    username, password = imap_server.add_user()
    admin_client.post(
        reverse("listening_setup:mailbox_new"),
        {
            "name": "Inbox",
            "host": imap_server.host,
            "port": str(imap_server.port),
            "username": username,
            "password": password,
            "folder": "INBOX",
        },
    )
    source = Source.objects.get(firm=firm, channel=Channel.EMAIL)

    # when
    response = admin_client.post(
        reverse("listening_setup:mailbox_test", args=[source.pk]), follow=True
    )

    # then
    assert f"Connected to {imap_server.host} and opened INBOX." in response.content.decode()


def test_review_listing_secret_is_encrypted(admin_client, firm):
    # when
    response = admin_client.post(
        reverse("listening_setup:review_new"),
        {"name": "Trustpilot", "kind": "trustpilot", "business_unit_id": "bu-1", "secret": "k"},
    )

    # then
    source = Source.objects.get(firm=firm, channel=Channel.REVIEW)
    assert response.status_code == 302
    assert source.config["kind"] == "trustpilot"
    assert source.config["business_unit_id"] == "bu-1"
    assert secret_decrypt(source.config["api_key_encrypted"]) == "k"
    assert "api_key" not in source.config


def test_pausing_a_source_disables_it_and_resuming_clears_failures(admin_client, web_form):
    # when
    admin_client.post(reverse("listening_setup:source_pause", args=[web_form.pk]), {"paused": "1"})
    web_form.refresh_from_db()
    paused = web_form.status
    form = admin_client.get(reverse("portal:form", kwargs={"public_key": web_form.public_key}))
    admin_client.post(reverse("listening_setup:source_pause", args=[web_form.pk]), {"paused": "0"})
    web_form.refresh_from_db()

    # then
    assert paused == Source.Status.DISABLED and form.status_code == 404
    assert web_form.status == Source.Status.OK


def test_sources_list_shows_status_and_last_error(admin_client, firm):
    SourceFactory(
        firm=firm,
        channel=Channel.REVIEW,
        name="Google",
        status=Source.Status.FAILING,
        failure_count=3,
        last_error="401 Unauthorized",
        last_polled_at=timezone.now(),
    )
    body = admin_client.get(reverse("listening_setup:sources")).content.decode()
    assert "Failing (3)" in body and "401 Unauthorized" in body
