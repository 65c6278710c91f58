"""Loads the curated chronology (events/fixtures/chronology.json) into the database.

The data file refers to everything by natural key: slugs for categories, actors, sources and
events; (speaker, quote) for statements; (source, what is cited, excerpt) for citations. A
citation may carry "is_summary": true when its excerpt is the curators' summary of the source
rather than its exact words (for sources that cannot be quoted); the flag is not part of its
natural key, and a statement's citation can never be a summary. Loading only ever *creates*
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
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    Actor,
    Category,
    Citation,
    Event,
    EventActor,
    SourceArticle,
    Statement,
    Status,
    Verification,
)
from .partial_dates import PartialDate

DEFAULT_PATH = Path(__file__).resolve().parent / "fixtures" / "chronology.json"

KINDS = ("categories", "actors", "sources", "events", "event_actors", "statements", "citations")


class ChronologyDataError(ValueError):
    """The data file is wrong: the message names the item and says what is wrong with it."""


def load_chronology(path=DEFAULT_PATH):
    """Create whatever the data file holds that the database lacks; never touch existing rows.

    Returns {kind: {"created": n, "existing": n}} for each kind in KINDS.
    """
    data = read_data_file(path)
    loader = _Loader()
    # One revision for the whole load: the history starts here, so the first correction a
    # curator makes shows in the public change log as a change from the bundled text.
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(f"Loaded from {Path(path).name}.")
        loader.load(data)
    return loader.counts


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


class _Loader:
    def __init__(self):
        self.counts = {kind: {"created": 0, "existing": 0} for kind in KINDS}
        self.categories = {}
        self.actors = {}
        self.sources = {}
        self.new_actor_slugs = set()

    def _find_or_create(self, kind, model, natural_key, build, label):
        """The row with this natural key if it exists (untouched), else a new validated one."""
        existing = model.objects.filter(**natural_key).first()
        if existing is not None:
            self.counts[kind]["existing"] += 1
            return existing, False
        instance = _validated(build(), label)
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

    def load_category(self, item):
        label = f"Category {item.get('slug')!r}"
        self.categories[item["slug"]], _ = self._find_or_create(
            "categories",
            Category,
            {"slug": item["slug"]},
            lambda: Category(
                slug=item["slug"], name=item["name"], description=item.get("description", "")
            ),
            label,
        )

    def load_actor(self, item):
        label = f"Actor {item.get('slug')!r}"
        actor, created = self._find_or_create(
            "actors",
            Actor,
            {"slug": item["slug"]},
            lambda: Actor(
                slug=item["slug"],
                name=item["name"],
                kind=item.get("kind", Actor.Kind.PERSON),
                aliases="\n".join(item.get("aliases", [])),
                description=item.get("description", ""),
                url=item.get("url", ""),
                protected_identity=item.get("protected_identity", False),
                naming=item.get("naming", ""),
                naming_note=item.get("naming_note", ""),
            ),
            label,
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

    def load_source(self, item):
        label = f"Source {item.get('slug')!r}"

        def build():
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

        self.sources[item["slug"]], _ = self._find_or_create(
            "sources", SourceArticle, {"slug": item["slug"]}, build, label
        )

    def load_event(self, item):
        label = f"Event {item.get('slug')!r}"

        def build():
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
            return event

        event, _ = self._find_or_create("events", Event, {"slug": item["slug"]}, build, label)
        # Missing parts of an existing event are added too (a new citation in the file shows
        # up on the next load); parts that exist are never rewritten.
        for participation in item.get("actors", []):
            self.load_participation(event, participation, label)
        for citation in item.get("citations", []):
            self.load_citation(citation, label, event=event)
        for statement in item.get("statements", []):
            self.load_statement(event, statement, label)

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

        def build():
            statement = Statement(
                quote=quote,
                speaker=speaker,
                venue=item.get("venue", ""),
                event=event,
                status=item.get("status", Status.PUBLISHED),
            )
            statement.said_on = _partial_date(item["date"], label)
            return statement

        statement, _ = self._find_or_create(
            "statements", Statement, {"speaker": speaker, "quote": quote}, build, label
        )
        for citation in item.get("citations", []):
            self.load_citation(citation, label, statement=statement)

    def load_citation(self, item, owner_label, event=None, statement=None):
        label = f"{owner_label}, citation of {item.get('source')!r}"
        source = self._lookup(self.sources, item["source"], "source", label)
        # "is_summary": true marks an excerpt that is the curators' summary, not a quotation.
        # It is not part of the natural key: a citation that exists is left as it is.
        is_summary = item.get("is_summary", False)
        if not isinstance(is_summary, bool):
            raise ChronologyDataError(f"{label}: is_summary must be true or false.")
        self._find_or_create(
            "citations",
            Citation,
            {"source": source, "event": event, "statement": statement, "excerpt": item["excerpt"]},
            lambda: Citation(
                source=source,
                event=event,
                statement=statement,
                excerpt=item["excerpt"],
                is_summary=is_summary,
                note=item.get("note", ""),
            ),
            label,
        )
