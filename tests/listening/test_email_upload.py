"""Admin upload of .eml and mbox files, and the triage list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Channel, Feedback
from listening.models import TriageItem
from tests.factories import SourceFactory
from tests.listening.samples import email_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(firm):
    return SourceFactory(firm=firm, channel=Channel.EMAIL, name="Uploads")


def _url(source) -> str:
    return reverse("listening:email_upload", args=[source.pk])


def _mbox(*messages: bytes) -> bytes:
    out = b""
    for data in messages:
        body = data.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        out += b"From sender@example Mon Mar  2 09:00:00 2026\n" + body + b"\n"
    return out


def test_upload_needs_sign_in(client, inbox):
    # when
    resp = client.get(_url(inbox))

    # then
    assert resp.status_code == 302


def test_upload_validates_ownership(client, inbox, outsider):
    # given
    client.force_login(outsider.user)

    # when
    resp = client.post(_url(inbox), {"file": SimpleUploadedFile("a.eml", email_bytes())})

    # then
    assert resp.status_code == 404
    assert not Feedback.objects.exists()


def test_upload_refuses_a_file_that_is_not_email(client, inbox, admin_member):
    # given
    client.force_login(admin_member.user)

    # when
    resp = client.post(_url(inbox), {"file": SimpleUploadedFile("x.eml", b"\x89PNG\r\n\x1a\n...")})
    empty = client.post(_url(inbox), {})

    # then
    assert resp.status_code == 400
    assert b"not an .eml message" in resp.content
    assert empty.status_code == 400


def test_eml_upload_saves_the_message_once(client, inbox, admin_member):
    # given
    client.force_login(admin_member.user)
    data = email_bytes(message_id="<eml-1@client>", sender="who@unknown.example")

    # when
    first = client.post(_url(inbox), {"file": SimpleUploadedFile("m.eml", data)})
    second = client.post(_url(inbox), {"file": SimpleUploadedFile("m.eml", data)})

    # then
    assert first.status_code == second.status_code == 200
    assert b"1 added" in first.content
    assert b"1 already known" in second.content
    fb = Feedback.objects.get(source=inbox)
    assert fb.raw["via"] == "upload"
    assert TriageItem.objects.filter(feedback=fb).exists()


def test_mbox_upload_saves_every_message(client, inbox, analyst):
    # given
    client.force_login(analyst.user)
    data = _mbox(
        email_bytes(body="First."),
        email_bytes(body="Second.\nFrom the team's side all good."),
        email_bytes(subject="Automatic reply: away", headers={"Auto-Submitted": "auto-replied"}),
    )

    # when
    resp = client.post(_url(inbox), {"file": SimpleUploadedFile("archive.mbox", data)})

    # then
    assert resp.status_code == 200
    assert b"3 messages: 2 added, 0 already known, 1 set aside" in resp.content
    assert set(Feedback.objects.values_list("text", flat=True)) == {
        "First.",
        "Second.\nFrom the team's side all good.",
    }


def test_triage_lists_unknown_senders_of_my_firm_only(client, inbox, admin_member, outsider):
    # given
    client.force_login(admin_member.user)
    client.post(
        _url(inbox),
        {"file": SimpleUploadedFile("m.eml", email_bytes(sender="<b>x</b>@evil.example"))},
    )
    client.post(
        _url(inbox), {"file": SimpleUploadedFile("n.eml", email_bytes(sender="zed@z.example"))}
    )

    # when
    mine = client.get(reverse("listening:triage"))
    client.force_login(outsider.user)
    theirs = client.get(reverse("listening:triage"))

    # then
    assert mine.status_code == 200
    assert b"zed@z.example" in mine.content
    assert b"<b>x</b>" not in mine.content
    assert b"zed@z.example" not in theirs.content


def _triaged(inbox, sender: str):
    from listening.services.email import email_message_ingest

    return email_message_ingest(source=inbox, data=email_bytes(sender=sender), via="test").feedback


def test_assign_needs_a_signed_in_firm_admin(client, inbox):
    # given
    fb = _triaged(inbox, "new@prospect.example")

    # when
    resp = client.post(reverse("listening:triage_assign", args=[fb.triage.pk]), {"client": 1})

    # then
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]


def test_assign_validates_ownership(client, inbox, outsider):
    # given
    from tests.factories import ClientFactory

    fb = _triaged(inbox, "new@prospect.example")
    theirs = ClientFactory(firm=outsider.firm)
    client.force_login(outsider.user)

    # when
    resp = client.post(
        reverse("listening:triage_assign", args=[fb.triage.pk]), {"client": theirs.pk}
    )

    # then
    assert resp.status_code == 404


def test_assign_refuses_another_firms_client(client, inbox, admin_member, other_firm):
    # given
    from tests.factories import ClientFactory

    fb = _triaged(inbox, "new@prospect.example")
    theirs = ClientFactory(firm=other_firm)
    client.force_login(admin_member.user)

    # when
    resp = client.post(
        reverse("listening:triage_assign", args=[fb.triage.pk]), {"client": theirs.pk}
    )
    junk = client.post(reverse("listening:triage_assign", args=[fb.triage.pk]), {"client": "x"})

    # then
    assert resp.status_code == junk.status_code == 400
    fb.refresh_from_db()
    assert fb.contact is None


def test_assign_makes_a_contact_and_attributes_all_their_feedback(
    client, inbox, admin_member, client_of
):
    # given two messages from the same unknown sender
    first = _triaged(inbox, "New@Prospect.example")
    second = _triaged(inbox, "new@prospect.example")
    client.force_login(admin_member.user)

    # when
    resp = client.post(
        reverse("listening:triage_assign", args=[first.triage.pk]),
        {"client": client_of.pk, "name": "Nia New"},
    )

    # then
    assert resp.status_code == 302
    for fb in (first, second):
        fb.refresh_from_db()
        assert fb.client == client_of
        assert fb.contact.email == "new@prospect.example"
    assert not TriageItem.objects.filter(resolved_at__isnull=True).exists()
    page = client.get(reverse("listening:triage"))
    assert b"Nothing to triage" in page.content
