"""Schemathesis fuzzes every API operation from our OpenAPI schema: no 5xx, and every documented
response matches its schema. Runs in-process against the WSGI app and the real database."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from feedback.api.keys import api_key_create
from tests.factories import FeedbackFactory

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


def test_api_is_fuzz_safe(api_schema, fuzz_headers):
    # Driven by hand rather than with schemathesis' pytest plugin, which does not support
    # pytest 9 yet.
    checks = [not_a_server_error, response_schema_conformance]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=fuzz_headers, checks=checks)

        fuzz()
