"""The REST API: keys, ingest, filters, query counts, schema and docs, and the API-keys page."""

import pytest
from django.urls import reverse

from feedback.api_keys import api_key_create, api_key_revoke
from feedback.models import ApiKey, Feedback
from feedback.tasks import on_analysed
from tests.factories import ClientFactory, FeedbackFactory, SourceFactory
from tests.feedback.conftest import analyse, browser_for, key_client

pytestmark = pytest.mark.django_db


def test_api_keys_are_stored_hashed_and_can_be_revoked(firm, api_key, case):
    # given
    key, secret = api_key
    assert secret not in ApiKey.objects.values_list("hashed", flat=True)
    assert key_client(secret).get(reverse("api-case-list")).status_code == 200

    # when
    api_key_revoke(key=key)

    # then
    assert key_client(secret).get(reverse("api-case-list")).status_code == 401
    assert key_client(secret + "x").get(reverse("api-case-list")).status_code == 401


def test_read_only_key_cannot_write(firm, api_source):
    _, secret = api_key_create(firm=firm, name="BI", scopes=["read"])
    response = key_client(secret).post(
        reverse("api-feedback-list"),
        {"source": api_source.pk, "text": "Hello"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_case_action_bad_input_is_400(case, account_manager):
    browser = browser_for(account_manager)
    url = reverse("api-case-action", args=[case.pk])
    for data in [{"action": "dance"}, {"action": "resolve", "outcome": "x"}, {"action": "note"}]:
        assert browser.post(url, data, content_type="application/json").status_code == 400


def test_each_case_action_has_its_own_address(case, account_manager, admin_member):
    # given a case, and the account manager acting through the API
    browser = browser_for(account_manager)

    def act(name: str, data: dict) -> dict:
        response = browser.post(
            reverse(f"api-case-{name}", args=[case.pk]), data, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    # when each action is posted to its own address
    assert act("acknowledge", {})["status"] == "acknowledged"
    act("note", {"body": "Called the client"})
    act("reassign", {"owner": admin_member.pk})
    resolved = act("resolve", {"outcome": "addressed", "body": "Fee credit agreed"})

    # then the case moved, and each action left its event
    assert resolved["status"] == "resolved" and resolved["owner_id"] == admin_member.pk
    kinds = set(case.events.values_list("kind", flat=True))
    assert {"acknowledged", "note", "reassigned", "resolved"} <= kinds


def test_per_action_addresses_refuse_bad_input(case, account_manager):
    browser = browser_for(account_manager)
    for name, data in [("note", {}), ("reply", {"body": ""}), ("resolve", {}), ("reassign", {})]:
        url = reverse(f"api-case-{name}", args=[case.pk])
        assert browser.post(url, data, content_type="application/json").status_code == 400
    url = reverse("api-case-reassign", args=[case.pk])
    assert browser.post(url, {"owner": 999_999}, content_type="application/json").status_code == 404


def test_resolve_via_api_key(case, api_key):
    _, secret = api_key
    response = key_client(secret).post(
        reverse("api-case-action", args=[case.pk]),
        {"action": "resolve", "outcome": "addressed", "body": "Done"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"


def test_ingest_single_is_idempotent_and_scoped(api_key, api_source, other_firm):
    # given
    _, secret = api_key
    url = reverse("api-feedback-list")
    body = {"source": api_source.pk, "text": "Great <b>work</b>", "external_id": "crm-1"}

    # when
    first = key_client(secret).post(url, body, content_type="application/json")
    again = key_client(secret).post(url, body, content_type="application/json")
    foreign = key_client(secret).post(
        url,
        {"source": SourceFactory(firm=other_firm).pk, "text": "x"},
        content_type="application/json",
    )
    empty = key_client(secret).post(
        url, {"source": api_source.pk, "text": "   "}, content_type="application/json"
    )

    # then
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Feedback.objects.get().text == "Great work"
    assert (foreign.status_code, empty.status_code) == (400, 400)


def test_bulk_ingest_is_all_or_nothing(api_key, api_source, firm):
    _, secret = api_key
    url = reverse("api-feedback-bulk")
    good = [{"source": api_source.pk, "text": f"Item {i}", "external_id": str(i)} for i in range(3)]
    bad = key_client(secret).post(
        url,
        {"items": [*good, {"source": api_source.pk, "text": ""}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert not Feedback.objects.exists()
    ok = key_client(secret).post(url, {"items": good}, content_type="application/json")
    assert ok.status_code == 200
    assert [r["created"] for r in ok.json()["results"]] == [True, True, True]


def test_feedback_filters_and_search(admin_member, api_source, client_of):
    FeedbackFactory(source=api_source, client=client_of, text="Invoices were wrong")
    FeedbackFactory(source=api_source, text="Lovely people")
    browser = browser_for(admin_member)
    url = reverse("api-feedback-list")
    assert browser.get(url + "?q=invoice").json()["count"] == 1
    assert browser.get(url + f"?client={client_of.pk}").json()["count"] == 1
    assert browser.get(url + "?sentiment=bogus").status_code == 400


def test_list_endpoints_pin_their_query_counts(
    django_assert_num_queries, admin_member, api_source, firm, promise
):
    # given: 20 analysed items on 5 clients, each with a case
    for i in range(20):
        client = (
            ClientFactory(firm=firm, name=f"C{i % 5}") if i < 5 else Feedback.objects.first().client
        )
        item = FeedbackFactory(source=api_source, client=client, text=f"Bad {i}. Really bad.")
        analyse(
            item,
            negative=0.9,
            emotions={"anger": 0.9},
            themes=[(promise, "negative", 0.5, ["Really bad."])],
        )
        on_analysed([item.pk])
    browser = browser_for(admin_member)
    browser.get(reverse("api-case-list"))  # warm the session

    # when / then: session + user + member, count, rows, and the page's effective analyses
    # (analyses, emotion tags, promise mentions, corrections), whatever the size
    with django_assert_num_queries(9):
        assert browser.get(reverse("api-feedback-list")).json()["count"] == 20
    with django_assert_num_queries(5):
        assert browser.get(reverse("api-case-list")).json()["count"] == 20


def test_schema_and_docs_are_served(admin_member):
    schema = browser_for().get(
        reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/feedback/" in paths and "/api/v1/cases/{id}/actions/" in paths
    assert "/api/v1/campaigns/{id}/" in paths and "/api/v1/campaigns/{id}/trigger/" in paths
    docs = browser_for().get(reverse("api-docs"))
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_admin_creates_uses_and_revokes_a_key_in_the_ui(admin_member, account_manager, outsider):
    # given
    url = reverse("review:api_keys")
    admin = browser_for(admin_member)
    assert browser_for().get(url).status_code == 302
    assert browser_for(account_manager).get(url).status_code == 403

    # when
    bad = admin.post(url, {"name": "CRM", "scopes": ["admin"]})
    created = admin.post(url, {"name": "CRM", "scopes": ["read"]})

    # then
    assert bad.status_code == 400
    secret = created.context["secret"]
    assert secret.startswith("ek_") and secret in created.content.decode()
    assert key_client(secret).get(reverse("api-case-list")).status_code == 200
    key = ApiKey.objects.get()
    revoke = reverse("review:api_key_revoke", args=[key.pk])
    assert browser_for(outsider).post(revoke).status_code == 404
    assert admin.post(revoke).status_code == 302
    assert key_client(secret).get(reverse("api-case-list")).status_code == 401
