"""Content-Security-Policy for every response: one strict policy, the same everywhere.

No inline script runs anywhere: htmx is configured from a <meta> tag, the page script is a
static file, JSON-LD is a data block (never executed), and neither Django's admin (5.2) nor
ninja's Swagger UI has inline script. No inline style either: none of them writes a style
attribute or a <style> element (their scripts set styles through the DOM, which CSP allows),
so an injected <style> cannot restyle or exfiltrate a page. Nothing loads from another origin.
tests/browser/test_security_browser.py drives the public pages, the API docs and the admin's
login, change list and change form in Chromium under this policy and fails on any violation.
"""

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
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
