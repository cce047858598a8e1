"""Admin pages of the listening channels and the management commands."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from feedback.models import Channel, Feedback, Source
from listening.crypto import secret_decrypt
from listening.models import ImapMailbox, PollState
from listening.services.polling import source_failure_record
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@x.example", "pw")
    client.force_login(user)
    return user


def test_mailbox_added_in_admin_has_its_password_encrypted(client, root, firm):
    # given
    source = SourceFactory(firm=firm, channel=Channel.EMAIL, name="Inbox")

    # when
    resp = client.post(
        reverse("admin:listening_imapmailbox_add"),
        {
            "source": source.pk,
            "host": "imap.example",
            "port": 993,
            "use_ssl": "on",
            "username": "listen",
            "folder": "INBOX",
            "password": "hunter2-secret",
        },
    )

    # then
    assert resp.status_code == 302, resp.content[:500]
    box = ImapMailbox.objects.get(source=source)
    assert "hunter2" not in box.password_encrypted
    assert secret_decrypt(box.password_encrypted) == "hunter2-secret"


def test_a_failing_channel_is_visible_to_admins(client, root, firm):
    # given
    source = SourceFactory(firm=firm, channel=Channel.REVIEW, name="Trustpilot")
    PollState.objects.create(source=source)
    source_failure_record(source=source, reason="https://api.trustpilot.com answered 503")

    # when
    pages = [
        client.get(reverse("admin:listening_pollstate_changelist")),
        client.get(reverse("admin:feedback_source_changelist") + "?status=failing"),
    ]

    # then
    assert b"answered 503" in pages[0].content
    assert b"Trustpilot" in pages[1].content
    source.refresh_from_db()
    assert (source.status, source.failure_count) == (Source.Status.FAILING, 1)


def test_backoff_grows_and_is_capped(firm, settings):
    # given
    settings.LISTENING_BACKOFF_BASE_SECONDS = 60
    settings.LISTENING_BACKOFF_CAP_SECONDS = 300
    source = SourceFactory(firm=firm, channel=Channel.REVIEW)
    PollState.objects.create(source=source)

    # when
    delays = [source_failure_record(source=source, reason="down") for _ in range(5)]

    # then
    assert delays == [60, 120, 240, 300, 300]


def test_import_csv_command(firm, tmp_path, settings, capsys):
    # given
    settings.MEDIA_ROOT = str(tmp_path / "media")
    source = SourceFactory(firm=firm, channel=Channel.IMPORT)
    path = tmp_path / "h.csv"
    path.write_text("Comment,Who\nGreat help.,a@b.example\n,empty@b.example\n")

    # when
    call_command("listening_import_csv", source.pk, str(path), "--map", "text=Comment")
    call_command("listening_import_csv", source.pk, str(path), "--map", "text=Comment")

    # then
    out = capsys.readouterr().out
    assert "1 created, 0 duplicates, 1 refused" in out
    assert "0 created, 1 duplicates, 1 refused" in out
    assert Feedback.objects.filter(source=source).count() == 1


def test_poll_command_reports_each_source(firm, capsys):
    # given a review source whose connector is not configured
    source = SourceFactory(firm=firm, channel=Channel.REVIEW, config={"kind": "feed"})

    # when
    call_command("listening_poll")

    # then
    assert f"source {source.pk}: {{'error'" in capsys.readouterr().out
    source.refresh_from_db()
    assert "missing config 'url'" in source.last_error


def test_source_secret_command_stores_the_credential_encrypted(firm, monkeypatch):
    # given
    source = SourceFactory(firm=firm, channel=Channel.REVIEW, config={"kind": "trustpilot"})
    monkeypatch.setenv("TP_KEY", "tp-secret-key")

    # when
    call_command("listening_source_secret", source.pk, "api_key", "--from-env", "TP_KEY")

    # then
    source.refresh_from_db()
    token = source.config["api_key_encrypted"]
    assert "tp-secret-key" not in token
    assert secret_decrypt(token) == "tp-secret-key"
