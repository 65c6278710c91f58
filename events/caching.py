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
"""

import gzip
import hashlib
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag

from . import cdn
from .database import reconnecting
from .models import RecordState

CACHED_STATUSES = {200, 404}
# Set anew on every response served from the cache.
NOT_STORED_HEADERS = {"content-length"}


def record_generation(request):
    """The record's generation, read once per request however many parts of it need it."""
    if not hasattr(request, "record_generation"):
        request.record_generation = _read_generation()
    return request.record_generation


@reconnecting  # a cached page's only query: the first to meet a connection a failover killed
def _read_generation():
    return RecordState.objects.generation()


def page_cache_key(request, generation):
    htmx = request.headers.get("HX-Request", "")
    restore = request.headers.get("HX-History-Restore-Request", "")
    raw = f"{generation}\n{request.get_full_path()}\n{htmx}\n{restore}"
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
        return _from_stored(request, stored)


def _is_public_page(request):
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _is_public_path(request.path_info, urlconf)


@lru_cache(maxsize=4096)  # resolving a path is a sizeable part of a cache hit's own work
def _is_public_path(path, urlconf):
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
