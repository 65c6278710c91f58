"""The fast path of a cache hit (events.caching.CachedPageApplication, in timeline.wsgi): a
hit answered before Django's handler is the same answer, headers included, as Django gives."""

import gzip
import http.client
import io
import sys

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections
from django.test import override_settings

from django.core.wsgi import get_wsgi_application

from events import caching
from events.caching import CachedPageApplication
from timeline.wsgi import application

from .factories import PublishedEventFactory

pytestmark = [pytest.mark.django_db]

NEGOTIATED = {"Content-Encoding", "ETag", "Content-Length"}


def without(headers, names):
    return {name: value for name, value in headers.items() if name not in names}


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def keep_the_tests_connection():
    """As Django's test client does: requests here run inside the test's transaction, which
    closing "old" connections at each request's start and end would end (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def event():
    return PublishedEventFactory(title="Novaya Gazeta reports detentions")


def call(path, method="GET", query="", app=None, **meta):
    """One request through the production WSGI application (or `app`), with `meta` added to
    its environ: (status, headers, body, whether the fast path answered)."""
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    environ.update(meta)
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent["status"], sent["headers"] = status, response_headers

    result = (app or application)(environ, start_response)
    body = b"".join(result)
    fast = isinstance(result, list)  # Django's handler returns its response object
    if hasattr(result, "close"):
        result.close()
    return sent["status"], dict(sent["headers"]), body, fast


def test_a_hit_is_answered_before_django_with_the_headers_of_a_miss(event):
    status, miss, body, fast = call("/", HTTP_ACCEPT_ENCODING="gzip")
    assert status == "200 OK" and not fast
    status, hit, hit_body, fast = call("/", HTTP_ACCEPT_ENCODING="gzip")
    assert status == "200 OK" and fast
    # Security headers, CSP, Content-Language, cache tags, Vary, ETag: all the same. Django
    # leaves the length to the server (chunked); the fast path says it.
    assert without(hit, {"Content-Length"}) == without(miss, {"Content-Length"})
    assert hit_body == body
    assert hit["Content-Encoding"] == "gzip" and hit["Content-Length"] == str(len(body))
    assert "Novaya Gazeta reports detentions" in gzip.decompress(hit_body).decode()
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "Cross-Origin-Opener-Policy", "X-Frame-Options", "Cache-Control",
                 "Content-Language", "Vary", "ETag"):
        assert name in hit


def test_a_reader_without_gzip_gets_the_page_plain_with_its_own_etag(event):
    call("/")
    _status, zipped, _body, _fast = call("/", HTTP_ACCEPT_ENCODING="gzip")
    status, plain, body, fast = call("/", HTTP_ACCEPT_ENCODING="identity")
    assert status == "200 OK" and fast
    assert "Content-Encoding" not in plain
    assert body.startswith(b"<!doctype html") or body.lstrip().lower().startswith(b"<!doctype")
    assert plain["Content-Length"] == str(len(body))
    assert zipped["ETag"] == "W/" + plain["ETag"]
    assert without(plain, NEGOTIATED) == without(zipped, NEGOTIATED)
    assert gzip.decompress(call("/", HTTP_ACCEPT_ENCODING="gzip")[2]) == body


def test_if_none_match_gets_djangos_304_then_the_same_from_the_fast_path(event):
    call("/")
    _status, headers, _body, _fast = call("/", HTTP_ACCEPT_ENCODING="gzip")
    conditional = {"HTTP_ACCEPT_ENCODING": "gzip", "HTTP_IF_NONE_MATCH": headers["ETag"]}
    status, django, body, fast = call("/", **conditional)
    assert status == "304 Not Modified" and body == b"" and not fast  # Django's, learned
    status, not_modified, body, fast = call("/", **conditional)
    assert status == "304 Not Modified" and body == b"" and fast
    assert not_modified == django
    assert not_modified["ETag"] == headers["ETag"]
    # Compared weakly, as Django does; "*" matches any page.
    plain_etag = headers["ETag"].removeprefix("W/")
    for asked in (plain_etag, f'"other", {headers["ETag"]}', "*"):
        assert call("/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=asked)[0] == (
            "304 Not Modified")
    status, _headers, _body, fast = call("/", HTTP_IF_NONE_MATCH='"something-else"')
    assert status == "200 OK" and fast


def test_if_match_and_if_unmodified_since_are_left_to_django(event):
    call("/")
    assert call("/")[3]
    status, _headers, _body, fast = call("/", HTTP_IF_MATCH='"something-else"')
    assert status.startswith("412") and not fast
    assert not call("/", HTTP_IF_UNMODIFIED_SINCE="Sat, 01 Apr 2017 00:00:00 GMT")[3]


def test_a_missing_page_is_never_not_modified(event):
    path = "/events/no-such-event/"
    call(path)
    status, headers, _body, _fast = call(path)
    assert status == "404 Not Found"
    for _ in range(2):
        status, _headers, _body, fast = call(path, HTTP_IF_NONE_MATCH=headers["ETag"])
        assert status == "404 Not Found"


def test_head_is_answered_by_django_with_the_same_headers(event):
    call("/")
    _status, get, _body, _fast = call("/", HTTP_ACCEPT_ENCODING="gzip")
    status, head, _body, fast = call("/", method="HEAD", HTTP_ACCEPT_ENCODING="gzip")
    assert status == "200 OK" and not fast
    assert without(head, {"Content-Length"}) == without(get, {"Content-Length"})


def test_a_curators_save_is_visible_at_once_on_the_fast_path(event):
    call("/")
    assert "reports detentions" in call("/")[2].decode()
    assert call("/")[3]  # served fast
    event.title = "Novaya Gazeta reports mass detentions"
    event.save()
    status, _headers, body, _fast = call("/")
    assert status == "200 OK" and "reports mass detentions" in body.decode()
    assert "reports mass detentions" in call("/")[2].decode()


def test_english_and_russian_pages_are_kept_apart(event):
    for path in ("/", "/ru/"):
        call(path)
    _s, english, english_body, fast_en = call("/")
    _s, russian, russian_body, fast_ru = call("/ru/")
    assert fast_en and fast_ru
    assert english["Content-Language"] == "en" and russian["Content-Language"] == "ru"
    assert 'lang="ru"' in russian_body.decode() and 'lang="en"' in english_body.decode()


def test_the_query_string_and_htmx_headers_are_part_of_the_key(event):
    PublishedEventFactory(title="Protest in Paris")
    for _ in range(2):
        everything = call("/")[2].decode()
        filtered = call("/", query="q=Paris")[2].decode()
        fragment = call("/", query="q=Paris", HTTP_HX_REQUEST="true")[2].decode()
    assert "Novaya Gazeta" in everything and "Novaya Gazeta" not in filtered
    assert "<html" in filtered and "<html" not in fragment


def test_a_host_django_refuses_is_left_to_django(event):
    call("/")
    assert call("/")[3]
    assert not call("/", HTTP_HOST="evil.example")[3]


def fresh_application():
    """The production application built anew: the security middleware reads its settings
    once, when it is built."""
    return CachedPageApplication(get_wsgi_application())


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_still_redirected_when_https_is_required(event):
    app = fresh_application()
    https = {"app": app, "wsgi.url_scheme": "https", "SERVER_PORT": "443"}
    call("/", **https)
    assert call("/", **https)[3]
    status, headers, _body, fast = call("/", app=app)
    assert status.startswith("301") and not fast
    assert headers["Location"].startswith("https://")


@override_settings(SECURE_HSTS_SECONDS=3600,
                   SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_pages_keep_their_own_strict_transport_security(event):
    app = fresh_application()
    call("/", app=app)
    _status, plain, _body, _fast = call("/", app=app)
    call("/", app=app, HTTP_X_FORWARDED_PROTO="https")
    status, secure, _body, fast = call("/", app=app, HTTP_X_FORWARDED_PROTO="https")
    assert status == "200 OK" and fast
    assert "Strict-Transport-Security" in secure
    assert "Strict-Transport-Security" not in plain


def test_non_public_pages_and_posts_never_take_the_fast_path(event, settings):
    for _ in range(2):
        assert not call("/" + settings.ADMIN_URL)[3]
        assert not call("/", method="POST")[3]


def test_a_failed_generation_read_is_answered_by_django_without_a_second_wait(
        event, monkeypatch):
    call("/")
    calls = []

    def failing():
        calls.append(1)
        raise DatabaseError("the database is away")

    monkeypatch.setattr(caching, "_read_generation", failing)
    status, _headers, _body, fast = call("/")
    assert status.startswith("5") and not fast
    assert len(calls) == 1  # read once, in the fast path; Django answered what it found


def test_an_entry_is_served_fast_only_once_django_has_sent_it(event):
    cache.clear()
    assert not call("/")[3]  # a miss: rendered by Django, headers learned
    assert call("/")[3]


@pytest.fixture
def replica_routing(settings, monkeypatch):
    """ReplicaMiddleware in the stack (as with DATABASE_REPLICA_URL), and the replica
    permission each generation read was made under."""
    from events import replica

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, caching.REPLICA_MIDDLEWARE]
    settings.REPLICA_READS = True
    settings.REPLICA_PIN_SECONDS = 60
    seen = []
    real = caching._read_generation

    def recording():
        seen.append(replica._replica_allowed.get())
        return real()

    monkeypatch.setattr(caching, "_read_generation", recording)
    return seen


def test_the_fast_paths_generation_read_is_routed_as_replicamiddleware_routes_it(
        event, replica_routing):
    from django.core import signing

    from events import replica

    call("/")
    replica_routing.clear()
    assert call("/")[3]
    assert replica_routing == [True]  # a reader may read the replica
    pin = signing.TimestampSigner(salt=replica.PIN_SALT).sign("1")
    replica_routing.clear()
    assert call("/", HTTP_COOKIE=f"{replica.PIN_COOKIE}={pin}")[3]
    assert replica_routing == [False]  # a curator who just wrote reads the primary
    replica_routing.clear()
    assert call("/", HTTP_COOKIE=f"{replica.PIN_COOKIE}=forged")[3]
    assert replica_routing == [True]


def test_a_fault_in_the_fast_path_falls_back_to_django(event, monkeypatch, caplog):
    call("/")

    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(caching, "_key", broken)
    monkeypatch.setattr(caching, "page_cache_key", lambda request, generation: "page:x")
    status, _headers, body, fast = call("/")
    assert status == "200 OK" and not fast and b"Novaya Gazeta" in body
    assert "fast path failed" in caplog.text


def get_from(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, response.headers, body


@pytest.mark.django_db(transaction=True)
def test_a_save_reaches_fast_path_readers_on_every_server_at_once(app_servers):
    """Two gunicorn servers sharing Redis (tests/conftest.py `app_servers`, PostgreSQL)."""
    event = PublishedEventFactory(title="Checked and ready")
    path = event.get_absolute_url()
    for port in app_servers.ports:
        for _ in range(3):  # a miss, a hit Django answers (headers learned), a fast hit
            status, headers, body = get_from(port, path)
            assert status == 200 and "Checked and ready" in body
        # Only the fast path states the length (Django's response leaves gunicorn to chunk).
        assert headers["Content-Length"] == str(len(body.encode()))
    event.title = "Checked, corrected and ready"
    event.save()
    for port in app_servers.ports:
        status, _headers, body = get_from(port, path)
        assert status == 200 and "Checked, corrected and ready" in body


def test_a_served_entry_is_kept_in_the_process_and_read_from_the_cache_once(event, monkeypatch):
    """A hit after the first is spared the cache's read (unpickling, or a Redis round trip);
    the entry kept is still the generation's, so a save is seen at once (test above)."""
    call("/")  # Django renders it and the headers are learned
    reads = []
    real_get = caching.cache.get
    monkeypatch.setattr(caching.cache, "get", lambda *a, **k: reads.append(a) or real_get(*a, **k))
    assert call("/")[3] and len(reads) == 1
    assert call("/")[3] and len(reads) == 1
    event.title = "Novaya Gazeta reports detentions in Grozny"
    event.save()
    assert "in Grozny" in call("/")[2].decode()
