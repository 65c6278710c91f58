"""The public, read-only JSON API: a ninja Router mounted at /api/v1/ by timeline/api.py.

Lists are filtered exactly as the pages filter them: the query string goes to the list's filter
form (events/forms.py), the only validator of filter parameters, and the form hands its cleaned
values to the QuerySet's `filter_by`. The endpoints declare only what is theirs (ordering,
limit, offset); the OpenAPI description of the filters is generated from the form's fields
(`form_parameters`), so the docs cannot drift from what is validated.
Only published events and public statements are served; a protected identity only by name
and slug (see events/schemas.py).
"""

from typing import Literal

from django import forms
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.utils.text import capfirst
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from . import exports
from .forms import (
    ActorFilterForm,
    ClaimFilterForm,
    EventFilterForm,
    SourceFilterForm,
    StatementFilterForm,
    form_errors,
)
from .http import InvalidParameters
from .models import (
    Actor,
    Category,
    Citation,
    Claim,
    Event,
    EventActor,
    Place,
    SourceArticle,
    Statement,
    listing_prefetches,
)
from .pagination import MAX_OFFSET, LinkedLimitOffsetPagination, page_link
from .schemas import (
    ActorDetailOut,
    ActorOut,
    CategoryOut,
    ClaimOut,
    ErrorOut,
    EventDetailOut,
    EventOut,
    PlaceDetailOut,
    PlaceOut,
    SourceDetailOut,
    SourceOut,
    StatementOut,
    TimelineOut,
)

router = Router()

# Path ids beyond a 64-bit integer would overflow the database driver.
MAX_ID = 2**63 - 1
SLUG_MAX_LENGTH = 200

# Every answer an operation can really give besides its 200, declared so that clients (and
# schemathesis) know them: 400 for a NUL in the address, 404 for an unknown object or a path
# that is not one, 414 from gunicorn for a request line over 4094 bytes (its own plain page,
# so no body is declared), 422 for parameters the forms refuse, 429 past the throttle, 503
# while the database does not answer (events/views.py, server_error).
ERRORS = {
    400: ErrorOut,
    404: ErrorOut,
    414: None,
    422: ErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}


def filtered(form_class, request, queryset):
    """queryset through the request's filters, or a 422 with the form's own messages."""
    form = form_class(request.GET)
    if not form.is_valid():
        raise InvalidParameters(form_errors(form))
    return form.filter(queryset)


def form_parameters(form_class):
    """The OpenAPI query parameters of a filter form, one per field: its name, its help text,
    its choices and its maximum length, so the docs say what the form validates."""
    fields = form_class.base_fields.items()
    return {"parameters": [_parameter(name, field) for name, field in fields]}


def _parameter(name, field):
    description = str(field.help_text)
    if isinstance(field, forms.ModelChoiceField):  # and ModelMultipleChoiceField
        meta = field.queryset.model._meta
        key = meta.get_field(field.to_field_name)
        schema = {"type": "string", "maxLength": key.max_length}
        description = f"{capfirst(meta.verbose_name)} {key.name}. {description}"
    elif isinstance(field, forms.ChoiceField):  # and MultipleChoiceField
        schema = {"type": "string", "enum": [str(value) for value, _ in field.choices]}
    else:
        schema = {"type": "string"}
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length
    parameter = {"in": "query", "name": name, "required": False}
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        schema = {"type": "array", "items": schema}
        description += " Repeat the parameter for several."
        parameter.update(style="form", explode=True)
    return {**parameter, "description": description, "schema": schema}


# Events ---------------------------------------------------------------------------------------

Ordering = Literal["chronological", "reverse-chronological", "title", "relevance"]


class EventListParams(Schema):
    ordering: Ordering = Field(
        "chronological",
        description="chronological (the record's order: by day; an event known only to the "
        "month after the month's dated events, unless a best estimate places it; then title), "
        "reverse-chronological, title, or relevance (with q, on PostgreSQL; otherwise "
        "chronological).",
    )


class ExportWindow(Schema):
    limit: int
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Matching events to skip.")


class TimelineExportParams(ExportWindow):
    limit: int = Field(
        exports.TIMELINE_MAX_EVENTS, ge=1, le=exports.TIMELINE_MAX_EVENTS,
        description=f"Events in this file, at most {exports.TIMELINE_MAX_EVENTS} (TimelineJS "
        "becomes unusable beyond that). With more matching events, X-Total-Count gives their "
        "number and a Link header (rel=next) the next file.",
    )


class CsvExportParams(ExportWindow):
    limit: int = Field(
        exports.CSV_MAX_ROWS, ge=1, le=exports.CSV_MAX_ROWS,
        description=f"Rows in this file, at most {exports.CSV_MAX_ROWS}. With more matching "
        "events, X-Total-Count gives their number and a Link header (rel=next) the next file.",
    )


def _export_slice(request, params):
    events = filtered(EventFilterForm, request, Event.objects.public()).chronological()
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


def without_statements(events):
    """`for_listing()` less the statements and their citations, which an item of the list
    does not show (EventOut; the detail's EventDetailOut does): two queries and about a third
    of the rows a page reads."""
    shown = [
        prefetch for prefetch in listing_prefetches()
        if prefetch.to_attr != Event.LISTED_STATEMENTS
    ]
    return events.defer(*Event.SEARCH_DOCUMENTS).select_related("category").prefetch_related(
        *shown
    )


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
    response={200: list[EventOut], **ERRORS},
    url_name="event_list",
    tags=["events"],
    summary="List published events",
    openapi_extra=form_parameters(EventFilterForm),
)
@paginate(LinkedLimitOffsetPagination)
def list_events(request, params: Query[EventListParams]):
    events = filtered(EventFilterForm, request, Event.objects.public())
    return without_statements(order_events(events, params.ordering))


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


@router.get(
    "/actors",
    response={200: list[ActorOut], **ERRORS},
    url_name="actor_list",
    tags=["actors"],
    summary="List the actors the public record names",
    openapi_extra=form_parameters(ActorFilterForm),
)
@paginate(LinkedLimitOffsetPagination)
def list_actors(request):
    actors = Actor.objects.public().select_related("affiliation").order_by("name", "pk")
    return filtered(ActorFilterForm, request, actors)


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
    actor.statements_served = list(
        Statement.objects.public().for_listing().filter_by(speaker=actor)
    )
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


@router.get(
    "/statements",
    response={200: list[StatementOut], **ERRORS},
    url_name="statement_list",
    tags=["statements"],
    summary="List public statements, in the order they were said",
    openapi_extra=form_parameters(StatementFilterForm),
)
@paginate(LinkedLimitOffsetPagination)
def list_statements(request):
    return filtered(StatementFilterForm, request, Statement.objects.public().for_listing())


@router.get(
    "/statements/{statement_id}",
    response={200: StatementOut, **ERRORS},
    url_name="statement_detail",
    tags=["statements"],
    summary="One public statement",
)
def get_statement(request, statement_id: int = Path(..., ge=1, le=MAX_ID)):
    statement = Statement.objects.public().for_listing().filter(pk=statement_id).first()
    if statement is None:
        raise Http404(f"No public statement has the id {statement_id}.")
    return statement


# Sources --------------------------------------------------------------------------------------

def _sources():
    return SourceArticle.objects.select_related("publisher").with_public_citation_count()


@router.get(
    "/sources",
    response={200: list[SourceOut], **ERRORS},
    url_name="source_list",
    tags=["sources"],
    summary="List the source articles, oldest first",
    openapi_extra=form_parameters(SourceFilterForm),
)
@paginate(LinkedLimitOffsetPagination)
def list_sources(request):
    sources = _sources().order_by(*SourceArticle._meta.ordering, "pk")
    return filtered(SourceFilterForm, request, sources)


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
        Citation.objects.public().filter(source=source)
        .select_related("event", "statement__speaker", "statement__event")
        # Each citation where what it supports sits in the chronology: an event's place, a
        # statement's event's place, or, for a statement of no event, the day it was said.
        .order_by(
            Coalesce("event__sort_date", "statement__event__sort_date", "statement__date"), "pk"
        )
    )
    return source


# Categories -----------------------------------------------------------------------------------


def _categories():
    return Category.objects.with_event_count().order_by("name")


@router.get(
    "/categories",
    response={200: list[CategoryOut], **ERRORS},
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


# Places ---------------------------------------------------------------------------------------


def _places(request):
    """The places of the published events matching the request's filters, with their number
    of such events: one query, whatever the number of places."""
    events = filtered(EventFilterForm, request, Event.objects.public())
    return Place.objects.with_event_count(events).order_by("name", "pk")


@router.get(
    "/places",
    response={200: list[PlaceOut], **ERRORS},
    url_name="place_list",
    tags=["places"],
    summary="List the places of the published events, at their published precision",
    description="Takes the events' filters: only the places of matching events are listed, "
    "each with its number of matching events. A sensitive place (`approximate`) is given "
    "only as its town or area, rounded, within `radius_km`.",
    openapi_extra=form_parameters(EventFilterForm),
)
@paginate(LinkedLimitOffsetPagination)
def list_places(request):
    return _places(request)


@router.get(
    "/places/{slug}",
    response={200: PlaceDetailOut, **ERRORS},
    url_name="place_detail",
    tags=["places"],
    summary="One place, with its published events",
)
def get_place(request, slug: str = Path(..., max_length=SLUG_MAX_LENGTH)):
    place = Place.objects.with_event_count().filter(slug=slug).first()
    if place is None:
        raise Http404(f"No place of a published event has the slug “{slug}”.")
    place.events_served = list(
        Event.objects.public().filter_by(place=place).select_related("category").chronological()
    )
    return place
# Claims ---------------------------------------------------------------------------------------


@router.get(
    "/claims",
    response={200: list[ClaimOut], **ERRORS},
    url_name="claim_list",
    tags=["claims"],
    summary="List the figures in dispute: what each source says",
    openapi_extra=form_parameters(ClaimFilterForm),
)
@paginate(LinkedLimitOffsetPagination)
def list_claims(request):
    return filtered(ClaimFilterForm, request, Claim.objects.public()).for_listing()


@router.get(
    "/claims/{slug}",
    response={200: ClaimOut, **ERRORS},
    url_name="claim_detail",
    tags=["claims"],
    summary="One figure in dispute, with what each source says",
)
def get_claim(request, slug: str = Path(..., max_length=SLUG_MAX_LENGTH)):
    claim = Claim.objects.public().for_listing().filter(slug=slug).first()
    if claim is None:
        raise Http404(f"No published claim has the slug “{slug}”.")
    return claim


# Exports --------------------------------------------------------------------------------------


@router.get(
    "/exports/timelinejs",
    response={200: TimelineOut, **ERRORS},
    exclude_none=True,
    url_name="export_timelinejs",
    tags=["exports"],
    summary="The filtered events as Knight Lab TimelineJS 3 JSON",
    openapi_extra=form_parameters(EventFilterForm),
)
def export_timelinejs(request, response: HttpResponse, filters: Query[TimelineExportParams]):
    events, total = _export_slice(request, filters)
    _add_export_links(request, response, filters, total)
    return exports.timelinejs(request, events, total=total, offset=filters.offset)


@router.get(
    "/exports/events.csv",
    response={200: None, **ERRORS},
    url_name="export_events_csv",
    tags=["exports"],
    summary="The filtered events as CSV, one row per event",
    openapi_extra={
        **form_parameters(EventFilterForm),
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


@router.get(
    "/exports/places.geojson",
    response={200: None, **ERRORS},
    url_name="export_places_geojson",
    tags=["exports"],
    summary="The places of the filtered events as GeoJSON (RFC 7946)",
    openapi_extra={
        **form_parameters(EventFilterForm),
        "responses": {
            200: {
                "description": "A GeoJSON FeatureCollection: one Point per place (longitude, "
                "latitude, WGS 84, at the place's published precision), with its name, kind, "
                "radius_km, approximate and its number of matching events.",
                "content": {"application/geo+json": {"schema": {"type": "object"}}},
            }
        },
    },
)
def export_places_geojson(request):
    return exports.places_geojson(request, _places(request))
