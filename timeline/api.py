"""The public API instance (/api/v1/): its routers and its error handlers.

The HTTP behaviour every response shares lives in events/http.py.
"""

from django.http import Http404
from ninja import Swagger
from ninja.errors import HttpError, Throttled, ValidationError

from events import http
from events.api import router as events_router

api = http.PublicAPI(
    title="Chechnya 2017 chronology API",
    version="1",
    description="Read-only public JSON for the documented chronology of the reporting on the "
    "2017 anti-gay purge in Chechnya. Only published items are served; protected identities "
    "appear by their name only (pseudonym, first name or anonymous label, with `naming` saying "
    "which). Events take the timeline page's filters, with the same "
    "names and meaning. Guide with examples: docs/api.md in the repository.\n\n"
    "**Language.** Every answer and export is in English or Russian: `?lang=en` or `?lang=ru` "
    "on any address, else the best of the `Accept-Language` header (`ru, en;q=0.8`), else "
    "English; any other `lang` is refused with 400. Answers carry `Content-Language` and "
    "`Vary: Accept-Language`. A field not yet translated is given in English and named in the "
    "item's `translation.missing`; `translation.outdated` says the translation predates the "
    "latest change in the other language. Quotes stay as the source prints them "
    "(`quote_language`); `rendering` is our rendering in the answer's language.",
    urls_namespace="api-1",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
    throttle=http.AnonymousThrottle(),
)
api.add_router("/", events_router)

api.add_exception_handler(http.InvalidParameters, http.invalid_parameters)
api.add_exception_handler(ValidationError, http.invalid_input)
api.add_exception_handler(Http404, http.not_found)
api.add_exception_handler(Throttled, http.throttled)
api.add_exception_handler(HttpError, http.http_error)
