"""The bad-input corpus: each input ends as a clean item or a clearly recorded error, never a
crash, never a duplicate, never unescaped HTML where it is shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Channel, Feedback
from listening.models import SkippedItem, TriageItem
from listening.services.csv_import import csv_import_create, csv_import_run
from listening.services.email import email_message_ingest
from tests.factories import SourceFactory
from tests.listening.samples import email_bytes

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def inbox(firm):
    return SourceFactory(firm=firm, channel=Channel.EMAIL, name="Corpus")


def _ingest(source, data: bytes):
    return email_message_ingest(source=source, data=data, via="test")


MALFORMED = [
    pytest.param(b"", id="empty bytes"),
    pytest.param(b"not an email at all", id="no headers"),
    pytest.param(
        b'From: a@b.example\r\nContent-Type: multipart/mixed; boundary="X"\r\n\r\n'
        b"--X\r\nContent-Type: text/plain\r\n\r\nunterminated multipart",
        id="unterminated multipart",
    ),
    pytest.param(
        b"From: a@b.example\r\nContent-Type: multipart/alternative\r\n\r\nno boundary given",
        id="multipart without boundary",
    ),
    pytest.param(
        b"From: =?utf-8?B?!!!notbase64?=\r\nSubject: =?x-bogus?Q?=FF=FE?=\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n%%%% not base64 %%%%",
        id="broken encoded words and base64",
    ),
    pytest.param(
        b"From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xff\xfe\xfa bytes",
        id="wrong charset",
    ),
    pytest.param(
        b"From: a@b.example\r\nContent-Type: text/plain\r\n\r\nna\xefve caf\xe9 latin-1 body",
        id="missing charset",
    ),
    pytest.param(
        b"From: a@b.example\r\nContent-Type: text/plain; charset=klingon-8\r\n\r\nunknown cs",
        id="unknown charset",
    ),
    pytest.param(b"From: a\x00@b.example\r\nSubject: nul\x00\r\n\r\nbody \x00 with NUL", id="NUL"),
]


@pytest.mark.parametrize("data", MALFORMED)
def test_malformed_mime_is_an_item_or_a_recorded_error_and_replays_add_nothing(inbox, data):
    # when
    first = _ingest(inbox, data)
    second = _ingest(inbox, data)

    # then
    assert (first.feedback is None) != (first.skipped is None)
    assert second.created is False
    total = Feedback.objects.filter(source=inbox).count() + SkippedItem.objects.count()
    assert total == 1
    if first.feedback is not None:
        assert "\x00" not in first.feedback.text
        assert first.feedback.text.strip()
    else:
        assert first.skipped.detail


def test_a_10_mb_body_is_recorded_as_too_long_not_crashed(inbox, settings):
    # given
    data = email_bytes(body=("word " * 2_100_000), message_id="<huge@x>")

    # when
    outcome = _ingest(inbox, data)

    # then
    assert outcome.feedback is None
    assert "too long" in outcome.skipped.detail
    assert len(outcome.skipped.raw["mime"]) <= 20_000


def test_attachments_only_is_recorded_with_the_attachment_names(inbox):
    # given
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "pat@client.example"
    msg["Subject"] = "see attached"
    msg["Message-ID"] = "<att@x>"
    msg.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="notes.pdf")

    # when
    outcome = _ingest(inbox, msg.as_bytes())

    # then
    assert outcome.skipped.reason == SkippedItem.Reason.INVALID
    assert "notes.pdf" in outcome.skipped.detail


def test_script_in_body_and_subject_is_inert_everywhere_it_is_shown(
    client, inbox, admin_member, django_user_model
):
    # given
    data = email_bytes(
        sender="stranger@elsewhere.example",
        subject=f"Hello {SCRIPT}",
        body=f"Plain text that mentions {SCRIPT} literally.",
        html=f"<p>Great work</p>{SCRIPT}",
    )
    outcome = _ingest(inbox, data)
    superuser = django_user_model.objects.create_superuser("root", "r@x.example", "pw")

    # when
    client.force_login(admin_member.user)
    triage = client.get(reverse("listening:triage"))
    client.force_login(superuser)
    pages = [
        client.get(reverse("admin:feedback_feedback_changelist")),
        client.get(reverse("admin:feedback_feedback_change", args=[outcome.feedback.pk])),
        client.get(reverse("admin:listening_triageitem_changelist")),
    ]

    # then
    assert TriageItem.objects.filter(feedback=outcome.feedback).exists()
    for page in [triage, *pages]:
        assert page.status_code == 200
        assert SCRIPT.encode() not in page.content


def test_script_in_an_auto_reply_is_inert_in_the_skipped_admin(client, inbox, django_user_model):
    # given
    _ingest(inbox, email_bytes(subject=f"Out of office {SCRIPT}", headers={"Precedence": "bulk"}))
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.example", "pw"))

    # when
    page = client.get(reverse("admin:listening_skippeditem_changelist"))

    # then
    assert page.status_code == 200
    assert SCRIPT.encode() not in page.content


def test_non_utf8_csv_with_nul_bytes_imports_clean_rows(firm, settings, tmp_path):
    # given a Latin-1 CSV with a NUL byte and a script tag
    settings.MEDIA_ROOT = str(tmp_path)
    source = SourceFactory(firm=firm, channel=Channel.IMPORT, name="Corpus CSV")
    content = 'Comment\n"R\xe9sum\xe9 was \x00 fine"\n"<script>alert(1)</script>Good"\n'.encode(
        "latin-1"
    )
    job = csv_import_create(
        source=source,
        file=SimpleUploadedFile("c.csv", content),
        mapping={"text": "Comment"},
        dry_run=False,
    )

    # when
    job = csv_import_run(import_id=job.pk)

    # then
    assert job.rows_created == 2
    texts = set(Feedback.objects.filter(source=source).values_list("text", flat=True))
    assert texts == {"Résumé was fine", "Good"}
