"""The public, read-only JSON API: a ninja Router mounted at /api/v1/ by timeline/api.py.

Events are filtered exactly as the timeline page filters them: the request's query string goes
to EventFilterForm, and the form hands its cleaned values to EventQuerySet.filter_by. The
`EventFilters` schema below only documents those parameters in the OpenAPI schema.
Only published events and public statements are served; a protected identity only by name
and slug (see events/schemas.py).
"""

from typing import Literal

from django.db.models import Count, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from . import exports
from .forms import EventFilterForm, StatementFilterForm
from .http import InvalidParameters
from .models import (
    Actor,
    Category,
    Citation,
    Event,
    EventActor,
    SourceArticle,
    Statement,
    Status,
)
from .pagination import MAX_OFFSET, LinkedLimitOffsetPagination, page_link
from .schemas import (
    ActorDetailOut,
    ActorKind,
    ActorOut,
    CategoryOut,
    ErrorOut,
    EventDetailOut,
    EventOut,
    SourceDetailOut,
    SourceOut,
    StatementOut,
    TimelineOut,
    VerificationValue,
)

router = Router()

# Path ids beyond a 64-bit integer would overflow the database driver.
MAX_ID = 2**63 - 1
SLUG_MAX_LENGTH = 200

ERRORS = {
    400: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
LIST_ERRORS = {key: value for key, value in ERRORS.items() if key != 404}


# Events ---------------------------------------------------------------------------------------

Ordering = Literal["chronological", "reverse-chronological", "title", "relevance"]


class EventFilters(Schema):
    """The timeline page's filters, same names, same meaning (validated by EventFilterForm)."""

    q: str | None = Field(
        None,
        max_length=200,
        description="Words in titles, summaries, locations, public quotes or actors' names. "
        "On PostgreSQL: English stemming, \"quoted phrases\" and -excluded words.",
    )
    category: list[str] = Field(
        [], description="Category slug; repeat for any of several categories."
    )
    actor: str | None = Field(
        None,
        max_length=SLUG_MAX_LENGTH,
        description="Actor slug: events the actor takes part in or made a statement in.",
    )
    actor_kind: Literal[tuple(["", *Actor.Kind.values])] | None = Field(
        None,
        description="Events with an actor of this kind among those involved (empty: any).",
    )
    source: str | None = Field(
        None,
        max_length=SLUG_MAX_LENGTH,
        description="Source article slug: events citing it, directly or through a statement.",
    )
    publisher: str | None = Field(
        None,
        max_length=SLUG_MAX_LENGTH,
        description="Media outlet slug: events citing any of its articles.",
    )
    date_from: str | None = Field(
        None,
        max_length=40,
        description="Events starting on or after this partial date: 2017-04-01, 2017-04 or 2017 "
        "(a month or a year counts from its first day).",
        examples=["2017-04"],
    )
    date_to: str | None = Field(
        None,
        max_length=40,
        description="Events starting on or before this partial date "
        "(a month or a year counts to its last day).",
        examples=["2017-07"],
    )
    verification: list[VerificationValue] = Field(
        [], description="reported, corroborated or disputed; repeat for several."
    )


class TimelineExportParams(EventFilters):
    limit: int = Field(
        exports.TIMELINE_MAX_EVENTS, ge=1, le=exports.TIMELINE_MAX_EVENTS,
        description=f"Events in this file, at most {exports.TIMELINE_MAX_EVENTS} (TimelineJS "
        "becomes unusable beyond that). With more matching events, X-Total-Count gives their "
        "number and a Link header (rel=next) the next file.",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Matching events to skip.")


class CsvExportParams(EventFilters):
    limit: int = Field(
        exports.CSV_MAX_ROWS, ge=1, le=exports.CSV_MAX_ROWS,
        description=f"Rows in this file, at most {exports.CSV_MAX_ROWS}. With more matching "
        "events, X-Total-Count gives their number and a Link header (rel=next) the next file.",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Matching events to skip.")


def _export_slice(request, params):
    events = filtered_events(request).chronological()
    total = events.count()
    window = events.for_listing()[params.offset : params.offset + params.limit]
    return window, total


def _add_export_links(request, response, params, total):
    """X-Total-Count, and a Link to the next file when the export is one of several."""
    response["X-Total-Count"] = str(total)
    if params.offset + params.limit < total:
        following = page_link(request, params.limit, params.offset + params.limit)
        response["Link"] = f'<{following}>; rel="next"'
    return response


class EventListParams(EventFilters):
    ordering: Ordering = Field(
        "chronological",
        description="chronological (the record's order: date, finer precision first, title), "
        "reverse-chronological, title, or relevance (with q, on PostgreSQL; otherwise "
        "chronological).",
    )


def filtered_events(request):
    """The published events matching the request's filters, as the timeline page finds them."""
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        raise InvalidParameters.from_form(form)
    return form.filter(Event.objects.public())


def order_events(events, ordering):
    if ordering == "relevance" and "search_rank" in events.query.annotations:
        return events.order_by("-search_rank", *Event._meta.ordering)
    if ordering == "reverse-chronological":
        return events.chronological().reverse()
    if ordering == "title":
        return events.order_by("title", "pk")
    return events.chronological()


@router.get(
    "/events",
    response={200: list[EventOut], **LIST_ERRORS},
    url_name="event_list",
    tags=["events"],
    summary="List published events",
)
@paginate(LinkedLimitOffsetPagination)
def list_events(request, filters: Query[EventListParams]):
    return order_events(filtered_events(request), filters.ordering).for_listing()


@router.get(
    "/events/{slug}",
    response={200: EventDetailOut, **ERRORS},
    url_name="event_detail",
    tags=["events"],
    summary="One published event, with its actors, statements and citations",
)
def get_event(request, slug: str = Path(..., max_length=SLUG_MAX_LENGTH)):
    event = Event.objects.public().for_listing().filter(slug=slug).first()
    if event is None:
        raise Http404(f"No published event has the slug “{slug}”.")
    return event


# Actors ---------------------------------------------------------------------------------------


class ActorFilters(Schema):
    kind: ActorKind | None = Field(None, description="person, organisation, government…")
    q: str | None = Field(None, max_length=200, description="Words in names or other spellings.")


@router.get(
    "/actors",
    response={200: list[ActorOut], **LIST_ERRORS},
    url_name="actor_list",
    tags=["actors"],
    summary="List the actors the public record names",
)
@paginate(LinkedLimitOffsetPagination)
def list_actors(request, filters: Query[ActorFilters]):
    kind, q = filters.kind, filters.q
    actors = Actor.objects.public().select_related("affiliation").order_by("name", "pk")
    if kind:
        actors = actors.filter(kind=kind)
    if q and q.strip():
        actors = actors.search(q)
    return actors


@router.get(
    "/actors/{slug}",
    response={200: ActorDetailOut, **ERRORS},
    url_name="actor_detail",
    tags=["actors"],
    summary="One actor, with their public statements and the events they appear in",
)
def get_actor(request, slug: str = Path(..., max_length=SLUG_MAX_LENGTH)):
    actor = Actor.objects.public().select_related("affiliation").filter(slug=slug).first()
    if actor is None:
        raise Http404(f"No actor in the public record has the slug “{slug}”.")
    actor.statements_served = list(_public_statements().filter(speaker=actor))
    actor.events_served = list(
        Event.objects.public()
        .filter_by(actor=actor)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=EventActor.objects.filter(actor=actor).order_by("pk"),
                to_attr="actor_participations",
            )
        )
        .chronological()
    )
    return actor


# Statements -----------------------------------------------------------------------------------


def _public_statements():
    return (
        Statement.objects.public()
        .select_related("speaker", "event")
        .with_citations()
        .chronological()
    )


class StatementFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Words in the quote.")
    speaker: str | None = Field(None, max_length=SLUG_MAX_LENGTH, description="Actor slug.")
    event: str | None = Field(None, max_length=SLUG_MAX_LENGTH, description="Event slug.")
    date_from: str | None = Field(
        None, max_length=40, description="Said on or after: 2017-04-01, 2017-04 or 2017."
    )
    date_to: str | None = Field(
        None, max_length=40, description="Said on or before: 2017-04-30, 2017-04 or 2017."
    )


@router.get(
    "/statements",
    response={200: list[StatementOut], **LIST_ERRORS},
    url_name="statement_list",
    tags=["statements"],
    summary="List public statements, in the order they were said",
)
@paginate(LinkedLimitOffsetPagination)
def list_statements(request, filters: Query[StatementFilters]):
    form = StatementFilterForm(request.GET)
    if not form.is_valid():
        raise InvalidParameters.from_form(form)
    return form.filter(_public_statements())


@router.get(
    "/statements/{statement_id}",
    response={200: StatementOut, **ERRORS},
    url_name="statement_detail",
    tags=["statements"],
    summary="One public statement",
)
def get_statement(request, statement_id: int = Path(..., ge=1, le=MAX_ID)):
    statement = _public_statements().filter(pk=statement_id).first()
    if statement is None:
        raise Http404(f"No public statement has the id {statement_id}.")
    return statement


# Sources --------------------------------------------------------------------------------------

PUBLIC_CITATION = Q(event__status=Status.PUBLISHED) | Q(
    statement__in=Statement.objects.public()
)


def _sources():
    public_citations = Citation.objects.filter(PUBLIC_CITATION, source=OuterRef("pk"))
    return SourceArticle.objects.select_related("publisher").annotate(
        citation_count=Coalesce(
            public_citations.order_by().values("source").annotate(n=Count("pk")).values("n"), 0
        )
    )


class SourceFilters(Schema):
    publisher: str | None = Field(
        None, max_length=SLUG_MAX_LENGTH, description="Media outlet slug."
    )


@router.get(
    "/sources",
    response={200: list[SourceOut], **LIST_ERRORS},
    url_name="source_list",
    tags=["sources"],
    summary="List the source articles, oldest first",
)
@paginate(LinkedLimitOffsetPagination)
def list_sources(request, filters: Query[SourceFilters]):
    publisher = filters.publisher
    sources = _sources()
    if publisher:
        sources = sources.filter(publisher__slug=publisher)
    return sources.order_by(*SourceArticle._meta.ordering, "pk")


@router.get(
    "/sources/{slug}",
    response={200: SourceDetailOut, **ERRORS},
    url_name="source_detail",
    tags=["sources"],
    summary="One source article, with what the public record cites it for",
)
def get_source(request, slug: str = Path(..., max_length=SLUG_MAX_LENGTH)):
    source = _sources().filter(slug=slug).first()
    if source is None:
        raise Http404(f"No source article has the slug “{slug}”.")
    source.citations_served = list(
        Citation.objects.filter(PUBLIC_CITATION, source=source)
        .select_related("event", "statement__speaker", "statement__event")
        .order_by(Coalesce("event__start_date", "statement__date"), "pk")
    )
    return source


# Categories -----------------------------------------------------------------------------------


def _categories():
    return Category.objects.annotate(
        event_count=Count("events", filter=Q(events__status=Status.PUBLISHED))
    ).order_by("name")


@router.get(
    "/categories",
    response={200: list[CategoryOut], **LIST_ERRORS},
    url_name="category_list",
    tags=["categories"],
    summary="List the categories of events",
)
@paginate(LinkedLimitOffsetPagination)
def list_categories(request):
    return _categories()


@router.get(
    "/categories/{slug}",
    response={200: CategoryOut, **ERRORS},
    url_name="category_detail",
    tags=["categories"],
    summary="One category",
)
def get_category(request, slug: str = Path(..., max_length=SLUG_MAX_LENGTH)):
    category = _categories().filter(slug=slug).first()
    if category is None:
        raise Http404(f"No category has the slug “{slug}”.")
    return category


# Exports --------------------------------------------------------------------------------------


@router.get(
    "/exports/timelinejs",
    response={200: TimelineOut, **LIST_ERRORS},
    exclude_none=True,
    url_name="export_timelinejs",
    tags=["exports"],
    summary="The filtered events as Knight Lab TimelineJS 3 JSON",
)
def export_timelinejs(request, response: HttpResponse, filters: Query[TimelineExportParams]):
    events, total = _export_slice(request, filters)
    _add_export_links(request, response, filters, total)
    return exports.timelinejs(request, events, total=total, offset=filters.offset)


@router.get(
    "/exports/events.csv",
    response={200: None, **LIST_ERRORS},
    url_name="export_events_csv",
    tags=["exports"],
    summary="The filtered events as CSV, one row per event",
    openapi_extra={
        "responses": {
            200: {
                "description": "UTF-8 CSV (with a byte order mark for spreadsheets), a header "
                "row, one row per event.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_events_csv(request, filters: Query[CsvExportParams]):
    events, total = _export_slice(request, filters)
    return _add_export_links(request, exports.events_csv(request, events), filters, total)
