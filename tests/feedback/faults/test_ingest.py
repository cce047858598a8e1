"""Ingest under retries and concurrency: no deadlock, one row per item however often sent."""

import threading

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from feedback.models import Channel, Feedback
from tests.factories import SourceFactory
from tests.feedback.conftest import key_client


@pytest.mark.django_db(transaction=True)
def test_bulk_ingests_with_overlapping_ids_in_opposite_orders_all_succeed(api_key, api_source):
    # given two senders posting the same 150 ids, one in reverse order, three rounds
    _, secret = api_key
    url = reverse("api-feedback-bulk")
    statuses: list[int] = []

    def post(ids: list[int]) -> None:
        items = [
            {"source": api_source.pk, "text": f"Item {i}", "external_id": f"x-{i}"} for i in ids
        ]
        browser = key_client(secret)
        browser.raise_request_exception = False
        try:
            response = browser.post(url, {"items": items}, content_type="application/json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    # when
    for round_ in range(3):
        ids = list(range(round_ * 100, round_ * 100 + 150))
        threads = [
            threading.Thread(target=post, args=(ids,)),
            threading.Thread(target=post, args=(ids[::-1],)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    # then every request succeeded and each id was saved once
    assert statuses == [200] * 6
    assert Feedback.objects.count() == 350


@pytest.mark.django_db
def test_a_retried_api_post_without_external_id_or_time_saves_one_item(api_key, api_source):
    # given
    _, secret = api_key
    body = {"source": api_source.pk, "text": "Thanks for the quick turnaround."}

    # when the sender retries ten times
    codes = [
        key_client(secret)
        .post(reverse("api-feedback-list"), body, content_type="application/json")
        .status_code
        for _ in range(10)
    ]

    # then
    assert codes == [201] + [200] * 9
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_a_retried_form_post_without_submission_id_saves_one_item(firm):
    # given
    source = SourceFactory(firm=firm, channel=Channel.FORM, name="Website form")
    url = reverse("portal:form", kwargs={"public_key": source.public_key})
    body = {"text": "Great advice.", "email": "pat@globex.example"}

    # when
    for _ in range(5):
        HttpClient().post(url, body, HTTP_ACCEPT="application/json")

    # then
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_different_words_or_senders_are_different_items(api_key, api_source):
    # given
    _, secret = api_key
    url = reverse("api-feedback-list")

    # when
    for text, sender in [("One", "a@x.example"), ("Two", "a@x.example"), ("One", "b@x.example")]:
        body = {"source": api_source.pk, "text": text, "sender": sender}
        key_client(secret).post(url, body, content_type="application/json")

    # then
    assert Feedback.objects.count() == 3
