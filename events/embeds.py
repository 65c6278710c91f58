"""Embedding the chronology in other sites: which views can be embedded, the `/embed/`
address of each, the iframe snippet, and the oEmbed answer (https://oembed.com/).

A view is embeddable when it is a filtered chronology: the chronology itself (`/?filters`),
or a category's, an actor's or a source's page, which are the chronology filtered by it.
The embed takes exactly the chronology's filters (EventFilterForm), so a newsroom can embed
any view a reader can make.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from .languages import language_of_path
from .links import absolute_url

PROVIDER_NAME = gettext_lazy("Chechnya 2017: a documented chronology")
DEFAULT_WIDTH, DEFAULT_HEIGHT = 640, 600
MIN_SIZE = 200
# The pages whose view is the chronology filtered by their subject.
FILTER_OF_PAGE = {
    "events:category_detail": "category",
    "events:actor_detail": "actor",
    "events:source_detail": "source",
}


class NotEmbeddable(ValueError):
    """The address is not a view of this site that can be embedded (oEmbed's 404)."""


def embed_query(url):
    """The chronology's filters (a QueryDict) showing the view at `url`, one of this site's
    addresses; NotEmbeddable otherwise. Filter values are checked by the embed itself."""
    parts = urlsplit(url.strip())
    site = urlsplit(settings.SITE_URL)
    if (parts.scheme, parts.netloc.lower()) != (site.scheme, site.netloc.lower()):
        raise NotEmbeddable(
            gettext("Only addresses on %(site)s can be embedded.") % {"site": settings.SITE_URL}
        )
    try:
        # In the address's own language: a /ru/ address resolves only with Russian active.
        with translation.override(language_of_path(parts.path or "/")):
            match = resolve(parts.path or "/")
    except Resolver404:
        raise NotEmbeddable(gettext("There is no page at this address.")) from None
    query = QueryDict(parts.query, mutable=True)
    query.pop("page", None)
    if match.view_name == "events:event_list":
        return query
    if match.view_name in FILTER_OF_PAGE:
        query = QueryDict(mutable=True)
        query[FILTER_OF_PAGE[match.view_name]] = match.kwargs["slug"]
        return query
    raise NotEmbeddable(
        gettext("Only the chronology and the category, actor and source pages can be embedded.")
    )


def embed_url(query):
    """The absolute address of the embed of a view's filters."""
    encoded = query.urlencode() if hasattr(query, "urlencode") else urlencode(query, doseq=True)
    return absolute_url(reverse("events:embed")) + (f"?{encoded}" if encoded else "")


def full_url(query):
    """The absolute address of the view on the full site."""
    encoded = query.urlencode()
    return absolute_url(reverse("events:event_list")) + (f"?{encoded}" if encoded else "")


def iframe(query, width=DEFAULT_WIDTH, height=DEFAULT_HEIGHT, title=PROVIDER_NAME):
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'referrerpolicy="strict-origin-when-cross-origin"></iframe>',
        embed_url(query), width, height, title,
    )


def oembed_url(page_url):
    """The discovery address of a page's oEmbed answer."""
    return absolute_url(reverse("events:oembed")) + "?" + urlencode(
        {"url": page_url, "format": "json"}
    )


def bounded_size(value, default, name):
    """maxwidth/maxheight: a whole number of pixels, clamped to what an embed can use."""
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(
            gettext("%(name)s must be a whole number of pixels, not %(value)s.")
            % {"name": name, "value": repr(value[:40])}
        ) from None
    if number < MIN_SIZE:
        raise ValueError(gettext("%(name)s must be at least %(size)s pixels.")
                         % {"name": name, "size": MIN_SIZE})
    return min(number, default)


def oembed_answer(query, maxwidth=None, maxheight=None, title=PROVIDER_NAME):
    width = bounded_size(maxwidth, DEFAULT_WIDTH, "maxwidth")
    height = bounded_size(maxheight, DEFAULT_HEIGHT, "maxheight")
    return {
        "version": "1.0",
        "type": "rich",
        "provider_name": str(PROVIDER_NAME),
        "provider_url": absolute_url("/"),
        "title": str(title),
        "html": str(iframe(query, width, height, title)),
        "width": width,
        "height": height,
        "cache_age": settings.CDN_MAX_AGE,
    }
