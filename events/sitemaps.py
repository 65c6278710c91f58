"""The site's map for search engines (`/sitemap.xml`) and for the static mirror.

Every public page type has one section here; `manage.py export_site` walks every section, so
a page type listed here is mirrored without special code. A branch adding a page type adds a
section to SECTIONS (a `PublicSitemap` subclass with `items()` and, where it can be known,
`lastmod()`).

Every page is listed in each language (English unprefixed, Russian under /ru/), each entry
with its alternates (`xhtml:link rel="alternate" hreflang`, and `x-default` for the English),
as search engines ask of a site in several languages.

Absolute URLs come from SITE_URL, never from the request's Host (timeline/settings.py):
Django's sitemap view would otherwise build them from whatever Host a client sends, and the
page cache would hand that to every later reader.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from .models import Actor, Category, Event, Place, RecordState, SourceArticle, Status


class PublicSitemap(Sitemap):
    limit = 5000
    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class FixedPages(PublicSitemap):
    """The chronology, the about page, the map, who's who and the bibliography: they change
    with any change to the record."""

    changefreq = "daily"

    def items(self):
        return [
            "events:event_list", "events:about", "events:place_list", "events:actor_index",
            "events:source_index",
        ]

    def location(self, item):
        from django.urls import reverse

        return reverse(item)

    def lastmod(self, item):
        # One query for all of them, in every language.
        if not hasattr(self, "_changed_at"):
            state = RecordState.objects.filter(pk=RecordState.SINGLETON).first()
            self._changed_at = state.changed_at if state else None
        return self._changed_at


class EventPages(PublicSitemap):
    def items(self):
        return Event.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, event):
        return event.updated_at


def _latest_public_event(prefix):
    """The latest change among the published events a page lists, as `latest`: an actor's,
    a source's and a category's page change when one of their events does."""
    return Max(f"{prefix}updated_at", filter=Q(**{f"{prefix}status": Status.PUBLISHED}))


class ActorPages(PublicSitemap):
    def items(self):
        return (
            Actor.objects.public().only("slug").annotate(latest=_latest_public_event("events__"))
            .order_by("pk")
        )

    def lastmod(self, actor):
        return actor.latest


class SourcePages(PublicSitemap):
    def items(self):
        return (
            SourceArticle.objects.only("slug")
            .annotate(latest=_latest_public_event("citations__event__"))
            .order_by("pk")
        )

    def lastmod(self, source):
        return source.latest


class CategoryPages(PublicSitemap):
    def items(self):
        return (
            Category.objects.only("slug").annotate(latest=_latest_public_event("events__"))
            .order_by("pk")
        )

    def lastmod(self, category):
        return category.latest


class PlacePages(PublicSitemap):
    """Places a published event names (a place only a draft names stays unknown)."""

    def items(self):
        return (
            Place.objects.public().only("slug")
            .annotate(latest=_latest_public_event("events__")).order_by("pk")
        )

    def lastmod(self, place):
        return place.latest


SECTIONS = {
    "pages": FixedPages,
    "events": EventPages,
    "actors": ActorPages,
    "sources": SourcePages,
    "categories": CategoryPages,
    "places": PlacePages,
}
