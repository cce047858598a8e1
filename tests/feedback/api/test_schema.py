"""Schemathesis fuzzes every API operation from our OpenAPI schema: no 5xx, and every documented
response matches its schema. Runs in-process against the WSGI app and the real database."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from feedback.api_keys import api_key_create
from feedback.tasks import on_analysed
from listening.campaigns.models import Campaign, SurveyKind
from tests.factories import ContactFactory, FeedbackFactory
from tests.feedback.conftest import analyse

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema():
    # Like Django's test client: keep the test's DB connection (and its transaction) open
    # across requests instead of closing it when each request finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(firm, admin_member, client_of, api_source):
    FeedbackFactory(source=api_source, client=client_of, text="Seed item for the fuzzer.")
    _, secret = api_key_create(
        firm=firm, name="fuzz", scopes=["read", "write"], created_by=admin_member
    )
    return {"Authorization": f"Api-Key {secret}"}


@pytest.fixture
def real_ids(firm, client_of, api_source) -> dict[str, int]:
    """A real object behind each kind of `{id}` in the API (path prefix: id), so that fuzzed
    bodies also reach the code past the lookup, not only the 404."""
    contact = ContactFactory(client=client_of)
    item = FeedbackFactory(
        source=api_source,
        client=client_of,
        contact=contact,
        text="Nobody answered my calls for a week. We are looking elsewhere.",
    )
    analyse(item, negative=0.95, emotions={"anger": 0.8})
    (case_id,) = on_analysed([item.pk])
    campaign = Campaign.objects.create(firm=firm, name="Matter close CSAT", kind=SurveyKind.CSAT)
    return {
        "/api/v1/feedback/": item.pk,
        "/api/v1/cases/": case_id,
        "/api/v1/campaigns/": campaign.pk,
        "/campaigns/api/": campaign.pk,
    }


CHECKS = [not_a_server_error, response_schema_conformance]


def _fuzzer(operation, headers: dict[str, str], real_id: int | None):  # type: ignore[no-untyped-def]
    """A Hypothesis test of one operation; half of its calls go to `real_id` when given."""

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(), on_real_object=st.booleans())
    def fuzz(case: schemathesis.Case, on_real_object: bool) -> None:
        if real_id is not None and on_real_object:
            case.path_parameters = {**(case.path_parameters or {}), "id": real_id}
        case.call_and_validate(headers=headers, checks=CHECKS)

    return fuzz


def test_api_is_fuzz_safe(api_schema, fuzz_headers, real_ids):
    # Driven by hand rather than with schemathesis' pytest plugin, which does not support
    # pytest 9 yet.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    paths = {operation.path for operation in operations}
    assert len(operations) >= 12
    assert {"/api/v1/campaigns/", "/api/v1/campaigns/{id}/trigger/"} <= paths
    for operation in operations:
        prefix_ids = [pk for prefix, pk in real_ids.items() if operation.path.startswith(prefix)]
        real_id = prefix_ids[0] if prefix_ids and "{id}" in operation.path else None
        _fuzzer(operation, fuzz_headers, real_id)()


def test_the_schema_generates_without_a_warning():
    # `check --deploy` (CI's production check) fails on any drf-spectacular warning, such as
    # two operations with one id: found here, with the tests, rather than at deploy time.
    from drf_spectacular.checks import schema_check

    assert [str(w.msg) for w in schema_check(None)] == []
