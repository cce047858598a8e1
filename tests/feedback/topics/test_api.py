"""/api/v1/topics/: list, detail and a topic's feedback; tenants apart, account managers scoped
to their clients, API keys by scope, query counts pinned."""

import pytest
from django.urls import reverse

from feedback.api_keys import api_key_create
from tests.feedback.conftest import browser_for, key_client

pytestmark = pytest.mark.django_db


def test_the_list_puts_the_emerging_topic_first_with_its_statistic(analyst, fitted_topics):
    # when
    body = browser_for(analyst).get(reverse("api-topic-list")).json()
    # then
    first, second = body["results"]
    assert first["id"] == fitted_topics["portal"].pk and first["emerging"]
    assert first["count_period"] == 8 and first["p_value"] < 0.01 and first["size"] == 8
    assert first["sentiment"] == {"negative": 8}
    assert second["id"] == fitted_topics["parking"].pk and not second["emerging"]
    assert body["count"] == 2


def test_detail_has_months_and_items_are_most_representative_first(analyst, fitted_topics):
    portal = fitted_topics["portal"]
    browser = browser_for(analyst)
    detail = browser.get(reverse("api-topic-detail", args=[portal.pk])).json()
    assert len(detail["months"]) == 6 and sum(m["count"] for m in detail["months"]) == 8
    items = browser.get(reverse("api-topic-items", args=[portal.pk]) + "?limit=3").json()
    assert items["count"] == 8
    assert [r["id"] for r in items["results"]] == [f.pk for f in fitted_topics["portal_items"][:3]]


def test_an_account_manager_sees_only_topics_their_clients_speak_to(
    account_manager, teammate, fitted_topics
):
    # the portal comments come from the account manager's client; the parking ones from none
    mine = browser_for(account_manager).get(reverse("api-topic-list")).json()
    assert [r["id"] for r in mine["results"]] == [fitted_topics["portal"].pk]
    parking = reverse("api-topic-detail", args=[fitted_topics["parking"].pk])
    assert browser_for(account_manager).get(parking).status_code == 404
    assert browser_for(teammate).get(reverse("api-topic-list")).json()["count"] == 0


def test_another_firms_topic_is_not_found_and_their_list_is_empty(outsider, fitted_topics):
    browser = browser_for(outsider)
    portal = fitted_topics["portal"].pk
    assert browser.get(reverse("api-topic-detail", args=[portal])).status_code == 404
    assert browser.get(reverse("api-topic-items", args=[portal])).status_code == 404
    assert browser.get(reverse("api-topic-list")).json()["count"] == 0


def test_an_api_key_with_read_scope_lists_the_whole_firm(firm, admin_member, fitted_topics):
    _, secret = api_key_create(firm=firm, name="BI", scopes=["read"], created_by=admin_member)
    body = key_client(secret).get(reverse("api-topic-list")).json()
    assert body["count"] == 2
    _, write_only = api_key_create(firm=firm, name="W", scopes=["write"], created_by=admin_member)
    assert key_client(write_only).get(reverse("api-topic-list")).status_code == 403


def test_bad_paging_input_is_refused_or_capped(analyst, fitted_topics):
    browser = browser_for(analyst)
    assert browser.get(reverse("api-topic-list") + "?limit=999999999999").status_code == 200
    assert browser.get(reverse("api-topic-detail", args=[10**9])).status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(
    analyst, fitted_topics, django_assert_max_num_queries
):
    browser = browser_for(analyst)
    browser.get(reverse("api-topic-list"))  # session and member rows warmed
    with django_assert_max_num_queries(9):
        browser.get(reverse("api-topic-list"))
