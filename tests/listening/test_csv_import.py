"""CSV import: mapping, dry run with per-row errors, idempotent re-import, streaming, progress."""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Channel, Feedback
from listening.models import CsvImport
from listening.services.csv_import import csv_import_create, csv_import_run
from tests.factories import SourceFactory, TouchpointFactory

pytestmark = pytest.mark.django_db

MAPPING = {"text": "Comment", "received_at": "Date", "sender": "Email", "rating": "Score"}
GOOD = (
    "Comment,Date,Email,Score\n"
    '"Quick, clear advice.",2025-03-01,pat@client.example,9\n'
    "Invoice was wrong.,2025-03-02T10:00:00,kim@client.example,3\n"
    ",2025-03-03,empty@client.example,5\n"
    "Fine.,not-a-date,x@client.example,7\n"
    "Odd score.,2025-03-04,y@client.example,lots\n"
)


@pytest.fixture
def import_source(firm, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return SourceFactory(firm=firm, channel=Channel.IMPORT, name="History")


def _upload(content: bytes | str, name: str = "history.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _run(source, content, *, dry_run: bool, mapping=MAPPING) -> CsvImport:
    job = csv_import_create(source=source, file=_upload(content), mapping=mapping, dry_run=dry_run)
    return csv_import_run(import_id=job.pk)


def test_dry_run_previews_rows_and_lists_row_errors_without_saving(import_source):
    # when
    job = _run(import_source, GOOD, dry_run=True)

    # then
    assert job.status == CsvImport.Status.DONE
    assert (job.rows_total, job.rows_done, job.rows_failed) == (5, 5, 3)
    assert [e["row"] for e in job.errors] == [4, 5, 6]
    assert "empty" in job.errors[0]["error"]
    assert "Not a date" in job.errors[1]["error"]
    assert "Not a number" in job.errors[2]["error"]
    assert job.preview[0]["text"] == "Quick, clear advice."
    assert not Feedback.objects.exists()


def test_import_twice_creates_no_duplicates(import_source):
    # given
    first = _run(import_source, GOOD, dry_run=False)

    # when
    second = _run(import_source, GOOD, dry_run=False)

    # then
    assert first.rows_created == 2
    assert (second.rows_created, second.rows_duplicate) == (0, 2)
    assert Feedback.objects.filter(source=import_source).count() == 2
    fb = Feedback.objects.get(source=import_source, sender="pat@client.example")
    assert fb.rating == 9 and fb.rating_scale == 10
    assert fb.received_at.date().isoformat() == "2025-03-01"
    assert fb.raw["row"]["Comment"] == "Quick, clear advice."


def test_external_id_column_and_touchpoint_are_used(import_source):
    # given
    TouchpointFactory(firm=import_source.firm, name="Billing", slug="billing")
    content = "id,text,stage\nA-1,Too expensive.,billing\nA-2,Nice.,nowhere\n"

    # when
    job = _run(
        import_source,
        content,
        dry_run=False,
        mapping={"text": "text", "external_id": "id", "touchpoint": "stage"},
    )

    # then
    fb = Feedback.objects.get(source=import_source)
    assert fb.external_id == "csv:A-1"
    assert fb.touchpoint.slug == "billing"
    assert job.errors == [{"row": 3, "error": "Unknown touchpoint 'nowhere'."}]


def test_non_utf8_file_is_decoded(import_source):
    # given a Windows-1252 export
    content = 'Comment\n"Café service was très bien, naïve résumé."\n'.encode("cp1252")

    # when
    _run(import_source, content, dry_run=False, mapping={"text": "Comment"})

    # then
    assert Feedback.objects.get(source=import_source).text == (
        "Café service was très bien, naïve résumé."
    )


def test_mapping_to_a_missing_column_is_refused_up_front(import_source):
    # when / then
    with pytest.raises(Exception, match="Columns not in the file: Nope"):
        csv_import_create(
            source=import_source, file=_upload(GOOD), mapping={"text": "Nope"}, dry_run=True
        )


def test_running_an_import_twice_is_a_no_op(import_source):
    # given
    job = _run(import_source, GOOD, dry_run=False)

    # when
    again = csv_import_run(import_id=job.pk)

    # then
    assert again is None
    assert csv_import_run(import_id=999999) is None
    assert Feedback.objects.count() == 2


def _big_csv(rows: int) -> bytes:
    buf = io.StringIO()
    buf.write("Comment,Email\n")
    for i in range(rows):
        buf.write(f"Row {i} says the service was responsive and clear,p{i}@client.example\n")
    return buf.getvalue().encode()


def _dry_run_peak(source, data: bytes) -> tuple[CsvImport, int]:
    job = csv_import_create(
        source=source,
        file=_upload(data),
        mapping={"text": "Comment", "sender": "Email"},
        dry_run=True,
    )
    tracemalloc.start()
    job = csv_import_run(import_id=job.pk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return job, peak


def test_100k_rows_are_processed_with_progress(import_source):
    # given a 100k-row file (about 7 MB)
    data = _big_csv(100_000)
    job = csv_import_create(
        source=import_source,
        file=_upload(data),
        mapping={"text": "Comment", "sender": "Email"},
        dry_run=True,
    )

    # when
    job = csv_import_run(import_id=job.pk)

    # then
    assert job.rows_total == job.rows_done == 100_000
    assert job.rows_failed == 0
    assert job.progress_percent == 100


def test_memory_stays_flat_as_the_file_grows(import_source):
    # given files of 2k and 20k rows
    small, large = _big_csv(2_000), _big_csv(20_000)

    # when
    _, small_peak = _dry_run_peak(import_source, small)
    _, large_peak = _dry_run_peak(import_source, large)

    # then ten times the rows must not mean ten times the memory (streamed, not loaded)
    assert large_peak < small_peak * 2, (small_peak, large_peak)
    assert large_peak < 8 * 1024 * 1024


def test_import_page_needs_a_signed_in_firm_admin(client, import_source):
    # when
    resp = client.get(reverse("listening:csv_import_new", args=[import_source.pk]))

    # then
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]


def test_account_managers_cannot_import(client, import_source, account_manager):
    # given
    client.force_login(account_manager.user)

    # when
    resp = client.get(reverse("listening:csv_import_new", args=[import_source.pk]))

    # then
    assert resp.status_code == 403


def test_import_page_validates_ownership(client, import_source, outsider):
    # given
    client.force_login(outsider.user)

    # when
    resp = client.get(reverse("listening:csv_import_new", args=[import_source.pk]))

    # then
    assert resp.status_code == 404


def test_import_page_refuses_a_bad_mapping(client, import_source, admin_member):
    # given
    client.force_login(admin_member.user)

    # when
    resp = client.post(
        reverse("listening:csv_import_new", args=[import_source.pk]),
        {"file": _upload(GOOD), "map_text": "NoSuchColumn", "dry_run": "on"},
    )

    # then
    assert resp.status_code == 400
    assert b"Columns not in the file" in resp.content
    assert not CsvImport.objects.exists()


def test_import_page_starts_an_import_and_shows_progress(
    client, import_source, admin_member, django_capture_on_commit_callbacks
):
    # given
    client.force_login(admin_member.user)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = client.post(
            reverse("listening:csv_import_new", args=[import_source.pk]),
            {"file": _upload(GOOD), "map_text": "Comment", "map_sender": "Email"},
        )
    job = CsvImport.objects.get()
    csv_import_run(import_id=job.pk)
    progress = client.get(
        reverse("listening:csv_import_detail", args=[job.pk]), {"format": "json"}
    ).json()
    page = client.get(reverse("listening:csv_import_detail", args=[job.pk]))

    # then
    assert resp.status_code == 302
    assert len(callbacks) == 1
    assert job.dry_run is False
    assert progress["status"] == "done"
    assert progress["progress_percent"] == 100
    assert progress["rows_created"] == 4
    assert b"Refused rows" in page.content


def test_progress_of_another_firms_import_is_404(client, import_source, outsider):
    # given
    job = csv_import_create(source=import_source, file=_upload(GOOD), mapping=MAPPING, dry_run=True)
    client.force_login(outsider.user)

    # when
    resp = client.get(reverse("listening:csv_import_detail", args=[job.pk]))

    # then
    assert resp.status_code == 404
