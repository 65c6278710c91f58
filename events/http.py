"""The public API's HTTP policy: what every response of /api/v1/ (and the feed) shares.

Every URL the API serves (operations, the OpenAPI schema, the docs, unknown paths) goes
through `public_read_only`: CORS for any origin, read-only methods, an ETag with 304 Not
Modified, Cache-Control, and JSON errors. Anonymous clients are throttled per address.

No Last-Modified: the record has no timestamp that moves only when public content changes
(RecordState moves with drafts too, so it told anyone when curators were working on
unpublished material), and the ETag, a hash of the body, is the exact validator.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse
from django.urls import URLPattern, re_path, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from ninja import NinjaAPI
from ninja.throttling import AnonRateThrottle

from .database import reconnecting
from .languages import LANGUAGE_CODES
from .links import absolute_url

READ_METHODS = ("GET", "HEAD")
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


def error_response(status, detail, errors=None):
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def _has_nul(request):
    # PostgreSQL refuses NUL in text; nothing legitimate carries one, so refuse it up front.
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def _with_validators(request, response):
    """Adds ETag (from the language and the content) and Cache-Control; answers 304 if
    fresh. The language is part of the tag: a body that reads the same in both languages is
    still two representations (Content-Language), and a cache holding the Russian one must
    not be told it is fresh for an English request."""
    if response.status_code != 200 or response.streaming:
        return response
    digest = hashlib.sha256(f"{translation.get_language() or ''}\n".encode())
    digest.update(response.content)
    response["ETag"] = quote_etag(digest.hexdigest()[:40])
    # Django's Feed sets one from its entries' updated_at, which a draft statement saved with
    # its published event moves too.
    del response["Last-Modified"]
    patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def public_read_only(view):
    """Wraps a view in the API's shared HTTP behaviour (see the module docstring).
    """

    read = reconnecting(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":  # a CORS preflight
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept, If-None-Match, If-Modified-Since"
            )
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in READ_METHODS:
            response = error_response(405, "This API is read-only: use GET.")
            response["Allow"] = ALLOWED_METHODS
        elif _has_nul(request):
            response = error_response(400, "The address cannot contain a NUL character (%00).")
        else:
            is_head = request.method == "HEAD"
            if is_head:
                request.method = "GET"
            response = _with_validators(request, read(request, *args, **kwargs))
            if is_head:
                request.method = "HEAD"
                if not response.streaming:
                    response["Content-Length"] = str(len(response.content))
                    response.content = b""
        if response.status_code >= 400:
            # An error says nothing lasting: a 404 may be published tomorrow, a 429 lifts.
            patch_cache_control(response, no_store=True)
        return allow_any_origin(response)

    return wrapped


def allow_any_origin(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Retry-After, Content-Disposition"
    return response


class AnonymousThrottle(AnonRateThrottle):
    """Per-address rate limit, read from settings.API_THROTTLE_RATE ("600/min"; empty: off).

    Read on each request rather than once, so a deployment or a test can change it.
    """

    def __init__(self):
        self.rate = None

    def allow_request(self, request):
        self.rate = settings.API_THROTTLE_RATE
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


try:
    AnonymousThrottle().parse_rate(settings.API_THROTTLE_RATE or None)
except ValueError:
    raise ImproperlyConfigured(
        f"API_THROTTLE_RATE must look like 600/min, 100/s or 10000/day, "
        f"not {settings.API_THROTTLE_RATE!r}."
    ) from None


LANGUAGE_PARAMETER = {
    "in": "query",
    "name": "lang",
    "required": False,
    "description": "The language of the answer's text: en (English) or ru (Russian). Without "
    "it, the best of the request's Accept-Language header, else English. An unknown value is "
    "refused with 400. A field with no text in that language yet is given in English, and the "
    "item's `translation.missing` names it. The answer says its language in Content-Language.",
    "schema": {"type": "string", "enum": list(LANGUAGE_CODES)},
}


class PublicAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's schema, with the `lang` parameter (read by events.languages before any
        operation runs) on every operation, and the 400 it answers for an unknown one."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "lang" for p in parameters):
                    parameters.append(LANGUAGE_PARAMETER)
        return schema

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        wrapped = []
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):
                raise ImproperlyConfigured("The public API expects only URL patterns.")
            callback = self.index if pattern.name == "api-root" else pattern.callback
            wrapped.append(
                URLPattern(
                    pattern.pattern,
                    public_read_only(callback),
                    pattern.default_args,
                    pattern.name,
                )
            )
        wrapped.append(re_path(r"", public_read_only(self.not_found), name="not-found"))
        return wrapped, app_name, namespace

    def index(self, request, **kwargs):
        def link(name):
            return absolute_url(reverse(f"{self.urls_namespace}:{name}"))

        return JsonResponse(
            {
                "title": self.title,
                "version": self.version,
                "docs": link("openapi-view"),
                "openapi": link("openapi-json"),
                "resources": {
                    name: link(f"{name[:-1] if name != 'categories' else 'category'}_list")
                    for name in ("events", "actors", "statements", "sources", "categories",
                                 "claims")
                },
                "exports": {
                    "timelinejs": link("export_timelinejs"),
                    "csv": link("export_events_csv"),
                    "atom": absolute_url(reverse("feed")),
                },
            }
        )

    def not_found(self, request, *args, **kwargs):
        docs = reverse(f"{self.urls_namespace}:openapi-view")
        return error_response(404, f"Nothing at {request.path}. See {docs}.")


class InvalidParameters(Exception):
    """Query parameters a form refused; the API answers 422 with each field's messages."""

    def __init__(self, errors):
        super().__init__("Invalid parameters.")
        self.errors = errors


# Error handlers, installed on the NinjaAPI instance by timeline/api.py.


def invalid_parameters(request, exc):
    return error_response(422, "Some parameters are invalid: see errors.", exc.errors)


def invalid_input(request, exc):
    errors = {}
    for error in exc.errors:
        # The parameter's name is the last name in its location: ("query", "filters", "q").
        # (pydantic adds tags such as "literal['a']" for union members: not names.)
        names = [part for part in error.get("loc", ()) if str(part).isidentifier()]
        name = names[-1] if names else "request"
        errors.setdefault(name, []).append(error.get("msg", "Invalid value."))
    return error_response(422, "Some parameters are invalid: see errors.", errors)


def not_found(request, exc):
    return error_response(404, str(exc) or "Not found.")


def throttled(request, exc):
    wait = f" Try again in {int(exc.wait) + 1} seconds." if exc.wait else ""
    rate = settings.API_THROTTLE_RATE
    return error_response(
        429, f"Too many requests: this API allows {rate} from one address.{wait}"
    )


def http_error(request, exc):
    return error_response(exc.status_code, str(exc))
