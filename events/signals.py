"""Keeping derived state in step with the record: every change bumps RecordState (which
invalidates cached pages) and refreshes the search document of the events it touches, and
every saved event carries its place in the chronology (sort_date)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_migrate,
    post_save,
    pre_save,
)

from .languages import update_translation_state
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
    RecordState,
    SourceArticle,
    Statement,
    register_search_functions,
)

# The items whose two languages are kept in step (TranslationState).
TRANSLATED_ITEMS = (Actor, Category, Claim, Event, Place, SourceArticle, Statement)
RECORD_MODELS = (
    Actor, Category, Citation, Claim, ClaimValue, Event, EventActor, EventPlace, Place,
    SourceArticle, Statement,
)


def record_changed(sender, **kwargs):
    RecordState.objects.bump()


def _touched_by(instance):
    """("events", pk) or ("actors", pk): whose search documents a save of instance changes."""
    if isinstance(instance, Event):
        return "events", instance.pk
    if isinstance(instance, Statement | EventActor):
        return ("events", instance.event_id) if instance.event_id else None
    if isinstance(instance, Actor):
        return "actors", instance.pk
    return None


def _refresh_search_of(events=(), actors=()):
    """Refresh the documents of these events and of those these actors take part in."""
    match = Q(pk__in=events)
    if actors:
        match |= Q(participations__actor__in=actors)
    Event.objects.filter(match).refresh_search_vectors()


# Inside search_refresh_deferred(): the events and actors saves touched, refreshed at its end.
_deferred = ContextVar("deferred_search_refresh", default=None)


@contextmanager
def search_refresh_deferred():
    """Saves inside refresh the search documents of the events they touch once, at the end,
    in one UPDATE, instead of one UPDATE per save: loading the bundled record makes some
    1,600 saves, and refreshing after each was half of its time on PostgreSQL. Nested, the
    outermost refreshes. An exception refreshes nothing (its transaction rolls back)."""
    if _deferred.get() is not None:
        yield
        return
    touched = {"events": set(), "actors": set()}
    token = _deferred.set(touched)
    try:
        yield
    finally:
        _deferred.reset(token)
    if touched["events"] or touched["actors"]:
        _refresh_search_of(**touched)


def refresh_search(sender, instance, raw=False, **kwargs):
    # A fixture load (raw) refreshes everything once at its end instead.
    if raw:
        return
    touched_by = _touched_by(instance)
    if touched_by is None:
        return
    kind, pk = touched_by
    deferred = _deferred.get()
    if deferred is not None:
        deferred[kind].add(pk)
    else:
        _refresh_search_of(**{kind: [pk]})


def place_in_chronology(sender, instance, **kwargs):
    # Also on raw saves: a restored backup from before sort_date existed gets it computed.
    instance.sort_date = instance.chronology_date()


def keep_languages_in_step(sender, instance, raw=False, **kwargs):
    # Not on raw saves: a restored backup or a reverted version keeps the state it recorded.
    if not raw:
        update_translation_state(instance)


def empty_not_null(sender, instance, **kwargs):
    """A translated field left out of the constructor is '' in every language, as the field
    itself would be, not django-modeltranslation's NULL: so `exclude(notes="")` and the like
    mean the same in both languages, and a bulk_create (no pre_save) stores no NULLs."""
    for name in EMPTY_NOT_NULL.get(sender, ()):
        if instance.__dict__.get(name, "") is None:  # a deferred field is not in __dict__
            instance.__dict__[name] = ""


def _translation_columns():
    from modeltranslation.translator import translator

    columns = {}
    for model in translator.get_registered_models(abstract=False):
        opts = translator.get_options_for_model(model)
        columns[model] = tuple(
            field.name for name, fields in opts.all_fields.items() for field in fields
            # (a unique one stays NULL where empty: several rows may lack it)
            if not model._meta.get_field(name).null and not field.unique
        )
    return columns


EMPTY_NOT_NULL = {}


def fill_search_vectors(sender, using="default", **kwargs):
    """After migrate: build the stored search documents of events that have none (rows a
    migration added or backfilled), with the live search code, once every column it reads
    exists. One cheap query when there is nothing to do; PostgreSQL only."""
    from django.db import DatabaseError, connections

    if connections[using].vendor != "postgresql":
        return
    missing = Event.objects.using(using).filter(
        Q(search_vector__isnull=True) | Q(search_vector_ru__isnull=True)
    )
    try:
        if missing.exists():
            missing.refresh_search_vectors()
    except DatabaseError:  # migrated back to before a column the search reads: nothing to do
        return


def connect():
    from django.apps import apps

    post_migrate.connect(
        fill_search_vectors, sender=apps.get_app_config("events"),
        dispatch_uid="search-after-migrate",
    )
    EMPTY_NOT_NULL.update(_translation_columns())
    for model in EMPTY_NOT_NULL:
        post_init.connect(empty_not_null, sender=model, dispatch_uid=f"empty-{model.__name__}")
    # The search's case folding on SQLite (Cyrillic included) is a function of each connection.
    connection_created.connect(register_search_functions, dispatch_uid="search-functions")
    pre_save.connect(place_in_chronology, sender=Event, dispatch_uid="event-sort-date")
    for model in TRANSLATED_ITEMS:
        pre_save.connect(
            keep_languages_in_step, sender=model, dispatch_uid=f"languages-{model.__name__}"
        )
    for model in (Event, Statement, EventActor, Actor):
        post_save.connect(refresh_search, sender=model, dispatch_uid=f"search-{model.__name__}")
        post_delete.connect(
            refresh_search, sender=model, dispatch_uid=f"search-del-{model.__name__}"
        )
    # Which events a claim belongs to is part of the record too (their pages show it).
    m2m_changed.connect(record_changed, sender=Claim.events.through, dispatch_uid="record-claim-events")
    for model in RECORD_MODELS:
        post_save.connect(record_changed, sender=model, dispatch_uid=f"record-{model.__name__}")
        post_delete.connect(
            record_changed, sender=model, dispatch_uid=f"record-del-{model.__name__}"
        )
