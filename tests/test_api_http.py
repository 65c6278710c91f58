import datetime
import re

import pytest
from django.utils.http import http_date

from events.models import Event, RecordState

from .factories import EventFactory

pytestmark = pytest.mark.django_db

DATA_URLS = [
    "/api/v1/events",
    "/api/v1/events/novaya-gazeta-reports",
    "/api/v1/actors",
    "/api/v1/actors/anzor",
    "/api/v1/statements",
    "/api/v1/sources",
    "/api/v1/sources/novaya-expose",
    "/api/v1/categories",
    "/api/v1/categories/reporting",
    "/api/v1/exports/timelinejs",
    "/api/v1/exports/events.csv",
    "/feed/",
]


@pytest.mark.parametrize("url", DATA_URLS)
def test_conditional_requests_get_304(client, record, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert "Last-Modified" not in response  # see test_saving_a_draft_moves_no_public_validator
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == response["ETag"]


@pytest.mark.parametrize("url", DATA_URLS)
def test_saving_a_draft_moves_no_public_validator(client, record, url):
    """Readers cannot watch when curators work on unpublished material."""
    RecordState.objects.update(changed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    before = client.get(url)
    draft = EventFactory(title="Work in progress")
    draft.summary = "Still checking."
    draft.save()
    after = client.get(url)
    assert after.content == before.content
    for header in ("ETag", "Last-Modified"):
        assert after.get(header) == before.get(header), header


def test_a_change_to_the_record_is_not_a_304(client, record):
    response = client.get("/api/v1/events")
    record.denial.title = "Kadyrov denies everything on HBO"
    record.denial.save()

    again = client.get(
        "/api/v1/events",
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 200
    assert again["ETag"] != response["ETag"]
    assert "denies everything" in again.content.decode()


def test_if_modified_since_before_the_last_change_is_a_200(client, record):
    latest = max(Event.objects.values_list("updated_at", flat=True))
    since = http_date(latest.timestamp() - 3600)

    assert client.get("/api/v1/events", HTTP_IF_MODIFIED_SINCE=since).status_code == 200


@pytest.mark.parametrize(
    "url", [*DATA_URLS, "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/events/nothing",
            "/api/v1/events?limit=0", "/api/v1/nowhere"],
)
def test_cors_allows_any_origin(client, record, url):
    response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cors_preflight(client, record):
    response = client.options(
        "/api/v1/events",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert response["Access-Control-Allow-Headers"] == "if-none-match"


def test_head_is_answered_without_a_body(client, record):
    response = client.head("/api/v1/events")

    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == client.get("/api/v1/events")["ETag"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, record, method):
    response = getattr(client, method)("/api/v1/events", {}, content_type="application/json")

    assert response.status_code == 405
    assert "read-only" in response.json()["detail"]
    assert "GET" in response["Allow"]
    assert Event.objects.count() == 4


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/events/nothing", 404),
        ("/api/v1/nowhere/at/all", 404),
        ("/api/v1/events?date_from=never", 422),
        ("/api/v1/events?limit=1000", 422),
        ("/api/v1/events?q=a%00b", 400),
        ("/api/v1/events?actor=a%00b", 400),
        ("/api/v1/events?category=%00", 400),
        ("/api/v1/events/a%00b", 400),
        ("/api/v1/exports/events.csv?source=%00", 400),
        ("/api/v1/actors?q=%00", 400),
    ],
)
def test_errors_are_json_with_a_message(client, record, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert "no-store" in response["Cache-Control"]


def test_feed_refuses_invalid_filters_with_a_400(client, record):
    response = client.get("/feed/", {"date_from": "2017-99"})

    assert response.status_code == 400
    assert "date_from" in response.content.decode()


def test_throttling_answers_429_with_retry_after(client, record, settings):
    settings.API_THROTTLE_RATE = "3/min"
    for _ in range(3):
        assert client.get("/api/v1/categories").status_code == 200

    response = client.get("/api/v1/events")

    assert response.status_code == 429
    assert "Too many requests" in response.json()["detail"]
    assert "3/min" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert response["Access-Control-Allow-Origin"] == "*"
    # Another address is not held back.
    assert client.get("/api/v1/events", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_throttle_ignores_a_forged_forwarded_for(client, record, settings):
    settings.API_THROTTLE_RATE = "2/min"
    statuses = [
        client.get("/api/v1/categories", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_default_rate_lets_normal_browsing_through(client, record):
    assert all(client.get("/api/v1/categories").status_code == 200 for _ in range(50))


def test_openapi_schema_and_local_docs(client, record):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["info"]["version"] == "1"
    for path in ("/api/v1/events", "/api/v1/events/{slug}",
                 "/api/v1/actors", "/api/v1/actors/{slug}",
                 "/api/v1/statements", "/api/v1/sources", "/api/v1/sources/{slug}",
                 "/api/v1/categories", "/api/v1/exports/timelinejs", "/api/v1/exports/events.csv"):
        assert path in schema["paths"]
    event_params = {p["name"] for p in schema["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert event_params >= {"q", "category", "actor", "actor_kind", "source", "publisher",
                            "date_from", "date_to", "verification", "ordering", "limit", "offset"}

    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith("/static/") for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200


def test_api_root_lists_the_resources(client, record):
    index = client.get("/api/v1/").json()

    assert index["resources"]["events"] == "http://testserver/api/v1/events"
    assert index["exports"]["atom"] == "http://testserver/feed/"


def test_an_api_server_error_is_json_with_cors_and_no_store(record, monkeypatch):
    """The error shape docs/api.md promises, even for a bug (here: one in the list query)."""
    from django.test import Client

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("events.models.EventQuerySet.chronological", broken)
    response = Client(raise_request_exception=False).get("/api/v1/events")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Something went wrong on our side. The error has been logged.", "errors": {}
    }
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "no-store" in response["Cache-Control"]
    assert "a bug" not in response.content.decode()
