"""Template helpers for the two languages: the same page in another language (the header's
switcher, the <head>'s hreflang links), what a reader is told about an item's translation, and
a day written as the reader's language writes it."""

from django import template
from django.conf import settings
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_info

from .. import languages
from ..forms import FilterForm
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


@register.filter
def translation_status(item):
    """What the reader should be told about `item`'s translation (events/languages.py), with
    the words to tell it in: read from the item's own columns, no query."""
    status = languages.translation_status(item)
    return {**status, "missing_note": languages.MISSING_NOTE,
            "outdated_note": languages.OUTDATED_NOTE}


@register.filter(expects_localtime=True)
def long_date(value):
    """A day as the reader's language writes it: "1 April 2017", «1 апреля 2017 г.»."""
    if not value:
        return ""
    text = date_format(value, "j E Y")
    return f"{text} г." if get_language() == "ru" else text


@register.filter
def language_name(code):
    """A language's name in the reader's language: "English", «английский»."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    return name.lower() if get_language() == "ru" else name


@register.simple_tag(takes_context=True)
def switch_language(context, language):
    """This page in `language`, for the switcher: its filters when the page's filter form found
    them valid, and its page number; nothing else a query string may carry is repeated back
    (an unknown slug may be a withdrawn name), as for the canonical address."""
    request = context["request"]
    if "request_path" in context or "exception" in context:
        # An error page (Django's 404 and 500 views set these): the address asked for is not
        # a page of ours, and may be an old slug made from a protected person's real name.
        return in_language("/", language)
    form = context.get("form")
    query = QueryDict(mutable=True)
    if isinstance(form, FilterForm) and form.is_bound and form.is_valid():
        for name in form.fields:
            values = [value for value in request.GET.getlist(name) if value.strip()]
            if values:
                query.setlist(name, values)
    page = request.GET.get("page", "").strip()
    if page.isdigit() and page != "1":
        query["page"] = page
    path = in_language(request.path, language)
    return f"{path}?{query.urlencode()}" if query else path
