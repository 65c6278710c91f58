"""Whole-response caching of the public pages, invalidated by any change to the record.

A page is cached under the full path with its query string, whether it is an htmx request
(which gets a fragment) or a history restore, and the record's generation (RecordState): any
save or delete by a curator moves the generation, so the next request of every reader misses
the old entry. Entries of old generations simply expire. The cache is Django's: local memory
per process by default, Redis with DJANGO_CACHE_URL when several servers share it.

Views opt in with `@cache_public_page`; `PublicPageCacheMiddleware` does the caching. It sits
early in the middleware stack (after compression and conditional GET, before sessions,
CSRF, authentication, messages, htmx and the security headers), as Django's own cache
middleware does: a hit is answered with the stored response, headers included, without
running the middleware behind it. That is safe because a public page is the same for every
reader: no template reads the user, the session or a CSRF token, and a response that sets a
cookie or varies on one is never stored.

Most hits do not even reach Django's handler: `CachedPageApplication` (timeline/wsgi.py wraps
the application in it) answers a plain GET of an entry Django has served once, with the
headers Django sent for it then, for the same generation (on PostgreSQL as this process's
listener last heard it, events/listener.py, else read). Its docstring says what it leaves to
Django (HEAD, conditional requests, hosts Django refuses, HTTPS redirects...).
tests/test_cache_hit_path.py holds it to Django's answers.
"""

import gzip
import hashlib
import io
import logging
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from http import HTTPStatus
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils import translation
from django.utils.http import parse_etags, quote_etag

from . import cdn
from . import listener as listener_module
from .languages import language_of_path
from .database import reconnecting
from .models import RecordState, read_generation

logger = logging.getLogger(__name__)

CACHED_STATUSES = {200, 404}
# Keys of the WSGI environ (request.META) the fast path and the middleware pass on.
SERVED = "events.page_cache.served"
GENERATION_ERROR = "events.page_cache.generation_error"
# In a stored entry: the headers every layer sent with it, for the fast path.
FINAL = "final"
FINAL_304 = "final_304"  # and those of its 304 Not Modified
# Set by the fast path per request, from what the reader accepts.
NEGOTIATED_HEADERS = {"content-length", "content-encoding", "etag"}
# Set anew on every response served from the cache.
NOT_STORED_HEADERS = {"content-length"}


def record_generation(request):
    """The record's generation, read once per request however many parts of it need it."""
    if not hasattr(request, "record_generation"):
        failed = request.META.pop(GENERATION_ERROR, None)
        if failed is not None:  # the fast path's read failed: not waited for twice
            raise failed
        request.record_generation = _read_generation()
    return request.record_generation


@reconnecting  # a cached page's only query: the first to meet a connection a failover killed
def _read_generation():
    """RecordState's generation, read where the routers send reads of it now, without the
    manager and queryset RecordState.objects.generation() builds first."""
    return read_generation(connections[router.db_for_read(RecordState) or DEFAULT_DB_ALIAS])


def page_cache_key(request, generation):
    meta = request.META
    return _key(
        generation, request.scheme, request.get_full_path(),
        meta.get("HTTP_HX_REQUEST", ""), meta.get("HTTP_HX_HISTORY_RESTORE_REQUEST", ""),
    )


def _key(generation, scheme, full_path, htmx, restore):
    # The scheme too: over HTTPS the security middleware adds Strict-Transport-Security, and
    # the fast path (below) serves the headers as they were sent for this very entry.
    raw = f"{generation}\n{scheme}\n{full_path}\n{htmx}\n{restore}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cache_public_page(view):
    """Mark a view's pages as public: the same for every reader, so cacheable whole; and
    read again on a fresh connection if the database dropped the one it had."""
    view = reconnecting(view)
    view.public_page = True
    return view


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _is_public_page(request):
            return self.get_response(request)
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds:
            return _revalidate(self.get_response(request))
        key = page_cache_key(request, record_generation(request))
        stored = cache.get(key)
        if stored is None:
            # Headers set here too for a 404 raised by the view, which no decorator sees.
            response = _revalidate(self.get_response(request))
            if not _storable(response):
                return response
            stored = _stored(response)
            cache.set(key, stored, seconds)
        if FINAL not in stored or FINAL_304 not in stored:  # for the fast path to learn
            request.META[SERVED] = (key, stored, seconds)
        return _from_stored(request, stored)


def _is_public_page(request):
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _is_public_path(request.path_info, urlconf, translation.get_language())


@lru_cache(maxsize=4096)  # resolving a path is a sizeable part of a cache hit's own work
def _is_public_path(path, urlconf, language):
    # In the language the path is answered in: the /ru/ prefix resolves only with Russian on.
    with translation.override(language):
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return False
    return getattr(match.func, "public_page", False)


def _storable(response):
    vary = response.get("Vary", "").lower()
    return (
        response.status_code in CACHED_STATUSES
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary
        and "Content-Encoding" not in response
    )


def _stored(response):
    """What the cache keeps of a page: enough to answer any later request without rendering
    or compressing it again, ETag and every header of the layers below included. Only the
    compressed body is kept (a sixth of the page); the rare reader whose client does not
    accept gzip gets it decompressed."""
    if hasattr(response, "render"):
        response.render()
    content = response.content
    return {
        "status": response.status_code,
        "headers": [
            (name, value) for name, value in response.items()
            if name.lower() not in NOT_STORED_HEADERS
        ],
        "gzip": gzip.compress(content, compresslevel=6, mtime=0),
        "etag": quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
    }


def _from_stored(request, stored):
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(stored["gzip"], status=stored["status"])
        response["Content-Encoding"] = "gzip"
        response["ETag"] = "W/" + stored["etag"]  # as GZipMiddleware marks compressed bodies
    else:
        response = HttpResponse(gzip.decompress(stored["gzip"]), status=stored["status"])
        response["ETag"] = stored["etag"]
    for name, value in stored["headers"]:
        response[name] = value
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _revalidate(response):
    # Browsers and proxies may keep a copy but must check it (ETag) before each use, so a
    # correction reaches readers at once; a CDN that the site purges keeps it longer, tagged
    # with what it shows (events/cdn.py). (A view whose page differs for htmx says so itself,
    # with @vary_on_headers("HX-Request").) A response that must not be kept at all (the 503
    # while the database is away, a private page) keeps its own Cache-Control: a CDN told
    # "stale-if-error" would otherwise serve the outage page for a day.
    cache_control = response.get("Cache-Control", "")
    if response.status_code >= 500 or "no-store" in cache_control or "private" in cache_control:
        return response
    return cdn.apply_headers(response)


# --- the fast path: a hit answered before Django's handler ----------------------------------

class CachedPageApplication:
    """The WSGI application with cache hits answered in front of it.

    A hit through Django costs the request object, the request signals, the language, the
    security headers, gzip and conditional GET layers, the cache middleware and the response
    object, several times the work of the hit itself. Here a plain GET of a public page whose
    entry is in the cache, for the record's current generation (pushed by PostgreSQL to this
    process's listener, or read from the database: a curator's save is seen by every reader at
    once, on every server), is
    answered with the stored body and the very headers Django sent with that entry the first
    time it served it (learned then, below: every layer's, security headers, CSP,
    Content-Language, cache tags and Vary included), and only the encoding, ETag and length
    chosen per reader; a 304 Not Modified too, with the headers Django sent with its 304 for
    the entry. Anything else goes to Django, unchanged: other methods, HEAD, If-Match and
    If-Unmodified-Since (Django's 412), a host not allowed, plain HTTP that is to be redirected,
    an entry not yet served once, DEBUG, and any failure (a failed generation read is handed
    on, so Django answers it as before without waiting for the database a second time).
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and not settings.DEBUG:
            try:
                hit = _fast_hit(environ)
            except Exception:  # a fault here must never cost a reader the page
                logger.exception("The page cache's fast path failed; Django answers instead.")
                hit = None
            if hit is not None:
                status, headers, body = hit
                start_response(status, headers)
                return [body]
        sent = {}

        def recording_start_response(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.application(environ, recording_start_response)
        served = environ.get(SERVED)
        if served is not None and "headers" in sent:
            _learn(served, sent["status"], sent["headers"])
        return result


def _fast_hit(environ):
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if (
        "HTTP_IF_MATCH" in environ or "HTTP_IF_UNMODIFIED_SINCE" in environ  # 412s: Django's
        or ("HTTP_IF_MODIFIED_SINCE" in environ and not if_none_match)
    ):
        return None
    scheme = _servable_scheme(
        environ.get("HTTP_HOST"), environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
        environ.get("HTTP_X_FORWARDED_HOST"), environ.get("HTTP_X_FORWARDED_PORT"),
        environ.get("wsgi.url_scheme"), _proxy_ssl_value(environ),
    )
    if scheme is None:
        return None
    path_info, full_path = _paths(
        environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    )
    if not settings.PAGE_CACHE_SECONDS or not _is_public_path(
        path_info, settings.ROOT_URLCONF, language_of_path(path_info)
    ):
        return None
    try:
        generation = _fast_generation(environ)
    except Exception as error:  # noqa: BLE001 - Django answers it, as before
        environ[GENERATION_ERROR] = error
        return None
    stored = _learned_entry(_key(
        generation, scheme, full_path, environ.get("HTTP_HX_REQUEST", ""),
        environ.get("HTTP_HX_HISTORY_RESTORE_REQUEST", ""),
    ))
    if stored is None:
        return None
    zipped = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")  # as _from_stored chooses
    etag = "W/" + stored["etag"] if zipped else stored["etag"]
    if if_none_match and stored["status"] == 200 and _not_modified(etag, if_none_match):
        # As ConditionalGetMiddleware answers (If-Modified-Since is ignored beside it).
        if FINAL_304 not in stored:
            return None
        return _status_line(304), [*stored[FINAL_304], ("ETag", etag)], b""
    if FINAL not in stored:
        return None
    headers = list(stored[FINAL])
    if zipped:
        body = stored["gzip"]
        headers.append(("Content-Encoding", "gzip"))
    else:
        body = gzip.decompress(stored["gzip"])
    headers.append(("ETag", etag))
    headers.append(("Content-Length", str(len(body))))
    return _status_line(stored["status"]), headers, body


def _not_modified(etag, if_none_match):
    """Whether Django's conditional GET answers 304: If-None-Match is "*" or names the
    page's ETag, compared weakly (django.utils.cache)."""
    etags = parse_etags(if_none_match)
    if etags == ["*"]:
        return True
    return etag.removeprefix("W/") in (tag.removeprefix("W/") for tag in etags)


REPLICA_MIDDLEWARE = "events.replica.ReplicaMiddleware"


def _fast_generation(environ):
    """The generation: as this process's listener last heard it from the primary while it is
    to be trusted (events/listener.py), else read where ReplicaMiddleware would send the read:
    the replica when readers may use it and this reader is not pinned to the primary by a
    recent write. (The primary's generation is never older than the replica's, and an entry
    of a generation exists only if a page was drawn from a database at that generation.)"""
    if not connections[DEFAULT_DB_ALIAS].in_atomic_block:  # a test's writes are its own
        listener = listener_module.process_listener()
        heard = listener.current() if listener is not None else None
        if heard is not None:
            return heard
    if REPLICA_MIDDLEWARE not in settings.MIDDLEWARE:
        return _read_between_requests(DEFAULT_DB_ALIAS)
    from . import replica

    cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
    allowed = settings.REPLICA_READS and not replica.ReplicaMiddleware._pinned(
        SimpleNamespace(COOKIES=cookies)
    )
    token = replica._replica_allowed.set(allowed)
    try:
        return _read_between_requests(router.db_for_read(RecordState) or DEFAULT_DB_ALIAS)
    finally:
        replica._replica_allowed.reset(token)


def _read_between_requests(alias):
    """The generation read, with what Django's request cycle does around it (closing old
    connections when the request starts and ends) done for the one connection it uses: closed
    first if it is obsolete (CONN_MAX_AGE) or broke in an earlier request, and after the read
    if it is not kept between requests (CONN_MAX_AGE = 0) or the read broke it. Not two
    passes over every connection, which cost a hit a sixth of its time."""
    database = connections[alias]
    # Never inside a transaction: only a test runs requests inside one (Django's test client
    # leaves connections alone for the same reason), and closing would end it.
    idle = not database.in_atomic_block
    if idle:
        database.close_if_unusable_or_obsolete()
    try:
        return _read_generation()  # routed as `alias` was
    finally:
        if idle:
            database.close_if_unusable_or_obsolete()


# Entries the fast path has served, kept in the process as well as in the cache: an entry's
# key names the record's generation, so a kept entry is the page of that generation for as
# long as the cache would keep it, and a hit is spared the cache's read (unpickling from
# local memory, or a round trip to Redis). Bounded: the last LEARNED_ENTRIES pages read.
LEARNED_ENTRIES = 256
_learned = OrderedDict()
_learned_lock = threading.Lock()


def _learned_entry(key):
    now = time.monotonic()
    kept = _learned.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    stored = cache.get(key)
    if stored is not None and FINAL in stored:
        with _learned_lock:
            _learned[key] = (now + settings.PAGE_CACHE_SECONDS, stored)
            _learned.move_to_end(key)
            while len(_learned) > LEARNED_ENTRIES:
                _learned.popitem(last=False)
    return stored


def forget_learned_entries():
    """Empty the process's copy of served entries (with `cache.clear()`, in tests)."""
    with _learned_lock:
        _learned.clear()


def _learn(served, status, headers):
    """Keep with the entry the headers Django sent with it (all but those chosen per reader),
    for the fast path to send them again."""
    key, stored, seconds = served
    code = int(status.split(" ", 1)[0])
    field = FINAL if code == stored["status"] else FINAL_304 if code == 304 else None
    if field is None or field in stored:
        return
    final = [(name, value) for name, value in headers if name.lower() not in NEGOTIATED_HEADERS]
    if any(name.lower() == "set-cookie" for name, _value in final):
        return
    cache.set(key, {**stored, field: final}, seconds)
    with _learned_lock:  # read again, with what was learned
        _learned.pop(key, None)


def _proxy_ssl_value(environ):
    header = settings.SECURE_PROXY_SSL_HEADER
    return environ.get(header[0]) if header else None


@lru_cache(maxsize=256)
def _servable_scheme(host, server_name, server_port, forwarded_host, forwarded_port,
                     url_scheme, proxy_ssl):
    """The request's scheme, as Django judges it, if the fast path may answer it: None for a
    host Django refuses or a plain HTTP request it redirects to HTTPS."""
    request = HttpRequest()
    for name, value in (
        ("HTTP_HOST", host), ("SERVER_NAME", server_name), ("SERVER_PORT", server_port),
        ("HTTP_X_FORWARDED_HOST", forwarded_host), ("HTTP_X_FORWARDED_PORT", forwarded_port),
        ("wsgi.url_scheme", url_scheme),
    ):
        if value is not None:
            request.META[name] = value
    if settings.SECURE_PROXY_SSL_HEADER and proxy_ssl is not None:
        request.META[settings.SECURE_PROXY_SSL_HEADER[0]] = proxy_ssl
    request._get_scheme = lambda: url_scheme or "http"
    try:
        request.get_host()
    except DisallowedHost:
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None
    return request.scheme


@lru_cache(maxsize=4096)
def _paths(script_name, raw_path_info, query_string):
    """path_info and get_full_path() as Django's WSGIRequest gives them."""
    request = WSGIRequest({
        "SCRIPT_NAME": script_name, "PATH_INFO": raw_path_info, "QUERY_STRING": query_string,
        "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO(),
    })
    return request.path_info, request.get_full_path()


@lru_cache(maxsize=None)
def _status_line(status):
    return f"{status} {HTTPStatus(status).phrase}"
