"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis, in-process WSGI).

For each operation, schemathesis generates requests the schema allows (any strings, huge
numbers, odd unicode) and checks that the answer is never a server error and always matches
what the schema promises: documented status, content type, headers and body.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "GET /api/v1/events",
    "GET /api/v1/events/{slug}",
    "GET /api/v1/actors",
    "GET /api/v1/actors/{slug}",
    "GET /api/v1/statements",
    "GET /api/v1/statements/{statement_id}",
    "GET /api/v1/sources",
    "GET /api/v1/sources/{slug}",
    "GET /api/v1/categories",
    "GET /api/v1/categories/{slug}",
    "GET /api/v1/claims",
    "GET /api/v1/claims/{slug}",
    "GET /api/v1/exports/timelinejs",
    "GET /api/v1/exports/events.csv",
    "GET /api/v1/places",
    "GET /api/v1/places/{slug}",
    "GET /api/v1/exports/places.geojson",
]
# Schema-valid but unknown slugs are refused (422) by design, so "positive data is accepted"
# is not among the checks.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_schema(record, settings):
    settings.API_THROTTLE_RATE = None  # hundreds of requests in seconds, on purpose
    # Like Django's test client: requests must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_is_fuzzed(wsgi_schema):
    labels = [result.ok().label for result in wsgi_schema.get_all_operations()]

    assert sorted(labels) == sorted(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_conforms_to_its_schema(wsgi_schema, label):
    operation = wsgi_schema.find_operation_by_label(label)

    @hypothesis_settings(
        max_examples=40,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def responds_as_documented(case):
        # The in-process client does not decompress; compression has its own tests.
        response = case.call(headers={"Accept-Encoding": "identity"})
        case.validate_response(response, checks=CHECKS)

    responds_as_documented()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/%00", "/api/v1/actors/" + "a" * 5000,
        "/api/v1/statements/99999999999999999999",
        "/api/v1/events?q=" + "x" * 10000, "/api/v1/events?date_from=" + "9" * 500,
        "/api/v1/events?category=" + "&category=".join(["c"] * 300),
        "/api/v1/sources?publisher=%00", "/api/v1/statements?date_to=%00",
        "/api/v1/claims?event=%00", "/api/v1/claims?headline=" + "y" * 5000,
        "/api/v1/events?offset=1e5", "/api/v1/events/%ff%fe",
    ],
)
def test_hostile_input_is_a_4xx(client, record, path):
    response = client.get(path)

    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_the_schema_declares_every_answer_the_api_gives(client, record):
    """What schemathesis reported as undeclared: a NUL (400), an unknown object or path (404),
    gunicorn's over-long request line (414), refused parameters (422); also the throttle (429)
    and a database that does not answer (503)."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert sorted(f"GET {path}" for path in paths) == sorted(OPERATIONS)
    for path, operations in paths.items():
        declared = operations["get"]["responses"]
        assert {"400", "404", "414", "422", "429", "503"} <= set(declared), path
        concrete = path.replace("{slug}", "novaya-gazeta-reports").replace(
            "{statement_id}", str(record.testimony.pk))
        for query in ["q=%00", "limit=0"]:  # a 400 everywhere; a 422 on lists
            response = client.get(f"{concrete}?{query}")
            assert str(response.status_code) in declared, (path, query, response.status_code)
