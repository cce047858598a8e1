"""IMAP polling against a real Dovecot on loopback."""

import imaplib

import pytest
from django.utils import timezone
from imap_tools import MailBoxUnencrypted

from feedback.models import Feedback, Source
from listening.crypto import secret_decrypt, secret_encrypt
from listening.models import ImapMailbox, PollState, SkippedItem, TriageItem
from listening.services.mailboxes import imap_mailbox_set
from listening.services.polling import source_poll
from tests.factories import ContactFactory
from tests.listening.samples import REPLY_WITH_QUOTE, email_bytes

pytestmark = pytest.mark.django_db


def _append(server, user, password, *messages: bytes, folder: str = "INBOX") -> None:
    with MailBoxUnencrypted(server.host, server.port).login(user, password) as box:
        if folder != "INBOX" and not box.folder.exists(folder):
            box.folder.create(folder)
        for data in messages:
            box.append(data, folder, dt=None, flag_set=())


@pytest.fixture
def mailbox_source(firm, imap_server):
    user, password = imap_server.add_user()
    box = imap_mailbox_set(
        firm=firm,
        name="Client inbox",
        host=imap_server.host,
        port=imap_server.port,
        username=user,
        password=password,
        use_ssl=False,
    )
    return box.source, user, password


def test_poll_saves_new_messages_with_reply_and_signature_stripped(mailbox_source, imap_server):
    # given
    source, user, password = mailbox_source
    contact = ContactFactory(client__firm=source.firm, email="pat@client.example")
    _append(imap_server, user, password, email_bytes(body=REPLY_WITH_QUOTE))

    # when
    counts = source_poll(source_id=source.pk)

    # then
    assert counts["created"] == 1
    fb = Feedback.objects.get(source=source)
    assert fb.text == (
        "Hi team,\n\nThanks for the quick turnaround on the contract review, it really helped."
    )
    assert fb.contact == contact
    assert fb.client == contact.client
    assert fb.raw["via"] == "imap"
    assert "On Mon, 2 Mar 2026" in fb.raw["mime"]
    assert not TriageItem.objects.filter(feedback=fb).exists()


def test_polling_twice_adds_nothing_and_advances_the_uid_cursor(mailbox_source, imap_server):
    # given
    source, user, password = mailbox_source
    _append(imap_server, user, password, email_bytes(), email_bytes(body="Second message."))
    source_poll(source_id=source.pk)
    PollState.objects.filter(source=source).update(next_poll_at=None)

    # when
    counts = source_poll(source_id=source.pk)

    # then
    assert counts["messages"] == 0
    assert Feedback.objects.filter(source=source).count() == 2
    box = ImapMailbox.objects.get(source=source)
    assert box.last_uid == 2
    assert box.uidvalidity


def test_changed_uidvalidity_rereads_the_folder_without_duplicates(mailbox_source, imap_server):
    # given a cursor past the end, under a UIDVALIDITY the server no longer has
    source, user, password = mailbox_source
    first = email_bytes(body="Kept once.")
    _append(imap_server, user, password, first)
    source_poll(source_id=source.pk)
    _append(imap_server, user, password, email_bytes(body="Arrived after renumbering."))
    ImapMailbox.objects.filter(source=source).update(uidvalidity=1, last_uid=999)

    # when
    counts = source_poll(source_id=source.pk)

    # then the folder is read again from UID 1; the known message is a duplicate
    assert counts == {"messages": 2, "created": 1, "duplicates": 1, "skipped": 0}
    assert Feedback.objects.filter(source=source).count() == 2


def test_unknown_sender_lands_in_triage(mailbox_source, imap_server):
    # given
    source, user, password = mailbox_source
    _append(imap_server, user, password, email_bytes(sender="stranger@elsewhere.example"))

    # when
    source_poll(source_id=source.pk)

    # then
    fb = Feedback.objects.get(source=source)
    assert fb.contact is None
    assert TriageItem.objects.get(feedback=fb).sender == "stranger@elsewhere.example"


def test_auto_replies_and_bounces_are_kept_aside_not_as_client_voice(mailbox_source, imap_server):
    # given
    source, user, password = mailbox_source
    _append(
        imap_server,
        user,
        password,
        email_bytes(subject="Out of Office", headers={"Auto-Submitted": "auto-replied"}),
        email_bytes(sender="MAILER-DAEMON@mx.example", subject="Undelivered Mail Returned"),
        email_bytes(headers={"Precedence": "bulk"}),
    )

    # when
    counts = source_poll(source_id=source.pk)

    # then
    assert counts["skipped"] == 3
    assert not Feedback.objects.filter(source=source).exists()
    reasons = sorted(SkippedItem.objects.filter(source=source).values_list("reason", flat=True))
    assert reasons == ["auto_reply", "auto_reply", "bounce"]


def test_bad_credentials_are_recorded_on_the_source_with_backoff(mailbox_source):
    # given
    source, _, _ = mailbox_source
    ImapMailbox.objects.filter(source=source).update(password_encrypted=secret_encrypt("wrong"))

    # when
    result = source_poll(source_id=source.pk)
    first_delay = PollState.objects.get(source=source).next_poll_at - timezone.now()
    PollState.objects.filter(source=source).update(next_poll_at=None)
    source_poll(source_id=source.pk)
    second_delay = PollState.objects.get(source=source).next_poll_at - timezone.now()

    # then
    source.refresh_from_db()
    assert "login failed" in result["error"]
    assert source.status == Source.Status.FAILING
    assert source.failure_count == 2
    assert "login failed" in source.last_error
    assert second_delay > first_delay


def test_unreachable_server_is_a_recorded_failure(firm):
    # given a port nothing listens on
    box = imap_mailbox_set(
        firm=firm, name="Dead", host="127.0.0.1", port=1, username="x", password="y", use_ssl=False
    )

    # when
    source_poll(source_id=box.source.pk)

    # then
    box.source.refresh_from_db()
    assert box.source.status == Source.Status.FAILING
    assert "Cannot reach IMAP server" in box.source.last_error


def test_password_is_encrypted_at_rest(mailbox_source):
    # given
    source, _, password = mailbox_source

    # when
    stored = ImapMailbox.objects.get(source=source).password_encrypted

    # then
    assert password not in stored
    assert secret_decrypt(stored) == password


def test_recovered_source_is_ok_again(mailbox_source, imap_server):
    # given a source that had failed
    source, user, password = mailbox_source
    Source.objects.filter(pk=source.pk).update(
        status=Source.Status.FAILING, failure_count=3, last_error="IMAP login failed"
    )
    _append(imap_server, user, password, email_bytes())

    # when
    source_poll(source_id=source.pk)

    # then
    source.refresh_from_db()
    assert source.status == Source.Status.OK
    assert source.failure_count == 0
    assert source.last_polled_at is not None


def test_server_speaks_imap(imap_server):
    # a sanity check of the fixture itself: plain imaplib can log in
    user, password = imap_server.add_user()
    conn = imaplib.IMAP4(imap_server.host, imap_server.port)
    assert conn.login(user, password)[0] == "OK"
    conn.logout()
