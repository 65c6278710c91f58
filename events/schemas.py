"""The API's output shapes, written out field by field (never `fields="__all__"`).

Every resolver that builds a link takes it from the request (`context["request"]`), so `url`
and `api_url` are absolute for whatever host the API is served from. A protected identity
is served by its name (the pseudonym) and slug only: the resolvers below return nothing else
for it, whatever the record holds.
"""

import functools
from typing import Literal

from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.translation import get_language
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, model_validator

from .exports import quote_language_of
from .languages import DEFAULT, LANGUAGE_CODES, translation_status
from .links import absolute_url, url_for
from .models import Actor, Naming, PlaceKind, SourceType, StatementKind, Verification
from .partial_dates import PartialDate

ActorKind = Literal[tuple(Actor.Kind.values)]
VerificationValue = Literal[tuple(Verification.values)]
SourceTypeValue = Literal[tuple(SourceType.values)]
NamingValue = Literal[tuple(Naming.values)]
StatementKindValue = Literal[tuple(StatementKind.values)]
KIND_DESCRIPTION = (
    "“quote”: `quote` holds the speaker's exact words, verbatim from a cited excerpt. "
    "“reported”: reported speech, `quote` holds the curators' own words of what was said, to "
    "follow “<speaker> said”; it is not a quotation and must not be shown as one."
)


class Out(Schema):
    """ninja's Schema for output, reading an object's fields in one pass.

    ninja validates a response by wrapping every object in a DjangoGetter whose __getattr__
    pydantic calls once per field, thousands of calls for a page of events (a large share of
    the request: docs/performance.md). This reads the same values into a dict first (a
    field's `resolve_<name>` when it has one, else the attribute, with ninja's conversions),
    which pydantic then validates natively. Dicts pass through unchanged.

    It overrides ninja's own root validator and uses ninja internals (`_run_root_validator`,
    `_ninja_resolvers` and its Resolver's `_func`, `_static` and `_takes_context`,
    `DjangoGetter` and its `_convert_result`): tests/test_schemas.py pins them, and fails on
    any other django-ninja version until they are checked again.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if isinstance(values, (dict, BaseModel)):
            return handler(values)
        return handler(_fields_of(cls, values, info.context))


@functools.cache
def _readers(schema):
    """(field name, its resolver function or None, whether it takes the context) for each
    field of an output schema: ninja's Resolver.__call__(getter) calls the static function
    with the object, and the context when it asks for it; this calls it directly."""
    readers = []
    for name in schema.model_fields:
        resolver = schema._ninja_resolvers.get(name)
        if resolver is None:
            readers.append((name, None, False))
        else:
            assert resolver._static, f"{schema.__name__}.resolve_{name} must be static"
            readers.append((name, resolver._func, resolver._takes_context))
    return tuple(readers)


# Values DjangoGetter._convert_result returns as they are (no manager, queryset, callable or
# file): most of what a page reads, spared the call.
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _fields_of(schema, obj, context):
    data = {}
    for name, resolve, takes_context in _readers(schema):
        if resolve is not None:
            data[name] = resolve(obj, context=context) if takes_context else resolve(obj)
            continue
        try:
            value = getattr(obj, name)
        except AttributeError:
            continue  # pydantic reports the missing field, or takes its default
        if type(value) not in _PLAIN:
            value = DjangoGetter(obj, schema, context)._convert_result(value)
        data[name] = value
    return data


@functools.cache
def _choice_labels(field):
    return dict(field.flatchoices)  # the labels stay lazy: translated when displayed


def choice_display(instance, name):
    """instance.get_<name>_display(), which rebuilds the field's choices, translating each
    label to hash it, on every call: a sizeable share of a page of events."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return force_str(_choice_labels(field).get(value, value), strings_only=True)


def absolute(context, path):
    return absolute_url(path)


def api_path(name, key):
    return url_for(f"api-1:{name}", key)


LanguageCode = Literal[tuple(LANGUAGE_CODES)]


class TranslationOut(Out):
    """How far an item's text is in the response's language (events/languages.py)."""

    language: LanguageCode = Field(description="The language of this response: en or ru.")
    missing: list[str] = Field(
        description="The item's fields that have no text in this language yet and are given "
        "in English instead."
    )
    outdated: bool = Field(
        description="The text in this language was written before the latest change in the "
        "other language and may be out of date."
    )


@functools.cache
def _declared_order(model):
    return {field.name: number for number, field in enumerate(model._meta.get_fields())}


def translation_of(item):
    """translation_status(), its `missing` fields in the model's order: the order
    django-modeltranslation keeps them in is a set's, which differs from one process to the
    next, and with it the bytes and the ETag of the same answer from two workers."""
    status = translation_status(item, get_language() or DEFAULT)
    if len(status["missing"]) > 1:
        status["missing"].sort(key=_declared_order(type(item)).__getitem__)
    return status


def protected_translation(actor):
    """A protected identity shows only its name: its translation state says nothing of the
    fields it does not show (whether they exist, or changed)."""
    status = translation_of(actor)
    shown = {"name", "naming_note"}  # the name, and what kind of name it is
    return {**status, "missing": [name for name in status["missing"] if name in shown],
            "outdated": False}


class Translated(Out):
    translation: TranslationOut = Field(
        description="Which of the item's fields are shown in English for want of a translation "
        "into the response's language, and whether its translation may be out of date."
    )

    @staticmethod
    def resolve_translation(item):
        return translation_of(item)


class ErrorOut(Out):
    detail: str = Field(description="What went wrong, in words a person can act on.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="For invalid parameters: each parameter's messages, by parameter name.",
    )


class PartialDateOut(Out):
    """A date known to the day, the month or the year, possibly approximate."""

    date: str = Field(
        description="ISO 8601 prefix, as precise as the evidence: 2017, 2017-04 or 2017-04-01.",
        examples=["2017-04"],
    )
    precision: Literal["day", "month", "year"]
    approximate: bool
    display: str = Field(description="As a reader sees it: “c. April 2017”.")

    @staticmethod
    def of(partial_date: PartialDate | None):
        if partial_date is None:
            return None
        return {
            "date": partial_date.iso(),
            "precision": partial_date.precision.label,
            "approximate": partial_date.approximate,
            "display": partial_date.display(),
        }


class CategoryRef(Translated):
    id: int
    slug: str
    name: str
    url: str
    api_url: str

    @staticmethod
    def resolve_url(category, context):
        return absolute(context, category.get_absolute_url())

    @staticmethod
    def resolve_api_url(category, context):
        return absolute(context, api_path("category_detail", category.slug))


class CategoryOut(CategoryRef):
    description: str
    event_count: int = Field(description="Published events in this category.")


class ActorRef(Translated):
    id: int
    slug: str
    name: str = Field(
        description="For a protected identity: the name the source printed (a pseudonym or a "
        "first name) or our descriptive label, and nothing else."
    )
    kind: ActorKind
    protected_identity: bool
    naming: NamingValue | None = Field(
        description="For a protected identity, what `name` is: pseudonym, first_name (the "
        "real first name only, printed on that condition) or anonymous (a descriptive label); "
        "null for everyone else."
    )
    naming_display: str | None = Field(
        description="The same in words, as pages show it beside the name: “first name only, "
        "as the AP printed it”."
    )
    url: str = Field(description="The actor's page on the site.")
    api_url: str

    @staticmethod
    def resolve_translation(actor):
        return protected_translation(actor) if actor.protected_identity else translation_of(actor)

    @staticmethod
    def resolve_naming(actor):
        return actor.naming or None if actor.protected_identity else None

    @staticmethod
    def resolve_naming_display(actor):
        return actor.naming_display or None

    @staticmethod
    def resolve_url(actor, context):
        return absolute(context, actor.get_absolute_url())

    @staticmethod
    def resolve_api_url(actor, context):
        return absolute(context, api_path("actor_detail", actor.slug))


class ActorOut(ActorRef):
    """An actor; for a protected identity every field beyond name and slug is empty."""

    aliases: list[str]
    description: str
    website: str | None = Field(description="An official web page, if any.")
    affiliation: ActorRef | None = Field(description="The body this actor speaks for.")

    @staticmethod
    def resolve_aliases(actor):
        return [] if actor.protected_identity else actor.alias_list

    @staticmethod
    def resolve_description(actor):
        return "" if actor.protected_identity else actor.description

    @staticmethod
    def resolve_website(actor):
        return None if actor.protected_identity else (actor.url or None)

    @staticmethod
    def resolve_affiliation(actor):
        return None if actor.protected_identity else actor.affiliation


class SourceRef(Translated):
    id: int
    slug: str
    title: str
    publisher: ActorRef | None
    published: PartialDateOut | None
    author: str
    language: str = Field(description="Language of the source, as a code: en, ru.")
    source_type: SourceTypeValue | None = Field(
        description="original (the outlet's own reporting), wire (a news agency's report), "
        "official (a government's, parliament's or UN body's document or statement), "
        "republication (a site that copies or compiles others' reports) or opinion; null "
        "only for a source the curators have not yet classified."
    )
    source_type_display: str = Field(description="The type in words: “Wire or agency report”.")
    article_url: str | None = Field(description="Where the article itself can be read.")
    url: str = Field(description="The source's page on the site.")
    api_url: str

    @staticmethod
    def resolve_published(source):
        return PartialDateOut.of(source.published)

    @staticmethod
    def resolve_source_type(source):
        return source.source_type or None

    @staticmethod
    def resolve_source_type_display(source):
        return choice_display(source, "source_type")

    @staticmethod
    def resolve_article_url(source):
        return source.url or None

    @staticmethod
    def resolve_url(source, context):
        return absolute(context, source.get_absolute_url())

    @staticmethod
    def resolve_api_url(source, context):
        return absolute(context, api_path("source_detail", source.slug))


class PlaceRef(Translated):
    """A place at its published precision: a sensitive place (a detention site, a refuge)
    only as its town or area, within at least 10 km, whatever the record holds."""

    id: int
    slug: str
    name: str
    kind: Literal[tuple(PlaceKind.values)]
    latitude: float = Field(description="Decimal degrees, rounded to the place's precision.")
    longitude: float = Field(description="Decimal degrees, rounded to the place's precision.")
    radius_km: int = Field(
        description="The place lies within this many kilometres of the point given."
    )
    approximate: bool = Field(
        description="True for a sensitive place (a detention site, a refuge): shown only "
        "approximately, on purpose, as its town or area. Never locate it more precisely."
    )
    url: str = Field(description="The place's page on the site.")
    api_url: str

    @staticmethod
    def resolve_latitude(place):
        return place.published_coordinates[0]

    @staticmethod
    def resolve_longitude(place):
        return place.published_coordinates[1]

    @staticmethod
    def resolve_radius_km(place):
        return place.published_radius_km

    @staticmethod
    def resolve_approximate(place):
        return place.sensitive

    @staticmethod
    def resolve_url(place, context):
        return absolute(context, place.get_absolute_url())

    @staticmethod
    def resolve_api_url(place, context):
        return absolute(context, api_path("place_detail", place.slug))


class PlaceOut(PlaceRef):
    aliases: list[str] = Field(description="Other spellings and names.")
    description: str
    event_count: int = Field(description="Published events at this place that match the "
                             "filters given (all of them without filters).")
    events_url: str = Field(description="The chronology filtered to this place.")

    @staticmethod
    def resolve_aliases(place):
        return place.alias_list

    @staticmethod
    def resolve_events_url(place, context):
        return absolute(context, f"{reverse('events:event_list')}?place={place.slug}")


class CitationOut(Out):
    id: int
    excerpt: str = Field(
        description="The supporting passage, verbatim from the source, unless "
        "excerpt_is_summary."
    )
    excerpt_is_summary: bool = Field(
        description="The excerpt is the curators' summary of the passage, not its exact words: "
        "never present it as a quotation."
    )
    note: str
    source: SourceRef

    @staticmethod
    def resolve_excerpt_is_summary(citation):
        return citation.is_summary


class EventRef(Translated):
    id: int
    slug: str
    title: str
    start: PartialDateOut
    end: PartialDateOut | None
    sort_as: str | None = Field(
        description="For an event known only to the month or year: the curators' best "
        "estimate of its day (ISO 8601), if they record one; `date_display` then shows it "
        "with “c.”."
    )
    sort_date: str = Field(
        description="The day the event sits at in the record's order (ISO 8601): its day, the "
        "estimate, or for an event known only to the month the month's last day, after the "
        "month's dated events. Not a claim about when it happened: see `start`."
    )
    date_display: str
    url: str
    api_url: str

    @staticmethod
    def resolve_sort_as(event):
        return event.sort_as.isoformat() if event.is_placed_by_estimate else None

    @staticmethod
    def resolve_sort_date(event):
        return event.sort_date.isoformat()

    @staticmethod
    def resolve_start(event):
        return PartialDateOut.of(event.start)

    @staticmethod
    def resolve_end(event):
        return PartialDateOut.of(event.end)

    @staticmethod
    def resolve_url(event, context):
        return absolute(context, event.get_absolute_url())

    @staticmethod
    def resolve_api_url(event, context):
        return absolute(context, api_path("event_detail", event.slug))


class PlaceDetailOut(PlaceOut):
    events: list[EventRef] = Field(description="Its published events, in the record's order.")

    @staticmethod
    def resolve_events(place):
        return place.events_served


QUOTE_DESCRIPTION = (
    "The exact words as the cited source prints them, in its language, never translated "
    "(kind “quote”), or the curators' English account of what was said (kind “reported”)."
)
RENDERING_DESCRIPTION = (
    "Our own rendering of the words in the response's language, to show beside `quote` "
    "labelled as ours (never as the speaker's words); for reported speech, our account of what "
    "was said in this language. Empty when there is none in this language."
)


def rendering_of(statement):
    return getattr(statement, f"rendering_{get_language() or DEFAULT}", "") or ""


class EventStatementOut(Translated):
    """A statement inside its event (the enclosing object)."""

    id: int
    kind: StatementKindValue = Field(description=KIND_DESCRIPTION)
    quote: str = Field(description=QUOTE_DESCRIPTION)
    quote_language: str | None = Field(
        description="The language `quote` is in, as a code (en, ru), from the cited source "
        "that prints it; null where the record does not say."
    )
    spoken_language: str | None = Field(
        description="The language the words were said in (en, ru, ce), where the sources show "
        "it; null where they do not. Where it differs from `quote_language`, `quote` is the "
        "citing source's translation, not the speaker's own words."
    )
    rendering: str = Field(description=RENDERING_DESCRIPTION)
    speaker: ActorRef
    said_on: PartialDateOut
    venue: str = Field(description="Where or to whom: “to Interfax”.")
    citations: list[CitationOut]
    api_url: str

    @staticmethod
    def resolve_said_on(statement):
        return PartialDateOut.of(statement.said_on)

    @staticmethod
    def resolve_quote_language(statement):
        return quote_language_of(statement)

    @staticmethod
    def resolve_spoken_language(statement):
        return statement.spoken_language or None

    @staticmethod
    def resolve_rendering(statement):
        return rendering_of(statement)

    @staticmethod
    def resolve_citations(statement):
        return statement.citation_list

    @staticmethod
    def resolve_api_url(statement, context):
        return absolute(context, api_path("statement_detail", statement.pk))


class StatementOut(EventStatementOut):
    event: EventRef | None = Field(description="The event the statement belongs to, if any.")
    url: str | None = Field(description="The page of the event the statement belongs to.")

    @staticmethod
    def resolve_url(statement, context):
        if statement.event_id is None:
            return None
        return absolute(context, statement.event.get_absolute_url())


class ParticipationOut(Out):
    actor: ActorRef
    role: str = Field(description="What the actor did in the event: “reported”, “denied”.")


class EventOut(EventRef):
    summary: str
    category: CategoryRef
    location: str
    verification: VerificationValue
    verification_note: str
    places: list[PlaceRef] = Field(
        description="Where it happened, at each place's published precision."
    )
    actors: list[ParticipationOut]
    citations: list[CitationOut]
    updated_at: str = Field(description="When the record of this event last changed (ISO 8601).")

    @staticmethod
    def resolve_places(event):
        return event.place_list

    @staticmethod
    def resolve_actors(event):
        return event.participation_list

    @staticmethod
    def resolve_citations(event):
        return event.citation_list

    @staticmethod
    def resolve_updated_at(event):
        return event.updated_at.isoformat()


class EventDetailOut(EventOut):
    statements: list[EventStatementOut] = Field(
        description="Published statements of this event."
    )

    @staticmethod
    def resolve_statements(event):
        return event.statement_list


class ActorEventOut(EventRef):
    """An event an actor takes part in or made a statement in."""

    category: CategoryRef
    role: str | None = Field(description="The actor's role, when listed among those involved.")

    @staticmethod
    def resolve_role(event):
        roles = [participation.role for participation in event.actor_participations]
        return roles[0] if roles else None


class ActorDetailOut(ActorOut):
    statements: list[StatementOut] = Field(description="Their public statements.")
    events: list[ActorEventOut] = Field(
        description="Published events they take part in or made a statement in."
    )

    @staticmethod
    def resolve_statements(actor):
        return actor.statements_served

    @staticmethod
    def resolve_events(actor):
        return actor.events_served


class SourceOut(SourceRef):
    notes: str = Field(description="What the article is, how its date was worked out.")
    citation_count: int = Field(description="Citations of this source in the public record.")


class CitingStatementOut(Translated):
    id: int
    kind: StatementKindValue = Field(description=KIND_DESCRIPTION)
    quote: str = Field(description=QUOTE_DESCRIPTION)
    rendering: str = Field(description=RENDERING_DESCRIPTION)
    speaker: ActorRef
    said_on: PartialDateOut
    event: EventRef | None
    api_url: str

    @staticmethod
    def resolve_rendering(statement):
        return rendering_of(statement)

    @staticmethod
    def resolve_said_on(statement):
        return PartialDateOut.of(statement.said_on)

    @staticmethod
    def resolve_api_url(statement, context):
        return absolute(context, api_path("statement_detail", statement.pk))


class SourceCitationOut(Out):
    """What a source is cited for: one published event or one published statement."""

    id: int
    excerpt: str
    excerpt_is_summary: bool = Field(
        description="The excerpt is the curators' summary, not the source's words."
    )
    note: str
    event: EventRef | None
    statement: CitingStatementOut | None

    @staticmethod
    def resolve_excerpt_is_summary(citation):
        return citation.is_summary


class SourceDetailOut(SourceOut):
    citations: list[SourceCitationOut] = Field(
        description="Where the public record cites this source, in chronological order."
    )

    @staticmethod
    def resolve_citations(source):
        return source.citations_served


class ClaimValueOut(Out):
    """What one source says about a claim."""

    id: int
    value: str = Field(description="What the source says, in its own terms: “more than 100”.")
    source: SourceRef
    date: PartialDateOut | None = Field(
        description="When the source said it: its own date where the record gives one, else "
        "the source's publication date."
    )
    relies_on: str = Field(description="Who the source relies on for it, in the curators' words.")
    excerpt: str = Field(
        description="The passage that shows it, verbatim from the source, unless "
        "excerpt_is_summary."
    )
    excerpt_is_summary: bool = Field(
        description="The excerpt is the curators' summary, not the source's words: never "
        "present it as a quotation."
    )
    supersedes: int | None = Field(
        description="The id of the earlier value of this claim that this later report "
        "updates (a count that grew as reporting went on: a development, not a dispute)."
    )
    superseded_by: int | None = Field(
        description="The id of the first later value that updates this one, if any."
    )

    @staticmethod
    def resolve_date(value):
        return PartialDateOut.of(value.date)

    @staticmethod
    def resolve_excerpt_is_summary(value):
        return value.is_summary

    @staticmethod
    def resolve_supersedes(value):
        return value.supersedes_id

    @staticmethod
    def resolve_superseded_by(value):
        return value.superseded_by_id


class ClaimOut(Translated):
    """A figure or an assertion the sources report differently, with what each says."""

    id: int
    slug: str
    question: str
    conclusion: str = Field(description="What the record concludes, if anything.")
    headline: bool = Field(description="One of the headline figures on the chronology's page.")
    events: list[EventRef] = Field(description="The published events this claim belongs to.")
    values: list[ClaimValueOut] = Field(
        description="What each source says, in the order they said it."
    )
    api_url: str

    @staticmethod
    def resolve_events(claim):
        return claim.event_list

    @staticmethod
    def resolve_values(claim):
        rows = []
        for value, later in claim.value_rows():
            value.superseded_by_id = later.pk if later else None
            rows.append(value)
        return rows

    @staticmethod
    def resolve_api_url(claim, context):
        return absolute(context, api_path("claim_detail", claim.slug))


class TimelineDate(Out):
    year: int
    month: int | None = None
    day: int | None = None


class TimelineText(Out):
    headline: str
    text: str


class TimelineSlide(Out):
    text: TimelineText


class TimelineEvent(Out):
    unique_id: str
    start_date: TimelineDate
    end_date: TimelineDate | None = None
    display_date: str | None = None
    text: TimelineText
    # Only when the file holds a few categories (events/exports.py, TIMELINE_MAX_GROUPS).
    group: str | None = None


class TimelineOut(Out):
    """Knight Lab TimelineJS 3 JSON: load it as-is with `new TL.Timeline(id, data)`."""

    title: TimelineSlide
    events: list[TimelineEvent]
