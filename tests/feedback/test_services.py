"""feedback_ingest: the single way in. Validation, normalisation, de-duplication."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from feedback.models import AnalysisStatus, Feedback
from feedback.services import feedback_ingest
from tests.factories import ContactFactory, SourceFactory


@pytest.mark.django_db
def test_ingest_saves_pending_feedback_mapped_to_the_senders_client(api_source):
    # given
    contact = ContactFactory(
        firm=api_source.firm, client__firm=api_source.firm, email="dana@globex.example"
    )

    # when
    result = feedback_ingest(
        source=api_source,
        text="  Great advice,\r\nthank you!  ",
        sender="Dana@Globex.example",
        external_id="m-1",
    )

    # then
    fb = result.feedback
    assert result.created
    assert fb.text == "Great advice,\nthank you!"
    assert (fb.contact, fb.client) == (contact, contact.client)
    assert fb.analysis_status == AnalysisStatus.PENDING
    assert fb.channel == api_source.channel
    assert len(fb.text_hash) == 64


@pytest.mark.django_db
def test_unknown_sender_is_kept_for_triage(api_source):
    result = feedback_ingest(
        source=api_source, text="Who do I talk to?", sender="x@nowhere.example"
    )

    assert result.feedback.pk is not None
    assert result.feedback.client is None
    assert result.feedback.sender == "x@nowhere.example"


@pytest.mark.django_db
def test_same_external_id_twice_gives_one_feedback(api_source):
    first = feedback_ingest(source=api_source, text="Thanks", external_id="dup-1")
    second = feedback_ingest(source=api_source, text="Thanks (replayed)", external_id="dup-1")

    assert first.created and not second.created
    assert second.feedback.pk == first.feedback.pk
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_same_external_id_from_another_source_is_a_different_item(api_source):
    other = SourceFactory(firm=api_source.firm)
    feedback_ingest(source=api_source, text="Thanks", external_id="same")
    feedback_ingest(source=other, text="Thanks", external_id="same")

    assert Feedback.objects.count() == 2


@pytest.mark.django_db
def test_replay_without_external_id_is_recognised(api_source):
    from datetime import UTC, datetime

    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    kwargs = {
        "source": api_source,
        "text": "Slow replies.",
        "sender": "a@b.example",
        "received_at": at,
    }
    assert feedback_ingest(**kwargs).created
    assert not feedback_ingest(**kwargs).created


@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_with_the_same_external_id_create_one_feedback(api_source):
    # given: transaction A has inserted the row and not yet committed when B tries the same id
    barrier = threading.Barrier(2)
    results: dict[str, bool] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["a"] = feedback_ingest(
                    source=api_source, text="One", external_id="race"
                ).created
                barrier.wait()
                time.sleep(0.5)  # B is now blocked on the unique index, waiting for us
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            barrier.wait()
            results["b"] = feedback_ingest(
                source=api_source, text="One", external_id="race"
            ).created
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # then
    assert not errors
    assert sorted(results.values()) == [False, True]
    assert Feedback.objects.filter(external_id="race").count() == 1


@pytest.mark.django_db
def test_html_is_reduced_to_visible_text_and_scripts_are_dropped(api_source):
    html = (
        "<html><body><p>Great &amp; quick</p><script>alert('x')</script><p>Thanks</p></body></html>"
    )

    fb = feedback_ingest(source=api_source, text=html, subject="<b>Re:</b> matter").feedback

    assert fb.text == "Great & quick\nThanks"
    assert "<" not in fb.subject
    assert "alert" not in fb.text


@pytest.mark.django_db
def test_nul_bytes_and_control_characters_are_removed(api_source):
    fb = feedback_ingest(source=api_source, text="Bad\x00 input\x07 here").feedback

    assert fb.text == "Bad input here"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"text": ""}, "text", "empty"),
        ({"text": "   \n\t "}, "text", "empty"),
        ({"text": "<p> </p><script>only script</script>"}, "text", "empty"),
        ({"text": 123}, "text", "must be a string"),
        ({"text": "x" * 1_000_001}, "text", "too long"),
        ({"text": "ok", "rating": "5"}, "rating", "whole number"),
        ({"text": "ok", "rating": 11, "rating_scale": 10}, "rating", "between 0 and 10"),
        ({"text": "ok", "rating": -1}, "rating", "between 0 and 10"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(
    api_source, kwargs, field, message
):
    with pytest.raises(ValidationError) as caught:
        feedback_ingest(source=api_source, **kwargs)

    assert message in " ".join(caught.value.message_dict[field])
    assert Feedback.objects.count() == 0


@pytest.mark.django_db
def test_a_contact_of_another_firm_is_refused(api_source, other_firm):
    stranger = ContactFactory(firm=other_firm, client__firm=other_firm)

    with pytest.raises(ValidationError) as caught:
        feedback_ingest(source=api_source, text="Hello", contact=stranger)

    assert "another firm" in caught.value.message_dict["contact"][0]
    assert Feedback.objects.count() == 0


@pytest.mark.django_db
def test_ingest_inside_a_failed_transaction_leaves_nothing(api_source):
    with pytest.raises(RuntimeError), transaction.atomic():
        feedback_ingest(source=api_source, text="Will roll back", external_id="rb")
        raise RuntimeError("caller failed after ingest")

    assert not Feedback.objects.filter(external_id="rb").exists()


@pytest.mark.django_db
def test_ingest_costs_a_fixed_handful_of_queries(api_source, django_assert_max_num_queries):
    # given a known sender, so the contact lookup is part of the path
    ContactFactory(firm=api_source.firm, client__firm=api_source.firm, email="q@client.example")

    # then: contact lookup, savepoint, insert, release; no per-foreign-key re-fetches
    with django_assert_max_num_queries(4):
        feedback_ingest(source=api_source, text="Quick question", sender="q@client.example")
