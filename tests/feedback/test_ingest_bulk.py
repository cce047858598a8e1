"""feedback_ingest_many: many items in one COPY + upsert, with feedback_ingest's guarantees:
saved before the workers are woken, de-duplicated by external id, one firm per call, no deadlock."""

import base64
import json
import random
import threading

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from config.queues import ANALYSE_PENDING_TASK
from feedback.enqueue import WAKE_FLAG
from feedback.ingest import feedback_candidate
from feedback.ingest_bulk import bulk_lookups, feedback_ingest_many
from feedback.models import AnalysisStatus, Feedback, PiiRedaction
from feedback.services import feedback_ingest
from tests.factories import ContactFactory, SourceFactory
from tests.feedback.conftest import key_client


def _candidates(source, ids, **extra):
    return [
        feedback_candidate(source=source, text=f"Item {i}", external_id=f"x-{i}", **extra)
        for i in ids
    ]


def _queued() -> list[tuple[str, list]]:
    """The tasks waiting on the broker's `nlp` queue (Redis), oldest first, with their args."""
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    queued = []
    for raw in reversed(broker.lrange("nlp", 0, -1)):
        message = json.loads(raw)
        args, _, _ = json.loads(base64.b64decode(message["body"]))
        queued.append((message["headers"]["task"], args))
    return queued


def _broker_emptied(url: str) -> None:
    broker = redis.Redis.from_url(url)
    broker.delete("nlp", WAKE_FLAG.format(name=ANALYSE_PENDING_TASK))


@pytest.mark.django_db
def test_every_item_is_saved_pending_and_one_wake_up_is_queued(
    api_source, settings, django_capture_on_commit_callbacks
):
    # given a broker with nothing waiting
    _broker_emptied(settings.CELERY_BROKER_URL)

    # when 120 items arrive at once
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        results = feedback_ingest_many(candidates=_candidates(api_source, range(120)))

    # then each is a pending row, and one wake-up (not 120 tasks) asks the workers to drain them
    ids = [pk for pk, created in results if created]
    assert len(ids) == 120 and len(callbacks) == 1
    rows = Feedback.objects.filter(pk__in=ids)
    assert {r.analysis_status for r in rows} == {AnalysisStatus.PENDING}
    assert {r.external_id for r in rows} == {f"x-{i}" for i in range(120)}
    assert _queued() == [("nlp.analyse_pending", [])]
    _broker_emptied(settings.CELERY_BROKER_URL)


@pytest.mark.django_db
def test_the_benches_baseline_queues_one_task_per_batch(
    api_source, settings, django_capture_on_commit_callbacks
):
    # given the old path (bench baseline), batches of 50
    settings.NLP_ENQUEUE_PER_ITEM = True
    settings.NLP_BATCH_SIZE = 50
    _broker_emptied(settings.CELERY_BROKER_URL)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        results = feedback_ingest_many(candidates=_candidates(api_source, range(120)))

    # then three tasks carry all the ids
    queued = _queued()
    assert {task for task, _ in queued} == {"nlp.analyse_batch"}
    assert [len(args[0]) for _, args in queued] == [50, 50, 20]
    assert sorted(sum((args[0] for _, args in queued), [])) == sorted(pk for pk, _ in results)
    _broker_emptied(settings.CELERY_BROKER_URL)


@pytest.mark.django_db
def test_existing_and_repeated_keys_are_not_written_again(api_source):
    # given one item already stored
    first = feedback_ingest(source=api_source, text="Item 1", external_id="x-1").feedback

    # when a batch repeats it, and repeats one of its own items
    results = feedback_ingest_many(candidates=_candidates(api_source, [1, 2, 3, 2]))

    # then only the new keys are written, and every repeat points at the row it repeats
    new_2 = Feedback.objects.get(external_id="x-2").pk
    new_3 = Feedback.objects.get(external_id="x-3").pk
    assert results == [(first.pk, False), (new_2, True), (new_3, True), (new_2, False)]
    assert Feedback.objects.count() == 3
    # and sending the whole batch again creates nothing
    again = feedback_ingest_many(candidates=_candidates(api_source, [3, 2, 1]))
    assert again == [(new_3, False), (new_2, False), (first.pk, False)]


@pytest.mark.django_db
def test_the_same_external_id_in_two_sources_is_two_items(api_source, firm):
    other = SourceFactory(firm=firm, name="Second API")
    candidates = _candidates(api_source, [1]) + _candidates(other, [1])
    results = feedback_ingest_many(candidates=candidates)
    assert [created for _, created in results] == [True, True]
    assert Feedback.objects.filter(external_id="x-1").count() == 2


@pytest.mark.django_db
def test_a_call_mixing_firms_is_refused(api_source, other_firm):
    foreign = SourceFactory(firm=other_firm, name="Their API")
    with pytest.raises(ValueError, match="one firm"):
        feedback_ingest_many(candidates=_candidates(api_source, [1]) + _candidates(foreign, [2]))
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_bulk_api_attributes_senders_in_the_callers_firm_only(
    api_key, api_source, firm, other_firm
):
    # given the same address known as a contact in both firms
    ours = ContactFactory(client__firm=firm, email="pat@globex.example")
    ContactFactory(client__firm=other_firm, email="dana@rival.example")
    _, secret = api_key
    items = [
        {
            "source": api_source.pk,
            "text": "Good",
            "external_id": "a",
            "sender": "PAT@globex.example",
        },
        {
            "source": api_source.pk,
            "text": "Bad",
            "external_id": "b",
            "sender": "dana@rival.example",
        },
    ]

    # when
    response = key_client(secret).post(
        reverse("api-feedback-bulk"), {"items": items}, content_type="application/json"
    )

    # then our contact is attributed, the other firm's is not
    assert response.status_code == 200
    a, b = (Feedback.objects.get(external_id=k) for k in "ab")
    assert (a.contact_id, a.client_id) == (ours.pk, ours.client_id)
    assert (b.contact_id, b.client_id) == (None, None)


@pytest.mark.django_db
def test_bulk_api_refuses_another_firms_source_or_contact(api_key, api_source, other_firm):
    # given
    _, secret = api_key
    foreign_source = SourceFactory(firm=other_firm, name="Their API")
    foreign_contact = ContactFactory(client__firm=other_firm)
    url = reverse("api-feedback-bulk")
    good = {"source": api_source.pk, "text": "Fine", "external_id": "ok"}

    for bad, field in [
        ({"source": foreign_source.pk, "text": "Hi", "external_id": "s"}, "source"),
        ({**good, "external_id": "c", "contact": foreign_contact.pk}, "contact"),
    ]:
        # when
        response = key_client(secret).post(
            url, {"items": [good, bad]}, content_type="application/json"
        )
        # then the whole request is refused, naming the item and the field
        assert response.status_code == 400
        assert response.json()["items"]["1"][field] == "Not found in your firm."
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_bulk_items_are_masked_at_ingest_like_single_ones(api_source, firm):
    # given a firm that masks personal data before storing it
    firm.pii_redaction = PiiRedaction.INGEST
    firm.save(update_fields=["pii_redaction"])
    api_source.firm.refresh_from_db()
    lookups = bulk_lookups(firm=api_source.firm, senders=[])
    text = "Call 07911 123456 or dana.doe@globex.example please."

    # when
    candidate = feedback_candidate(
        source=api_source, text=text, external_id="m", known_names=lookups.known_names
    )
    feedback_ingest_many(candidates=[candidate])

    # then
    assert Feedback.objects.get().text == "Call [phone] or [email] please."


@pytest.mark.django_db(transaction=True)
def test_overlapping_batches_in_any_order_all_succeed_once(api_source):
    # given four writers sharing most of their 300 ids, each in its own shuffled order
    ids = list(range(400))
    orders = [
        random.Random(seed).sample(ids[seed * 30 : seed * 30 + 300], 300) for seed in range(4)
    ]
    failures: list[BaseException] = []
    created: list[int] = []

    def write(order: list[int]) -> None:
        try:
            results = feedback_ingest_many(candidates=_candidates(api_source, order))
            created.extend(pk for pk, new in results if new)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    # when they run at the same time
    threads = [threading.Thread(target=write, args=(order,)) for order in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then no deadlock or error, each id saved once, and created once
    assert failures == []
    expected = set().union(*map(set, orders))
    assert Feedback.objects.count() == len(expected) == len(created) == len(set(created))
