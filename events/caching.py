"""Whole-response caching of the public pages, invalidated by any change to the record.

A page is cached under the full path with its query string, whether it is an htmx request
(which gets a fragment) or a history restore, and the record's generation (RecordState): any
save or delete by a curator moves the generation, so the next request of every reader misses
the old entry. Entries of old generations simply expire. The cache is Django's: local memory
per process by default, Redis with DJANGO_CACHE_URL when several servers share it.
"""

import gzip
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag

from .models import RecordState

CACHED_STATUSES = {200, 404}
KEPT_HEADERS = ("Content-Type", "Vary", "Content-Language")


def record_generation(request):
    """The record's generation, read once per request however many parts of it need it."""
    if not hasattr(request, "record_generation"):
        request.record_generation = RecordState.objects.current()[0]
    return request.record_generation


def page_cache_key(request, generation):
    htmx = request.headers.get("HX-Request", "")
    restore = request.headers.get("HX-History-Restore-Request", "")
    raw = f"{generation}\n{request.get_full_path()}\n{htmx}\n{restore}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cache_public_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD"):
            return _revalidate(view(request, *args, **kwargs))
        key = page_cache_key(request, record_generation(request))
        stored = cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code not in CACHED_STATUSES or response.streaming:
                return _revalidate(response)
            if hasattr(response, "render"):
                response.render()
            stored = _stored(response)
            cache.set(key, stored, seconds)
        return _revalidate(_from_stored(request, stored))

    return wrapped


def _stored(response):
    """What the cache keeps of a page: enough to answer any later request without rendering
    or compressing it again, ETag included."""
    content = response.content
    return {
        "status": response.status_code,
        "headers": [(name, response[name]) for name in KEPT_HEADERS if name in response],
        "content": content,
        "gzip": gzip.compress(content, compresslevel=6, mtime=0),
        "etag": quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
    }


def _from_stored(request, stored):
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(stored["gzip"], status=stored["status"])
        response["Content-Encoding"] = "gzip"
        response["ETag"] = "W/" + stored["etag"]  # as GZipMiddleware marks compressed bodies
    else:
        response = HttpResponse(stored["content"], status=stored["status"])
        response["ETag"] = stored["etag"]
    for name, value in stored["headers"]:
        response[name] = value
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _revalidate(response):
    # Browsers and proxies may keep a copy but must check it (ETag) before each use, so a
    # correction reaches readers at once.
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    return response
