"""Response middleware: one strict Content-Security-Policy everywhere, and cheaper gzip.

The policy: no inline script runs anywhere: htmx is configured from a <meta> tag, the page script is a
static file, JSON-LD is a data block (never executed), and neither Django's admin (5.2) nor
ninja's Swagger UI has inline script. No inline style either: none of them writes a style
attribute or a <style> element (their scripts set styles through the DOM, which CSP allows),
so an injected <style> cannot restyle or exfiltrate a page. Nothing loads from another origin.
tests/browser/test_security_browser.py drives the public pages, the API docs and the admin's
login, change list and change form in Chromium under this policy and fails on any violation.
"""

import gzip
import secrets

from django.middleware import gzip as django_gzip
from django.utils.cache import patch_vary_headers

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
# /embed/ alone may be framed, by any site (events/embeds.py); everything else keeps
# frame-ancestors 'none' and X-Frame-Options: DENY.
EMBED_POLICY = POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class GZipMiddleware(django_gzip.GZipMiddleware):
    """Django's GZipMiddleware, compressing at level 2 rather than 6.

    It compresses every response that is not already compressed, once per request, where
    level 6 cost a noticeable share of an uncached page's time for a slightly smaller body
    (docs/performance.md). Cached pages are compressed once, at level 6, by events.caching
    and pass through untouched. As Django does since 4.2 against BREACH, the gzip header
    carries a random file name, so a page holding a secret (the admin's CSRF token) does not
    compress to a predictable length. Streaming responses are left to Django's code.
    """

    level = 2

    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < 200
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        if not django_gzip.re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = _gzip_with_random_name(response.content, self.level, self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # RFC 9110 8.8.1, as Django does
        response.headers["Content-Encoding"] = "gzip"
        return response


def _gzip_with_random_name(content, level, max_random_bytes):
    compressed = gzip.compress(content, compresslevel=level, mtime=0)
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    name = secrets.token_hex(secrets.randbelow(max_random_bytes // 2) + 1).encode()
    return bytes(header) + name + b"\x00" + compressed[10:]
