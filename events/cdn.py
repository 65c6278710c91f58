"""CDN caching by tag: what each public response shows, and exact purges when it changes.

Every public page carries cache tags naming what it shows (`Surrogate-Key` for Fastly and
Varnish-style caches, space-separated; `Cache-Tag` for Cloudflare, comma-separated): `site`
(every page), `chronology` (the lists, the embed, the sitemap: any change to the record can
change their filter options and listings), and `event-<id>`, `actor-<id>`, `source-<id>`,
`category-<id>` for every item a page shows. Tags are database ids, never names or slugs, so a
protected person's name never reaches a header.

A change to the record collects the tags of the pages it can change and, when its transaction
commits (`transaction.on_commit`), sends one purge of exactly those tags to the configured
endpoint (DJANGO_CDN_PURGE_URL). A rolled-back change purges nothing. The purge fails soft and
fast: the endpoint gets DJANGO_CDN_PURGE_TIMEOUT seconds per request, and an error, a timeout
or a refused connection is logged with the tags (so they can be purged by hand) and never
fails the save.

Request formats (DJANGO_CDN_PURGE_FORMAT):
- `fastly`: `POST https://api.fastly.com/service/<service id>/purge` with the keys in a
  `Surrogate-Key` header (at most 256 per request) and the token in `Fastly-Key`.
- `cloudflare`: `POST https://api.cloudflare.com/client/v4/zones/<zone id>/purge_cache` with
  `{"tags": [...]}` (at most 30 per request) and `Authorization: Bearer <token>`.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save

logger = logging.getLogger(__name__)

SITE = "site"
CHRONOLOGY = "chronology"
KIND_OF_MODEL = {
    "event": "event",
    "actor": "actor",
    "sourcearticle": "source",
    "category": "category",
}
BATCH_SIZE = {"fastly": 256, "cloudflare": 30}


def tag(obj):
    return f"{KIND_OF_MODEL[obj._meta.model_name]}-{obj.pk}"


def event_listing_tags(events):
    """Everything a listing of events shows: each event, its category, the actors named in
    it and the sources it cites. Reads only what `for_listing()` prefetched."""
    tags = set()

    def cite(citations):
        # A citation shows its source and the source's publisher ("Novaya Gazeta, 1 April").
        for citation in citations:
            tags.add(f"source-{citation.source_id}")
            if citation.source.publisher_id:
                tags.add(f"actor-{citation.source.publisher_id}")

    for event in events:
        tags.add(f"event-{event.pk}")
        tags.add(f"category-{event.category_id}")
        for participation in event.participation_list:
            tags.add(f"actor-{participation.actor_id}")
        for statement in event.statement_list:
            tags.add(f"actor-{statement.speaker_id}")
            cite(statement.citation_list)
        cite(event.citation_list)
    return tags


def set_tags(response, tags):
    """Mark a response with the tags of what it shows (views call this; pages that do not
    are tagged `chronology` by the page cache middleware)."""
    response.cache_tags = {SITE, *tags}
    return response


def apply_headers(response):
    """The tag headers and the CDN's caching directives of a public response."""
    tags = sorted(getattr(response, "cache_tags", None) or {SITE, CHRONOLOGY})
    response["Surrogate-Key"] = " ".join(tags)
    response["Cache-Tag"] = ",".join(tags)
    stale = (
        f"stale-while-revalidate={settings.CDN_STALE_WHILE_REVALIDATE}, "
        f"stale-if-error={settings.CDN_STALE_IF_ERROR}"
    )
    # Browsers and caches that no purge reaches revalidate (ETag) before each use, so a
    # correction reaches readers at once; they may briefly show their copy while revalidating,
    # or when the site is down.
    response["Cache-Control"] = f"public, max-age=0, {stale}"
    if settings.CDN_PURGE_URL:
        # Only a CDN that this site purges may keep a page without asking (Fastly reads
        # Surrogate-Control and strips it; Cloudflare and others read CDN-Cache-Control,
        # RFC 9213).
        cdn = f"max-age={settings.CDN_MAX_AGE}, {stale}"
        response["Surrogate-Control"] = cdn
        response["CDN-Cache-Control"] = cdn
    return response


# What a change can alter, by model. Each takes the instance, the ids it was loaded with
# (`_cdn_before`, or None for a new row) and whether it was deleted, and returns tags.


def _event_changed(event, before, deleted):
    was_public = before is not None and before[0] == "published"
    is_public = not deleted and event.status == "published"
    if not was_public and not is_public:
        return set()  # a draft before and after: no public page shows it
    tags = {CHRONOLOGY, f"event-{event.pk}", f"category-{event.category_id}"}
    if before is None or was_public != is_public or before[1] != event.category_id:
        # The event joins or leaves the listings of its actors, sources and categories,
        # which are not tagged with it yet.
        if before is not None:
            tags.add(f"category-{before[1]}")
        tags.update(
            f"actor-{actor_id}"
            for actor_id in event.participations.values_list("actor_id", flat=True)
        )
        tags.update(
            f"source-{source_id}"
            for source_id in event.citations.values_list("source_id", flat=True)
        )
    return tags


def _participation_changed(participation, before, deleted):
    tags = {CHRONOLOGY, f"event-{participation.event_id}", f"actor-{participation.actor_id}"}
    if before is not None:
        tags.update({f"event-{before[0]}", f"actor-{before[1]}"})
    return tags


def _statement_changed(statement, before, deleted):
    tags = {CHRONOLOGY, f"actor-{statement.speaker_id}"}
    if statement.event_id:
        tags.add(f"event-{statement.event_id}")
    if before is not None:
        tags.add(f"actor-{before[0]}")
        if before[1]:
            tags.add(f"event-{before[1]}")
    return tags


def _citation_changed(citation, before, deleted):
    tags = {CHRONOLOGY, f"source-{citation.source_id}"}
    event_id = citation.event_id
    if event_id is None and citation.statement_id:
        from .models import Statement

        event_id = (
            Statement.objects.filter(pk=citation.statement_id)
            .values_list("event_id", flat=True).first()
        )
    if event_id:
        tags.add(f"event-{event_id}")
    if before is not None:
        tags.add(f"source-{before[0]}")
    return tags


def _item_changed(item, before, deleted):
    return {CHRONOLOGY, tag(item)}


def _related_changed(item, before, deleted):
    """Any other part of the record (a place, a claim, ...): the lists, whose pages every
    change can alter (new page types are tagged `chronology` unless their view says more),
    and the pages of the events it belongs to: its own `event`, its parent's (a claim's
    value), or the events related to it (a place's)."""
    tags = {CHRONOLOGY}
    event_ids = set()
    if getattr(item, "event_id", None):
        event_ids.add(item.event_id)
    for field in item._meta.concrete_fields:
        target = field.related_model
        if not field.many_to_one or target is None or target._meta.model_name == "event":
            continue
        # A parent that belongs to events: by a foreign key `event` or a many-to-many `events`.
        names = {f.name for f in target._meta.get_fields()}
        link = "event" if "event" in names else "events" if "events" in names else None
        parent_id = getattr(item, field.attname)
        if link and parent_id:
            event_ids.update(
                target._base_manager.filter(pk=parent_id).values_list(link, flat=True)
            )
    related = getattr(item, "events", None)
    if item.pk is not None and not deleted and hasattr(related, "values_list"):
        event_ids.update(related.values_list("pk", flat=True))
    tags.update(f"event-{event_id}" for event_id in event_ids if event_id)
    return tags


def _watched():
    from .models import Actor, Category, Citation, Event, EventActor, SourceArticle, Statement
    from .signals import RECORD_MODELS

    # model: (how its change is tagged, the fields whose loaded values it compares)
    others = {model: (_related_changed, ()) for model in RECORD_MODELS}
    return {
        **others,
        Event: (_event_changed, ("status", "category_id")),
        EventActor: (_participation_changed, ("event_id", "actor_id")),
        Statement: (_statement_changed, ("speaker_id", "event_id")),
        Citation: (_citation_changed, ("source_id",)),
        Actor: (_item_changed, ()),
        SourceArticle: (_item_changed, ()),
        Category: (_item_changed, ()),
    }


def _load_before(sender, instance, raw=False, **kwargs):
    # One query per save, and only where a CDN is purged: the values the change moves away
    # from (a new row has none).
    fields = WATCHED[sender][1]
    if raw or not settings.CDN_PURGE_URL or not fields:
        return
    instance._cdn_before = (
        None if instance._state.adding or instance.pk is None
        else sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    )


def _on_save(sender, instance, created=False, raw=False, **kwargs):
    if raw or not settings.CDN_PURGE_URL:
        return
    changed, fields = WATCHED[sender]
    before = None if created or not fields else getattr(instance, "_cdn_before", None)
    purge_on_commit(changed(instance, before, deleted=False))


def _on_delete(sender, instance, **kwargs):
    if not settings.CDN_PURGE_URL:
        return
    changed, fields = WATCHED[sender]
    # What it was is what it is: a row is deleted as loaded.
    before = tuple(getattr(instance, name) for name in fields) if fields else None
    purge_on_commit(changed(instance, before, deleted=True))


class _PendingPurge:
    """The tags one transaction will purge when it commits; registered once with on_commit."""

    def __init__(self):
        self.tags = set()
        self.sent = False

    def __call__(self):
        self.sent = True
        purge(self.tags)


def purge_on_commit(tags):
    """Purge tags when the current transaction commits (at once outside a transaction).
    Changes within one transaction (an admin save with its inlines) make one purge."""
    if not tags:
        return
    if not connection.in_atomic_block:
        purge(tags)
        return
    pending = getattr(connection, "_cdn_pending_purge", None)
    # A callback discarded by a rollback is no longer registered: start a new one.
    if (
        pending is None
        or pending.sent
        or not any(func is pending for _, func, _ in connection.run_on_commit)
    ):
        pending = connection._cdn_pending_purge = _PendingPurge()
        transaction.on_commit(pending, robust=True)
    pending.tags |= set(tags)


def purge(tags):
    """Send one purge of tags (in batches the CDN accepts); log, never raise, on failure."""
    url, kind = settings.CDN_PURGE_URL, settings.CDN_PURGE_FORMAT
    if not url or not tags:
        return
    ordered = sorted(tags)
    size = BATCH_SIZE[kind]
    for start in range(0, len(ordered), size):
        batch = ordered[start:start + size]
        try:
            with urllib.request.urlopen(  # noqa: S310 (the URL is the operator's setting)
                _purge_request(url, kind, batch), timeout=settings.CDN_PURGE_TIMEOUT
            ) as response:
                response.read(65536)
        except (OSError, urllib.error.URLError, ValueError) as error:
            # HTTPError (a 4xx/5xx answer) is a URLError; a timeout is an OSError.
            logger.warning(
                "CDN purge failed (%s); these tags were not purged: %s",
                error, " ".join(ordered[start:]),
            )
            return


def _purge_request(url, kind, tags):
    headers = {"Accept": "application/json", "User-Agent": "chronology-purge/1"}
    token = settings.CDN_PURGE_TOKEN
    if kind == "fastly":
        headers["Surrogate-Key"] = " ".join(tags)
        if token:
            headers["Fastly-Key"] = token
        body = b""
    else:
        headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"tags": tags}).encode()
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


WATCHED = {}


def connect():
    WATCHED.update(_watched())
    for model in WATCHED:
        name = model.__name__
        pre_save.connect(_load_before, sender=model, dispatch_uid=f"cdn-before-{name}")
        post_save.connect(_on_save, sender=model, dispatch_uid=f"cdn-save-{name}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"cdn-del-{name}")
