"""Pagination: the pages' bounded-count paginator and the API's linked limit/offset pages."""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from .links import absolute_url

# 15 since the Russian pages came (25 before the time axis and the figures in dispute, then
# 20): the first load of `/` and of `/ru/`, whose Cyrillic text compresses less, stays under
# its 60 KB budget (tests/test_bundled_data.py, tests/test_i18n_pages.py).
EVENTS_PER_PAGE = 15
# Matches are counted exactly up to here; past it a page says "more than 1,000".
COUNT_LIMIT = 1000


class BadPage(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class BoundedCountPaginator(Paginator):
    """A Paginator that counts no further than the page it serves needs.

    Counting every match is the slowest part of a search over a large record, far slower than
    fetching the 25 events shown (docs/performance.md has the figures). Up to `count_limit`
    matches the count is exact; past it `count_is_exact` is false, `count` is a lower bound,
    and the page still knows it has a next one. With no limit (None) it counts everything,
    as Django's Paginator does.
    """

    def __init__(self, object_list, per_page, *, count_limit, known_count=None):
        super().__init__(object_list, per_page)
        self.count_limit = count_limit
        if known_count is not None:  # counted already: the count as this paginator makes it
            self.count = known_count if count_limit is None else min(known_count, count_limit + 1)

    @cached_property
    def count(self):
        if self.count_limit is None:
            return self.object_list.count()
        # Neither the order nor the search rank changes how many there are.
        matches = self.object_list.order_by().values("pk")
        return matches[: self.count_limit + 1].count()

    @cached_property
    def count_is_exact(self):
        return self.count_limit is None or self.count <= self.count_limit


def paginate(request, events, per_page=EVENTS_PER_PAGE, count=None):
    """The requested page of events; a page number that is not one is the reader's error.
    `count`: every match, when already known (the chronology's kept axis counted them)."""
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        raise BadPage(
            _("“%(raw)s” is not a page number.") % {"raw": raw[:20]}, 400
        ) from None
    if number < 1:
        raise BadPage(_("Page numbers start at 1."), 400)
    # Counted as far as the requested page reaches, so that its existence and its next page
    # are known; a page far past any record's end is checked against the whole count.
    reach = number * per_page
    limit = max(COUNT_LIMIT, reach) if reach <= COUNT_LIMIT * 1000 else None
    paginator = BoundedCountPaginator(events, per_page, count_limit=limit, known_count=count)
    if number > paginator.num_pages:
        raise BadPage(
            ngettext(
                "There is no page %(number)s: these results fill %(pages)s page.",
                "There is no page %(number)s: these results fill %(pages)s pages.",
                paginator.num_pages,
            ) % {"number": number, "pages": paginator.num_pages},
            404,
        )
    return paginator.page(number)


# The largest offset a client may ask for: far beyond the record, small enough for any database.
MAX_OFFSET = 1_000_000


class LinkedLimitOffsetPagination(PaginationBase):
    """Limit/offset pages with the total count and absolute links to the pages around."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
            description="Items per page, at most "
            f"{settings.NINJA_PAGINATION_MAX_LIMIT}.",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    class Output(Schema):
        count: int = Field(description="All the items matching the query, on every page.")
        limit: int
        offset: int
        next: str | None = Field(description="The next page, or null on the last.")
        previous: str | None = Field(description="The previous page, or null on the first.")
        items: list[Any]

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit, offset = pagination.limit, pagination.offset
        count = queryset.count()
        return {
            "count": count,
            "limit": limit,
            "offset": offset,
            "next": page_link(request, limit, offset + limit) if offset + limit < count else None,
            "previous": page_link(request, limit, max(offset - limit, 0)) if offset else None,
            "items": list(queryset[offset : offset + limit]),
        }


def page_link(request, limit, offset):
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset)
    return absolute_url(f"{request.path}?{query.urlencode()}")
