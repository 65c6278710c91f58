"""Loads the curated chronology (events/fixtures/chronology.json) into the database.

The data file refers to everything by natural key: slugs for categories, actors, sources and
events; (speaker, quote) for statements; (source, what is cited, excerpt) for citations. A
citation may carry "is_summary": true when its excerpt is the curators' summary of the source
rather than its exact words (for sources that cannot be quoted); the flag is not part of its
natural key. A statement may carry "kind": "quote" (the default: its words stand verbatim in a
citation's excerpt) or "reported" (reported speech: our own words of what was said, from an
outside reference, whose citation may be a summary). Loading only ever *creates*
what is missing. A row that already exists is left exactly as it is, because
curators edit the record in the admin after the first load and a re-run must never undo their
work. Loading the same file twice therefore changes nothing.

Every object is validated with full_clean() before it is saved, so a mistake in the data file
stops the whole load (one transaction) with a message that names the item at fault.
"""

import datetime
import json
from pathlib import Path

import reversion
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from reversion.models import Version

from .chronology_ru import FIELDS as RUSSIAN_FIELDS
from .chronology_ru import RUSSIAN_FILENAME, RussianRecord
from .history import CORRECTION_COMMENT
from .models import (
    Actor,
    Category,
    Citation,
    Claim,
    ClaimValue,
    Event,
    EventActor,
    EventPlace,
    Place,
    SourceArticle,
    Statement,
    Status,
    Verification,
)
from .partial_dates import PartialDate
from .signals import search_refresh_deferred

DEFAULT_PATH = Path(__file__).resolve().parent / "fixtures" / "chronology.json"
# The places of the bundled events, in their own file beside the chronology (keyed by slugs):
# {"places": [{"slug", "name", "kind", "latitude", "longitude", "radius_km", "sensitive",
# "aliases": [...], "description"}], "events": {"<event slug>": ["<place slug>", ...]}}.
PLACES_FILENAME = "places.json"

# The claims (figures in dispute) beside a chronology file, keyed by its event and source slugs.
CLAIMS_FILENAME = "claims.json"

KINDS = ("categories", "actors", "sources", "events", "event_actors", "statements", "citations",
         "places", "event_places", "claims", "claim_values")


class ChronologyDataError(ValueError):
    """The data file is wrong: the message names the item and says what is wrong with it."""


LOADED_COMMENT = "Loaded from {}."
UPGRADE_COMMENT = "Upgraded from {}."
# Comments of the revisions the loader makes: a row whose latest version is in one of them is
# still as the bundled file left it, unless its values differ (a save outside reversion).
TRANSLATED_COMMENT = "Translated from {}."
BUNDLED_COMMENT_PREFIXES = (
    "Loaded from ", CORRECTION_COMMENT, "Upgraded from ", TRANSLATED_COMMENT.split("{")[0]
)
GENERIC_REASON = "Corrected against the original reporting."


def load_chronology(path=DEFAULT_PATH):
    """Create whatever the data file holds that the database lacks; never touch existing rows.

    Returns {kind: {"created": n, "existing": n}} for each kind in KINDS.
    """
    data = read_data_file(path)
    places = read_places_file(path)
    loader = _Loader(RussianRecord.beside(path))
    # One revision for the whole load: the history starts here, so the first correction a
    # curator makes shows in the public change log as a change from the bundled text.
    with transaction.atomic(), search_refresh_deferred(), reversion.create_revision():
        reversion.set_comment(LOADED_COMMENT.format(Path(path).name))
        loader.load(data)
        loader.load_places(places, data)
        claims = claims_data_beside(path)
        if claims is not None:
            loader.load_claims(claims)
    return loader.counts


def read_places_file(chronology_path):
    """The places file beside a chronology file, or an empty one if there is none there."""
    path = Path(chronology_path).with_name(PLACES_FILENAME)
    if not path.exists():
        return {"places": [], "events": {}}
    data = read_data_file(path)
    if not isinstance(data.get("places", []), list) or not isinstance(data.get("events", {}),
                                                                       dict):
        raise ChronologyDataError(
            f"{path} must hold a list “places” and an object “events” (event slug: place slugs)."
        )
    return data


def claims_data_beside(path):
    """The claims file next to a chronology file (events/fixtures/claims.json), or None."""
    claims_path = Path(path).with_name(CLAIMS_FILENAME)
    return read_data_file(claims_path) if claims_path.exists() else None


def read_data_file(path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ChronologyDataError(f"Cannot read the data file {path}: {error.strerror}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ChronologyDataError(f"{path} is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise ChronologyDataError(
            f"{path} must hold a JSON object with the lists categories, actors, sources, events."
        )
    return data


def _validated(instance, label):
    """full_clean() with the item's name in the error, so a bad data file is easy to fix."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ChronologyDataError(f"{label}: {'; '.join(_messages(error))}") from None
    return instance


def _messages(error):
    if hasattr(error, "message_dict"):
        return [f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items()]
    return error.messages


def _partial_date(text, label):
    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise ChronologyDataError(f"{label}: {error}") from None


def _day(text, label):
    """A full day, "2017-04-15": a best estimate of the day is always a day."""
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ChronologyDataError(f"{label}: {text!r} is not a day such as 2017-04-15.") from None


class _ClaimsLoading:
    """Loading claims.json: {"claims": [{"slug", "question", "events": [event slugs],
    "headline", "order", "conclusion", "status", "values": [{"source", "value", "date",
    "relies_on", "excerpt", "is_summary", "supersedes": {"source", "value"?}}]}]}.

    As for the rest of the record, only what is missing is created: a claim by its slug, a
    value by (claim, source, value). A claim's events and values are its file's; a value
    supersedes the earlier value of the same claim from the source it names (and, when that
    source gives several, with the value it names)."""

    def load_claims(self, data):
        for item in data.get("claims", []):
            self.load_claim(item)

    def load_claim(self, item):
        label = f"Claim {item.get('slug')!r}"
        events = [self._event(slug, label) for slug in item.get("events", [])]
        claim, created = self._find_or_create(
            "claims", Claim, {"slug": item["slug"]}, lambda: self.build_claim(item), label,
        )
        if created:
            claim.events.set(events)
        values = []
        for number, value_item in enumerate(item.get("values", []), 1):
            values.append((value_item, self.load_claim_value(claim, value_item,
                                                             f"{label}, value {number}")))
        for value_item, value in values:
            if value_item.get("supersedes") and value.supersedes_id is None and value.created:
                value.supersedes = self._earlier(claim, value_item["supersedes"], values,
                                                 f"{label}, value {value_item.get('value')!r}")
                _validated(value, label).save()
        problem = claim.uncited_problem(cited=claim.values.exists())
        if problem:
            raise ChronologyDataError(f"{label}: {problem}")

    @staticmethod
    def build_claim(item):
        return Claim(
            slug=item["slug"],
            question=item["question"],
            conclusion=item.get("conclusion", ""),
            headline=bool(item.get("headline", False)),
            order=item.get("order", 0),
            status=item.get("status", Status.PUBLISHED),
        )

    def _event(self, slug, label):
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise ChronologyDataError(f"{label}: there is no event {slug!r}.")
        return event

    def load_claim_value(self, claim, item, label):
        source = SourceArticle.objects.filter(slug=item.get("source")).first()
        if source is None:
            raise ChronologyDataError(f"{label}: there is no source {item.get('source')!r}.")
        is_summary = item.get("is_summary", False)
        if not isinstance(is_summary, bool):
            raise ChronologyDataError(f"{label}: is_summary must be true or false.")

        def build():
            value = ClaimValue(
                claim=claim, source=source, value=item["value"],
                relies_on=item.get("relies_on", ""), excerpt=item["excerpt"],
                is_summary=is_summary,
            )
            if item.get("date"):
                value.reported = _partial_date(item["date"], label)
            return value

        value, created = self._find_or_create(
            "claim_values", ClaimValue,
            {"claim": claim, "source": source, "value": item["value"]}, build, label,
        )
        value.created = created
        return value

    @staticmethod
    def _earlier(claim, reference, values, label):
        matches = [
            value for item, value in values
            if item["source"] == reference.get("source")
            and reference.get("value", item["value"]) == item["value"]
        ]
        if len(matches) != 1:
            raise ChronologyDataError(
                f"{label}: supersedes must name exactly one other value of the claim "
                f"(by source, and by value when the source gives several); {reference!r} "
                f"names {len(matches)}."
            )
        return matches[0]


class _Loader(_ClaimsLoading):
    def __init__(self, russian=None):
        # The Russian of the rows this load creates (events/chronology_ru.py), if any.
        self.russian = russian or RussianRecord()
        self.counts = {kind: {"created": 0, "existing": 0} for kind in KINDS}
        self.categories = {}
        self.actors = {}
        self.sources = {}
        self.places = {}
        self.new_actor_slugs = set()

    def _find_or_create(self, kind, model, natural_key, build, label):
        """The row with this natural key if it exists (untouched), else a new validated one."""
        existing = model.objects.filter(**natural_key).first()
        if existing is not None:
            self.counts[kind]["existing"] += 1
            return existing, False
        instance = build()
        self.russian.apply(kind, instance)
        instance = _validated(instance, label)
        instance.save()
        self.counts[kind]["created"] += 1
        return instance, True

    @staticmethod
    def _lookup(table, slug, what, label):
        try:
            return table[slug]
        except KeyError:
            message = f"{label}: there is no {what} {slug!r} in the file."
            raise ChronologyDataError(message) from None

    def load(self, data):
        for item in data.get("categories", []):
            self.load_category(item)
        actor_items = data.get("actors", [])
        for item in actor_items:
            self.load_actor(item)
        # Affiliations point at other actors, so they are set once every actor exists, and
        # only on actors this load created: an existing actor is the curators' to change.
        for item in actor_items:
            self.affiliate(item)
        for item in data.get("sources", []):
            self.load_source(item)
        for item in data.get("events", []):
            self.load_event(item)

    @staticmethod
    def build_category(item):
        return Category(
            slug=item["slug"], name=item["name"], description=item.get("description", "")
        )

    @staticmethod
    def build_actor(item):
        return Actor(
            slug=item["slug"],
            name=item["name"],
            kind=item.get("kind", Actor.Kind.PERSON),
            aliases="\n".join(item.get("aliases", [])),
            description=item.get("description", ""),
            url=item.get("url", ""),
            protected_identity=item.get("protected_identity", False),
            naming=item.get("naming", ""),
            naming_note=item.get("naming_note", ""),
        )

    def load_category(self, item):
        label = f"Category {item.get('slug')!r}"
        self.categories[item["slug"]], _ = self._find_or_create(
            "categories", Category, {"slug": item["slug"]},
            lambda: self.build_category(item), label,
        )

    def load_actor(self, item):
        label = f"Actor {item.get('slug')!r}"
        actor, created = self._find_or_create(
            "actors", Actor, {"slug": item["slug"]}, lambda: self.build_actor(item), label
        )
        self.actors[actor.slug] = actor
        if created:
            self.new_actor_slugs.add(actor.slug)

    def affiliate(self, item):
        if not item.get("affiliation") or item["slug"] not in self.new_actor_slugs:
            return
        label = f"Actor {item['slug']!r}"
        actor = self.actors[item["slug"]]
        actor.affiliation = self._lookup(self.actors, item["affiliation"], "actor", label)
        _validated(actor, label).save()

    def build_source(self, item, label):
        source = SourceArticle(
            slug=item["slug"],
            title=item["title"],
            url=item.get("url", ""),
            author=item.get("author", ""),
            source_type=item.get("source_type", ""),
            language=item.get("language", "en"),
            archive_filename=item.get("archive_filename", ""),
            notes=item.get("notes", ""),
        )
        if item.get("publisher"):
            source.publisher = self._lookup(self.actors, item["publisher"], "actor", label)
        if item.get("published"):
            source.published = _partial_date(item["published"], label)
        return source

    def load_source(self, item):
        label = f"Source {item.get('slug')!r}"
        self.sources[item["slug"]], _ = self._find_or_create(
            "sources", SourceArticle, {"slug": item["slug"]},
            lambda: self.build_source(item, label), label,
        )

    def build_event(self, item, label):
        event = Event(
            slug=item["slug"],
            title=item["title"],
            summary=item["summary"],
            category=self._lookup(self.categories, item["category"], "category", label),
            location=item.get("location", ""),
            status=item.get("status", Status.PUBLISHED),
            verification=item.get("verification", Verification.REPORTED),
            verification_note=item.get("verification_note", ""),
        )
        event.start = _partial_date(item["start"], label)
        if item.get("end"):
            event.end = _partial_date(item["end"], label + " (end)")
        if item.get("sort_as"):
            event.sort_as = _day(item["sort_as"], label + " (sort_as)")
        day_order = item.get("day_order", 0)
        if not isinstance(day_order, int) or isinstance(day_order, bool) or day_order < 0:
            raise ChronologyDataError(f"{label}: day_order must be a whole number, 0 or more.")
        event.day_order = day_order
        return event

    def load_event(self, item):
        label = f"Event {item.get('slug')!r}"
        event, _ = self._find_or_create(
            "events", Event, {"slug": item["slug"]}, lambda: self.build_event(item, label), label
        )
        # Missing parts of an existing event are added too (a new citation in the file shows
        # up on the next load); parts that exist are never rewritten.
        for participation in item.get("actors", []):
            self.load_participation(event, participation, label)
        for citation in item.get("citations", []):
            self.load_citation(citation, label, event=event)
        for statement in item.get("statements", []):
            self.load_statement(event, statement, label)
        self._check_cited(event, label)

    def load_participation(self, event, item, event_label):
        label = f"{event_label}, actor {item.get('actor')!r}"
        actor = self._lookup(self.actors, item["actor"], "actor", label)
        self._find_or_create(
            "event_actors",
            EventActor,
            {"event": event, "actor": actor},
            lambda: EventActor(event=event, actor=actor, role=item.get("role", "")),
            label,
        )

    def load_statement(self, event, item, event_label):
        quote = item["quote"]
        label = f"{event_label}, statement “{quote[:50]}”"
        speaker = self._lookup(self.actors, item["speaker"], "actor", label)
        statement, _ = self._find_or_create(
            "statements", Statement, {"speaker": speaker, "quote": quote},
            lambda: self.build_statement(event, item, label), label,
        )
        for citation in item.get("citations", []):
            self.load_citation(citation, label, statement=statement)
        self._check_cited(statement, label)

    @staticmethod
    def _check_cited(item, label):
        problem = item.uncited_problem(cited=item.citations.exists())
        if problem:
            raise ChronologyDataError(f"{label}: {problem}")

    def build_statement(self, event, item, label):
        kind = item.get("kind", Statement.Kind.QUOTE)
        if kind not in Statement.Kind.values:
            raise ChronologyDataError(
                f"{label}: kind must be one of {', '.join(Statement.Kind.values)}, not {kind!r}."
            )
        statement = Statement(
            kind=kind,
            quote=item["quote"],
            speaker=self._lookup(self.actors, item["speaker"], "actor", label),
            venue=item.get("venue", ""),
            event=event,
            status=item.get("status", Status.PUBLISHED),
        )
        statement.said_on = _partial_date(item["date"], label)
        return statement

    def build_citation(self, item, label, event=None, statement=None):
        is_summary = item.get("is_summary", False)
        if not isinstance(is_summary, bool):
            raise ChronologyDataError(f"{label}: is_summary must be true or false.")
        return Citation(
            source=self._lookup(self.sources, item["source"], "source", label),
            event=event,
            statement=statement,
            excerpt=item["excerpt"],
            is_summary=is_summary,
            note=item.get("note", ""),
        )

    def load_citation(self, item, owner_label, event=None, statement=None):
        label = f"{owner_label}, citation of {item.get('source')!r}"
        source = self._lookup(self.sources, item["source"], "source", label)
        # "is_summary": true marks an excerpt that is the curators' summary, not a quotation.
        # It is not part of the natural key: a citation that exists is left as it is.
        self._find_or_create(
            "citations",
            Citation,
            {"source": source, "event": event, "statement": statement, "excerpt": item["excerpt"]},
            lambda: self.build_citation(item, label, event=event, statement=statement),
            label,
        )

    @staticmethod
    def build_place(item, label):
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list):
            raise ChronologyDataError(f"{label}: aliases must be a list of names.")
        try:
            latitude, longitude = float(item["latitude"]), float(item["longitude"])
        except (KeyError, TypeError, ValueError):
            raise ChronologyDataError(f"{label}: latitude and longitude are numbers.") from None
        place = Place(
            slug=item["slug"],
            name=item["name"],
            kind=item.get("kind", Place.Kind.CITY),
            latitude=latitude,
            longitude=longitude,
            radius_km=item.get("radius_km", 10),
            sensitive=item.get("sensitive", False),
            aliases="\n".join(aliases),
            description=item.get("description", ""),
        )
        if place.sensitive:
            place.latitude, place.longitude = place.snapped_coordinates()
        return place

    def load_places(self, places, data):
        """The places file: missing places, then missing links of events to them. A link to an
        event the chronology file does not hold is a mistake in the file; one to an event a
        curator has since deleted is skipped."""
        for item in places.get("places", []):
            label = f"Place {item.get('slug')!r}"
            self.places[item["slug"]], _ = self._find_or_create(
                "places", Place, {"slug": item["slug"]},
                lambda item=item, label=label: self.build_place(item, label), label,
            )
        bundled_events = {item["slug"] for item in data.get("events", [])}
        events = {event.slug: event for event in Event.objects.filter(
            slug__in=list(places.get("events", {})))}
        for event_slug, place_slugs in places.get("events", {}).items():
            label = f"Places of event {event_slug!r}"
            if event_slug not in bundled_events:
                raise ChronologyDataError(f"{label}: there is no event {event_slug!r} in the "
                                          "chronology file.")
            event = events.get(event_slug)
            if event is None:
                continue
            for place_slug in place_slugs:
                place = self._lookup(self.places, place_slug, "place", label)
                self._find_or_create(
                    "event_places", EventPlace, {"event": event, "place": place},
                    lambda event=event, place=place: EventPlace(event=event, place=place),
                    f"{label}, place {place_slug!r}",
                )


# Upgrading a database loaded from an earlier bundled file


# The fields each kind of row takes from the data file, the ones an upgrade rewrites.
BUNDLED_FIELDS = {
    Category: ["name", "description"],
    Actor: ["name", "kind", "aliases", "description", "url", "protected_identity", "naming",
            "naming_note", "affiliation"],
    SourceArticle: ["title", "publisher", "source_type", "url", "author", "language",
                    "archive_filename", "notes", "published_date", "published_precision",
                    "published_approximate"],
    Event: ["title", "summary", "category", "location", "status", "verification",
            "verification_note", "start_date", "start_precision", "start_approximate",
            "end_date", "end_precision", "end_approximate", "sort_as", "day_order"],
    EventActor: ["role"],
    Statement: ["kind", "quote", "speaker", "venue", "status", "date", "date_precision",
                "date_approximate"],
    Citation: ["excerpt", "is_summary", "note"],
    Place: ["name", "kind", "latitude", "longitude", "radius_km", "sensitive", "aliases",
            "description"],
}
# Never compared: counters and timestamps every save moves, and derived columns.
UNCOMPARED = {"version", "created_at", "updated_at", "sort_date", "search_vector"}


def upgrade_chronology(path=DEFAULT_PATH):
    """Bring a database loaded from an earlier bundled file to this one.

    Each bundled item a curator has not touched since it was loaded (its latest saved version
    is the loader's, and its values are still those) takes the file's values, in a revision
    per event whose comment is the public reason for the change: the item's "corrections"
    lines not yet shown for it, or GENERIC_REASON. An item a curator has edited is left as
    it is and listed for review. A bundled event the file no longer holds is unpublished,
    never deleted. Items the file adds are created, as load_chronology does.

    Returns an UpgradeReport.
    """
    data = read_data_file(path)
    places = read_places_file(path)
    claims = claims_data_beside(path)
    upgrader = _Upgrader(Path(path).name, RussianRecord.beside(path))
    with transaction.atomic(), search_refresh_deferred():
        upgrader.upgrade(data)
        upgrader.upgrade_places(places, data)
        if claims is not None:
            # Claims the file adds are created; existing ones are the curators' (not rewritten).
            with reversion.create_revision():
                reversion.set_comment(UPGRADE_COMMENT.format(Path(path).name))
                upgrader.load_claims(claims)
            created = upgrader.counts["claims"]["created"]
            if created:
                upgrader.report.created.append(f"{created} claims (figures in dispute)")
        upgrader.translate_existing()
    return upgrader.report


class UpgradeReport:
    def __init__(self):
        self.translated = 0  # rows given their Russian from the bundled Russian record
        self.updated = []  # (label, [reasons])
        self.created = []
        self.withdrawn = []
        self.for_review = []  # (label, what the file would change)

    def __bool__(self):
        return bool(
            self.updated or self.created or self.withdrawn or self.for_review or self.translated
        )


def _serialized_fields(instance):
    return json.loads(serializers.serialize("json", [instance]))[0]["fields"]


def _latest_version(instance):
    return Version.objects.get_for_object(instance).select_related("revision").first()


def is_as_loaded(instance):
    """Has no one changed this row since the loader last wrote it?"""
    version = _latest_version(instance)
    if version is None or version.revision.user_id is not None:
        return False
    if not version.revision.comment.startswith(BUNDLED_COMMENT_PREFIXES):
        return False
    saved = json.loads(version.serialized_data)[0]["fields"]
    current = _serialized_fields(instance)
    # Fields added since that version was saved (filled by a migration) are not compared.
    return all(
        current.get(name) == value for name, value in saved.items() if name not in UNCOMPARED
    )


def _was_bundled(instance):
    return Version.objects.get_for_object(instance).filter(
        revision__user__isnull=True, revision__comment__startswith="Loaded from "
    ).exists() or Version.objects.get_for_object(instance).filter(
        revision__user__isnull=True, revision__comment__startswith=CORRECTION_COMMENT
    ).exists()


def _corrections(item, label):
    """An item's "corrections": public reasons, one sentence each."""
    reasons = item.get("corrections", [])
    if not isinstance(reasons, list) or not all(
        isinstance(reason, str) and reason.strip() and "\n" not in reason for reason in reasons
    ):
        raise ChronologyDataError(
            f"{label}: corrections must be a list of reasons, each one line of text."
        )
    return [reason.strip() for reason in reasons]


def _differs(current, wanted):
    return [
        name for name in BUNDLED_FIELDS[type(current)]
        if getattr(current, current._meta.get_field(name).attname)
        != getattr(wanted, wanted._meta.get_field(name).attname)
    ]


def _copy(current, wanted):
    for name in BUNDLED_FIELDS[type(current)]:
        attname = current._meta.get_field(name).attname
        setattr(current, attname, getattr(wanted, attname))


class _Upgrader(_Loader):
    def __init__(self, filename, russian=None):
        super().__init__(russian)
        self.filename = filename
        self.report = UpgradeReport()

    # kind -> (model, the relations its Russian is looked up by)
    TRANSLATED_KINDS = {
        "categories": (Category, ()), "actors": (Actor, ()), "sources": (SourceArticle, ()),
        "events": (Event, ()), "event_actors": (EventActor, ("event", "actor")),
        "statements": (Statement, ("speaker",)), "citations": (Citation, ("source",)),
        "places": (Place, ()), "claims": (Claim, ()),
        "claim_values": (ClaimValue, ("claim", "source")),
    }

    def translate_existing(self):
        """Give the bundled rows loaded before the Russian record existed their Russian: only
        rows no curator has touched and that have no Russian yet, in one revision, so the
        next upgrade still recognises them as the bundled file's."""
        with reversion.create_revision():
            reversion.set_comment(TRANSLATED_COMMENT.format(RUSSIAN_FILENAME))
            for kind, (model, related) in self.TRANSLATED_KINDS.items():
                fields = [f"{name}_ru" for name in RUSSIAN_FIELDS[kind].values()]
                empty = Q()
                for name in fields:
                    empty &= Q(**{f"{name}__isnull": True}) | Q(**{name: ""})
                for row in model.objects.filter(empty).select_related(*related):
                    self.russian.apply(kind, row)
                    if not any(getattr(row, name) for name in fields) or not is_as_loaded(
                        model.objects.get(pk=row.pk)
                    ):
                        continue
                    _validated(row, f"{model._meta.verbose_name} {row.pk}").save()
                    self.report.translated += 1

    def upgrade(self, data):
        # Missing rows first, exactly as a load would create them (one revision).
        before = set(Event.objects.values_list("slug", flat=True))
        with reversion.create_revision():
            reversion.set_comment(UPGRADE_COMMENT.format(self.filename))
            for item in data.get("categories", []):
                self.load_category(item)
            for item in data.get("actors", []):
                self.load_actor(item)
            for item in data.get("actors", []):
                self.affiliate(item)
            for item in data.get("sources", []):
                self.load_source(item)
            # New events with all their parts; an existing event's parts are upgraded below,
            # with the event, or not at all if a curator has edited it.
            for item in data.get("events", []):
                if item["slug"] not in before:
                    self.load_event(item)
                    self.report.created.append(f"Event {item['slug']!r}")
        for kind, model, items in (
            ("Category", Category, data.get("categories", [])),
            ("Actor", Actor, data.get("actors", [])),
            ("Source", SourceArticle, data.get("sources", [])),
        ):
            for item in items:
                self.upgrade_row(kind, model, item)
        for item in data.get("events", []):
            if item["slug"] in before:
                self.upgrade_event(item)
        self.withdraw(set(self.events_in(data)))
        Event.objects.all().refresh_search_vectors()

    def upgrade_places(self, places, data):
        """Missing places and links are created as a load creates them; a bundled place no
        curator has edited takes the file's values (a moved point, a wider radius). Links
        are only ever added: a curator may have moved an event to a better place."""
        before = set(Place.objects.values_list("slug", flat=True))
        with reversion.create_revision():
            reversion.set_comment(UPGRADE_COMMENT.format(self.filename))
            self.load_places(places, data)
        self.report.created += [f"Place {item['slug']!r}" for item in places.get("places", [])
                                if item["slug"] not in before]
        for item in places.get("places", []):
            if item["slug"] in before:
                self.upgrade_row("Place", Place, item)

    @staticmethod
    def events_in(data):
        return [item["slug"] for item in data.get("events", [])]

    def upgrade_row(self, kind, model, item):
        label = f"{kind} {item['slug']!r}"
        current = model.objects.get(slug=item["slug"])
        build = {
            Category: lambda: self.build_category(item),
            Actor: lambda: self._actor_with_affiliation(item, label),
            SourceArticle: lambda: self.build_source(item, label),
            Place: lambda: self.build_place(item, label),
        }[model]
        wanted = build()
        changed = _differs(current, wanted)
        if not changed:
            return
        if not is_as_loaded(current):
            self.report.for_review.append((label, changed))
            return
        _copy(current, wanted)
        reasons = _corrections(item, label) or [GENERIC_REASON]
        with reversion.create_revision():
            reversion.set_comment(CORRECTION_COMMENT + "\n".join(reasons))
            _validated(current, label).save()
        self.report.updated.append((label, reasons))

    def _actor_with_affiliation(self, item, label):
        actor = self.build_actor(item)
        if item.get("affiliation"):
            actor.affiliation = self._lookup(self.actors, item["affiliation"], "actor", label)
        return actor

    def upgrade_event(self, item):
        label = f"Event {item['slug']!r}"
        event = Event.objects.get(slug=item["slug"])
        wanted = self.build_event(item, label)
        plan = self._plan_event(event, wanted, item, label)
        if not plan:
            return
        rows = [event, *event.participations.all(), *event.citations.all()]
        for statement in event.statements.all():
            rows += [statement, *statement.citations.all()]
        if not all(is_as_loaded(row) for row in rows):
            self.report.for_review.append((label, sorted({what for what, _ in plan})))
            return
        reasons = self._new_reasons(event, item, label)
        with reversion.create_revision():
            reversion.set_comment(CORRECTION_COMMENT + "\n".join(reasons))
            for _, apply in plan:
                apply()
            reversion.add_to_revision(Event.objects.get(pk=event.pk))
        self.report.updated.append((label, reasons))

    def _new_reasons(self, event, item, label):
        """The item's correction lines not yet in the event's public log; else the generic
        line (a file keeps its earlier corrections: they are not repeated)."""
        shown = set()
        for version in Version.objects.get_for_object(event).select_related("revision"):
            comment = version.revision.comment
            if comment.startswith(CORRECTION_COMMENT):
                shown.update(comment.removeprefix(CORRECTION_COMMENT).splitlines())
        new = [reason for reason in _corrections(item, label) if reason not in shown]
        return new or [GENERIC_REASON]

    def _plan_event(self, event, wanted, item, label):
        """[(what changes, how to apply it)] to make the event and its parts the file's."""
        plan = []
        changed = _differs(event, wanted)
        if changed:
            def update_event():
                _copy(event, wanted)
                _validated(event, label).save()
            plan.append(("event", update_event))
        plan += self._plan_participations(event, item, label)
        plan += self._plan_citations(event.citations.all(), item.get("citations", []), label,
                                     event=event)
        plan += self._plan_statements(event, item, label)
        return plan

    def _plan_participations(self, event, item, label):
        plan = []
        existing = {row.actor_id: row for row in event.participations.all()}
        for part in item.get("actors", []):
            actor = self._lookup(self.actors, part["actor"], "actor", label)
            row = existing.pop(actor.pk, None)
            role = part.get("role", "")
            if row is None:
                plan.append(("actors", lambda actor=actor, role=role: _validated(
                    EventActor(event=event, actor=actor, role=role), label).save()))
            elif row.role != role:
                def set_role(row=row, role=role):
                    row.role = role
                    _validated(row, label).save()
                plan.append(("actors", set_role))
        for row in existing.values():
            plan.append(("actors", row.delete))
        return plan

    def _plan_citations(self, existing, items, label, event=None, statement=None):
        plan = []
        remaining = list(existing)
        wanted = [self.build_citation(item, label, event=event, statement=statement)
                  for item in items]
        unmatched = []
        for citation in wanted:
            same = next((row for row in remaining if row.source_id == citation.source_id
                         and row.excerpt == citation.excerpt), None)
            if same is None:
                unmatched.append(citation)
                continue
            remaining.remove(same)
            if _differs(same, citation):
                plan.append(("sources", self._updater(same, citation, label)))
        for citation in unmatched:
            # An excerpt that changed (a redaction, a longer passage): the same source's
            # citation, rewritten in place.
            same = next((row for row in remaining if row.source_id == citation.source_id), None)
            if same is None:
                def create(citation=citation):
                    if statement is not None:
                        citation.statement = Statement.objects.get(pk=statement.pk)
                    _validated(citation, label).save()
                plan.append(("sources", create))
            else:
                remaining.remove(same)
                plan.append(("sources", self._updater(same, citation, label)))
        for row in remaining:
            plan.append(("sources", row.delete))
        return plan

    @staticmethod
    def _updater(row, wanted, label):
        def update():
            _copy(row, wanted)
            # A statement's quote may change in the same upgrade: validate against the new one.
            if row.statement_id:
                row.statement = Statement.objects.get(pk=row.statement_id)
            _validated(row, label).save()
        return update

    def _plan_statements(self, event, item, label):
        plan = []
        remaining = list(event.statements.all())
        for part in item.get("statements", []):
            part_label = f"{label}, statement “{part['quote'][:50]}”"
            wanted = self.build_statement(event, part, part_label)
            row = self._match_statement(remaining, wanted, part)
            if row is None:
                def create(wanted=wanted, part=part, part_label=part_label):
                    _validated(wanted, part_label).save()
                    for citation in part.get("citations", []):
                        _validated(self.build_citation(citation, part_label, statement=wanted),
                                   part_label).save()
                plan.append(("statements", create))
                continue
            remaining.remove(row)
            if _differs(row, wanted):
                def update(row=row, wanted=wanted, part_label=part_label):
                    _copy(row, wanted)
                    # Its citations are validated against the new quote as they are rewritten.
                    _validated(row, part_label).save()
                plan.append(("statements", update))
            plan += self._plan_citations(row.citations.all(), part.get("citations", []),
                                         part_label, statement=row)
        for row in remaining:
            # A statement the file no longer holds for this event: withdrawn, not deleted.
            if row.status == Status.PUBLISHED:
                def unpublish(row=row):
                    row.status = Status.DRAFT
                    row.save()
                plan.append(("statements", unpublish))
        return plan

    @staticmethod
    def _match_statement(rows, wanted, part):
        """The event's statement this file item is: same speaker and words; else the one it
        says it replaces ("replaces": {"speaker": ..., "quote": ...}); else the same words
        (the speaker corrected); else the same speaker (the words corrected or elided)."""
        replaces = part.get("replaces") or {}
        tests = [
            lambda row: row.speaker_id == wanted.speaker_id and row.quote == wanted.quote,
            lambda row: replaces and row.speaker.slug == replaces.get("speaker")
            and row.quote == replaces.get("quote"),
            lambda row: row.quote == wanted.quote,
            lambda row: row.speaker_id == wanted.speaker_id,
        ]
        for test in tests:
            row = next((row for row in rows if test(row)), None)
            if row is not None:
                return row
        return None

    def withdraw(self, slugs):
        for event in Event.objects.public().exclude(slug__in=slugs).order_by("pk"):
            if not _was_bundled(event):
                continue  # a curator's own event: not the file's to withdraw
            label = f"Event {event.slug!r}"
            if not is_as_loaded(event):
                self.report.for_review.append((label, ["withdrawn from the bundled record"]))
                continue
            with reversion.create_revision():
                reversion.set_comment(UPGRADE_COMMENT.format(self.filename))
                event.status = Status.DRAFT
                event.save()
            self.report.withdrawn.append(label)
