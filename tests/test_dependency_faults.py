"""A failing dependency never takes the pages down: the cache (Redis) refusing connections or
accepting them and never answering; the database not answering, or dropping connections."""

import logging
import socket
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client

from events import cache_backends
from timeline.settings import redis_cache

from .factories import PublishedEventFactory

pytestmark = pytest.mark.django_db

URLS = ["/", "/?q=Novaya", "/events/{slug}/", "/api/v1/events", "/api/v1/events/{slug}"]


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for accepted in held:
        accepted.close()
    listener.close()


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nothing listens there


def redis_cache_at(port):
    """The production cache configuration pointed at a dead Redis."""
    return {"default": redis_cache(f"redis://127.0.0.1:{port}/13")}


@pytest.mark.parametrize("fault", ["refused", "silent"])
def test_pages_and_the_api_are_served_without_the_cache(client, settings, caplog, fault,
                                                        request):
    port = unused_port() if fault == "refused" else request.getfixturevalue("silent_server")
    event = PublishedEventFactory(title="Novaya Gazeta reports detentions")
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = redis_cache_at(port)
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    for url in URLS:
        response = client.get(url.format(slug=event.slug))
        assert response.status_code == 200, url
    assert "Novaya Gazeta reports detentions" in response.content.decode()
    assert time.monotonic() - started < 3  # five pages, the first waits for one timeout
    assert any("cache" in record.getMessage().lower() for record in caplog.records)


@pytest.fixture(autouse=True)
def redis_not_yet_failed():
    cache_backends._unavailable_until.clear()
    yield
    cache_backends._unavailable_until.clear()


def test_a_cache_that_comes_back_is_used_again(client, settings, django_assert_num_queries):
    event = PublishedEventFactory()
    settings.PAGE_CACHE_SECONDS = 600
    live = redis_cache("redis://127.0.0.1:6379/13")
    settings.CACHES = {"default": {**live, "KEY_PREFIX": f"holes-test-{time.time_ns()}"}}
    cache_backends._unavailable_until[live["LOCATION"]] = time.monotonic() + 60  # was down
    assert client.get(event.get_absolute_url()).status_code == 200  # served, not stored
    cache_backends._unavailable_until.clear()  # Redis answers again
    client.get(event.get_absolute_url())
    with django_assert_num_queries(1):  # the record's generation: the page came from Redis
        assert client.get(event.get_absolute_url()).status_code == 200


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    assert time.monotonic() - started < 5, url
    return response


def assert_database_unavailable_answers(client):
    page = timed_get(client, "/")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "cannot reach its database" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    api = timed_get(client, "/api/v1/events")
    assert api.status_code == 503
    assert api["Retry-After"] == "30"
    assert api.json()["detail"].startswith("The database is not answering")
    assert api["Access-Control-Allow-Origin"] == "*"
    assert "no-store" in api["Cache-Control"]


def test_a_database_error_is_a_branded_503_with_retry_after(monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: timeout expired")

    monkeypatch.setattr(CursorWrapper, "execute", database_down)
    assert_database_unavailable_answers(Client(raise_request_exception=False))


@pytest.mark.django_db(transaction=True)
def test_a_database_that_never_answers_is_a_503_within_5_seconds(silent_server):
    """DATABASE_URL at a server that accepts connections and never answers (PostgreSQL's
    connect timeout from timeline/settings.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("A network database's timeouts: PostgreSQL only.")
    real = connection.settings_dict
    connection.close()
    connection.settings_dict = {**real, "HOST": "127.0.0.1", "PORT": str(silent_server)}
    try:
        assert_database_unavailable_answers(Client(raise_request_exception=False))
    finally:
        connection.close()
        connection.settings_dict = real


def terminate_the_apps_connection():
    """What a restart or failover does to the app's open connection."""
    import psycopg

    pid = connection.connection.info.backend_pid
    with psycopg.connect(
        host=connection.settings_dict["HOST"], port=connection.settings_dict["PORT"] or 5432,
        user=connection.settings_dict["USER"], dbname="postgres", autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_cache_seconds", [0, 600])
def test_readers_see_no_error_after_the_database_drops_connections(settings, page_cache_seconds):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend: PostgreSQL only.")
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    event = PublishedEventFactory()
    client = Client(raise_request_exception=False)
    try:
        for url in ["/", event.get_absolute_url(), "/api/v1/events", "/feed/"]:
            assert client.get(url).status_code == 200, url  # the connection is kept, reused
            terminate_the_apps_connection()
            assert client.get(url).status_code == 200, url
    finally:
        connection.close()  # the test's own teardown needs a live connection
