"""The same page in another language: the header's switcher and the <head>'s hreflang links."""

from django import template
from django.conf import settings

from ..languages import DEFAULT, PREFIXED, language_of_path

register = template.Library()


@register.filter
def in_language(url, language):
    """`url` (a path with its query string, or an absolute URL on this site) in `language`:
    /ru/actors/?page=2 <-> /actors/?page=2. Everything after the path is kept as it is, so a
    switch keeps the reader's filters."""
    url = str(url)
    origin = ""
    if url.startswith(settings.SITE_URL + "/"):
        origin, url = settings.SITE_URL, url[len(settings.SITE_URL):]
    path, mark, rest = url.partition("?")
    current = language_of_path(path)
    if current in PREFIXED:
        path = path[len(current) + 1:] or "/"
    if language != DEFAULT:
        path = f"/{language}{path}"
    return f"{origin}{path}{mark}{rest}"
