"""Whole-response caching of the public pages, invalidated by any change to the record.

A page is cached under the full path with its query string, whether it is an htmx request
(which gets a fragment) or a history restore, and the record's generation (RecordState): any
save or delete by a curator moves the generation, so the next request of every reader misses
the old entry. Entries of old generations simply expire. The cache is Django's: local memory
per process by default, Redis with DJANGO_CACHE_URL when several servers share it.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .models import RecordState

CACHED_STATUSES = {200, 404}
KEPT_HEADERS = ("Content-Type", "Vary", "Content-Language")


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
        generation, _ = RecordState.objects.current()
        key = page_cache_key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return _revalidate(response)
        response = view(request, *args, **kwargs)
        if response.status_code in CACHED_STATUSES and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            cache.set(key, (response.status_code, headers, response.content), seconds)
        return _revalidate(response)

    return wrapped


def _revalidate(response):
    # Browsers and proxies may keep a copy but must check it (ETag, from ConditionalGet-
    # Middleware) before each use, so a correction reaches readers at once.
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    return response
