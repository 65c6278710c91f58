"""Content-Security-Policy for every response.

No inline script runs anywhere: htmx is configured from a <meta> tag, the page script is a
static file, JSON-LD is a data block (never executed). Public pages allow no inline style
either; the admin and the API docs keep inline styles (their widgets set style attributes),
never inline scripts.
"""

from django.conf import settings

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
WITH_INLINE_STYLES = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.relaxed_prefixes = ("/" + settings.ADMIN_URL, "/api/v1/docs")

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith(self.relaxed_prefixes)
            response["Content-Security-Policy"] = WITH_INLINE_STYLES if relaxed else STRICT
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
