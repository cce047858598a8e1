"""Concurrent bulk ingests with overlapping external ids never deadlock."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from feedback.models import Feedback
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
