"""Reader-facing pages. Visibility (published only, pseudonyms only) is decided here and in
the QuerySets, never only in a template."""

import hashlib
import sys
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from . import cdn, corrections, embeds, http, maps
from .axis import build_axis, draw_axis, kept_axis
from .caching import cache_public_page, record_generation
from .forms import EventFilterForm, form_errors
from .history import public_change_log
from .languages import language_of_path
from .links import absolute_url
from .middleware import EMBED_POLICY, POLICY
from .templatetags.jsonld import claim_data
from .models import (
    Actor,
    Category,
    Citation,
    Claim,
    ClaimValue,
    Event,
    Place,
    SourceArticle,
    SourceType,
    Statement,
    Status,
    listing_prefetches,
)
from .pagination import BadPage, paginate
from .sitemaps import SECTIONS

# Seconds a reader is asked to wait when the database does not answer.
RETRY_AFTER_SECONDS = 30


@require_safe
@cache_public_page
@vary_on_headers("HX-Request")
def event_list(request):
    form = EventFilterForm(request.GET)
    form.render_choices_from(record_generation(request))
    context = {"form": form, "page_obj": None, "result_count": 0, "page_error": None}
    status = 200
    if form.is_valid():
        # The related rows are read below, for the events whose cards are not kept.
        events = form.filter(Event.objects.public()).for_listing().prefetch_related(None)
        events = events.chronological()
        generation = record_generation(request)
        # The axis drawn for these filters, if kept, has counted the matches already.
        axis = kept_axis(params=request.GET, generation=generation)
        try:
            page_obj = context["page_obj"] = paginate(
                request, events, count=axis.count if axis else None
            )
            context["result_count"] = page_obj.paginator.count
            context["count_is_exact"] = page_obj.paginator.count_is_exact
            context["count_limit"] = number_format(
                page_obj.paginator.count_limit or 0, force_grouping=True
            )
            page_obj.object_list = _with_cards(page_obj.object_list, generation)
            if page_obj.paginator.count:
                # The count, already made, tells the axis whether to draw marks or counts.
                context["axis"] = axis or draw_axis(
                    events, params=request.GET, count=page_obj.paginator.count,
                    generation=generation,
                )
        except BadPage as error:
            context["page_error"], status = str(error), error.status
    else:
        status = 400
    query = request.GET.copy()
    query.pop("page", None)
    context["query_string"] = query.urlencode()
    context["canonical_url"] = _canonical_list_url(request, form)
    if form.is_valid():
        context["embed_code"] = embeds.iframe(query)
        context["oembed_url"] = embeds.oembed_url(embeds.full_url(query))

    # A history restore must get the whole page, or the back button shows a bare fragment.
    partial = request.htmx and not request.htmx.history_restore_request
    if not partial:
        # The headline figures in dispute, outside the swapped results: whole pages only.
        context["claims_panel"] = _claims_panel(record_generation(request))
    template = "events/event_list.html#results" if partial else "events/event_list.html"
    return cdn.set_tags(render(request, template, context, status=status), {cdn.CHRONOLOGY})


# How long a rendered event card is kept; a change to the record (a new generation) replaces it.
CARD_CACHE_SECONDS = 3600


def _kept(name, generation, render, extra=""):
    """render()'s value (HTML, or plain data), kept in the cache per record generation,
    language and `extra` (the part's own parameters): drawn once per change to the record,
    seen at once after one."""
    raw = f"{generation}\n{translation.get_language()}\n{extra}"
    key = f"{name}:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, CARD_CACHE_SECONDS)
    return value


def _kept_html(name, generation, render, extra=""):
    return mark_safe(_kept(name, generation, render, extra))  # noqa: S308 - rendered by the template engine


def _claims_panel(generation):
    """templates/events/_claims_panel.html rendered, kept per record generation and language,
    as the cards are: the same headline figures head every view of the chronology, and
    reading them (the claims' values, sources and events) and drawing their tables cost a
    whole page's worth at N = 10,000 (docs/performance.md)."""
    return _kept_html("claims-panel", generation, lambda: loader.render_to_string(
        "events/_claims_panel.html",
        {"headline_claims": Claim.objects.public().headline().for_listing()},
    ))


def _with_cards(events, generation):
    """The page's events, each with `card`: templates/events/_event.html rendered for it, kept
    in the cache per record generation and language. A card shows only its event and what is
    linked to it, so rendering it (its statements, citations and sources, with their dates
    and names in the page's language) and reading those rows are done once per change to the
    record; only the events whose cards are not kept have their related rows read."""
    events = list(events)
    prefix = f"event-card:{generation}:{translation.get_language()}:"
    kept = cache.get_many([f"{prefix}{event.pk}" for event in events])
    missing = [event for event in events if f"{prefix}{event.pk}" not in kept]
    prefetch_related_objects(missing, *listing_prefetches())
    drawn = {}
    for event in events:
        key = f"{prefix}{event.pk}"
        if key not in kept:
            drawn[key] = kept[key] = loader.render_to_string(
                "events/_event.html", {"event": event, "site_url": settings.SITE_URL}
            )
        event.card = mark_safe(kept[key])  # noqa: S308 - rendered by the template engine
    if drawn:
        cache.set_many(drawn, CARD_CACHE_SECONDS)
    return events


def _canonical_list_url(request, form):
    """The chronology's address for this view: its filters as given, when they are valid (an
    invalid value, say a withdrawn slug, is never repeated back), and its page number."""
    path = reverse("events:event_list")
    if not form.is_valid():
        return absolute_url(path)
    query = QueryDict(mutable=True)
    for name in [*form.fields, "page"]:
        values = [value for value in request.GET.getlist(name) if value.strip()]
        if values and not (name == "page" and values == ["1"]):
            query.setlist(name, values)
    return absolute_url(f"{path}?{query.urlencode()}" if query else path)


@require_safe
@cache_public_page
def event_detail(request, slug):
    event = get_object_or_404(Event.objects.public().for_listing(), slug=slug)
    claims = _event_claims(event, record_generation(request))
    response = render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "locator": maps.locator(event.place_list),
            "claims": claims,
            "change_log": public_change_log(event),
            "canonical_url": absolute_url(event.get_absolute_url()),
        },
    )
    return cdn.set_tags(response, cdn.event_listing_tags([event]) | set(claims["tags"]))


def _event_claims(event, generation):
    """The event's published claims as its page shows them: their tables' HTML, their
    schema.org items for the page's JSON-LD, and the cache tags of what each source says (the
    source and its publisher). Kept per record generation, language and event, as the cards
    are: reading the claims' values with their sources and drawing the tables was a quarter of
    the page's time on PostgreSQL (docs/performance.md)."""

    def draw():
        # The event is published, so each of its published claims is public
        # (ClaimQuerySet.public asks that of every claim, through a subquery SQLite answers by
        # reading every published event). The page shows the claims' values, not their other
        # events: only those are read.
        claims = list(
            Claim.objects.filter(status=Status.PUBLISHED, events=event)
            .prefetch_related(Prefetch(
                "values",
                queryset=ClaimValue.objects.select_related("source__publisher"),
                to_attr=Claim.LISTED_VALUES,
            ))
            .order_by(*Claim._meta.ordering)
        )
        tags = set()
        for claim in claims:
            for value in claim.value_list:
                tags.add(f"source-{value.source_id}")
                if value.source.publisher_id:
                    tags.add(f"actor-{value.source.publisher_id}")
        return {
            "html": loader.render_to_string("events/_event_claims.html", {"claims": claims}),
            "jsonld": [item for claim in claims for item in claim_data(claim, absolute_url)],
            "tags": sorted(tags),
        }

    kept = _kept("event-claims", generation, draw, extra=str(event.pk))
    return {**kept, "html": mark_safe(kept["html"])}  # noqa: S308 - rendered by the template engine


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event_correction(request, slug):
    """A reader's "Suggest a correction" form for one event (events/corrections.py). Never
    cached: it carries a CSRF token and the time it was served. An htmx request gets the
    form alone, to put in the event page; otherwise a page of its own."""
    event = get_object_or_404(Event.objects.public(), slug=slug)
    status, sent = 200, False
    if request.method == "POST":
        if corrections.throttled(request):
            form = corrections.CorrectionForm(request.POST, event=event)
            form.is_valid()
            form.add_error(None, _("Too many reports have come from your connection in the last "
                                   "hour. Please try again later; your words are still below."))
            status = 429
        else:
            form = corrections.CorrectionForm(request.POST, event=event)
            if form.is_valid():
                # A robot that filled the honeypot is thanked like a person, so it learns
                # nothing; its report is not stored.
                if not form.is_robot:
                    corrections.receive(form)
                sent = True
            else:
                status = 400
        if not sent:
            # A fresh token for the next try: the refusal may have been for the old one.
            form.data = form.data.copy()
            form.data["token"] = corrections.form_token(event)
    else:
        form = corrections.CorrectionForm(
            event=event, initial={"token": corrections.form_token(event)}
        )
    template = "events/event_correction.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#correction"
    context = {"event": event, "form": form, "sent": sent,
               "retention_days": settings.CORRECTION_RETENTION_DAYS}
    return render(request, template, context, status=status)


# How many events the bibliography lists under each source; the source's page has them all.
EVENTS_PER_SOURCE = 5


@require_safe
@cache_public_page
def actor_index(request):
    """Who's who: everyone the public record names, grouped by kind, with how many events and
    statements; a protected identity by the name shown only."""
    actors = Actor.objects.public().with_public_counts().order_by("name", "pk")
    groups = {kind: [] for kind in Actor.Kind.values}
    for actor in actors:
        groups[actor.kind].append(actor)
    kinds = [
        (kind, Actor.Kind(kind).label, groups[kind]) for kind in Actor.Kind.values if groups[kind]
    ]
    return render(request, "events/actor_index.html",
                  {"kinds": kinds, "actor_count": sum(len(group) for group in groups.values())})


@require_safe
@cache_public_page
def source_index(request):
    """The bibliography: every source by type, then by publisher, with what cites it."""
    sources = (
        SourceArticle.objects.select_related("publisher").with_citing_event_count()
        .order_by(*SourceArticle._meta.ordering, "pk")
    )
    citing = Citation.objects.first_citing_events(EVENTS_PER_SOURCE)
    by_type = {}
    for source in sources:
        source.first_citing_events = citing.get(source.pk, [])
        publisher = source.publisher.name if source.publisher_id else _("Publisher not known")
        by_type.setdefault(source.source_type, {}).setdefault(
            (publisher, source.publisher), []
        ).append(source)
    order = {value: number for number, value in enumerate([*SourceType.values, ""])}
    types = [
        (source_type, SourceType(source_type).label if source_type else _("Type not yet known"),
         sorted(publishers.items(), key=lambda item: item[0][0].casefold()))
        for source_type, publishers in sorted(by_type.items(), key=lambda item: order[item[0]])
    ]
    return render(request, "events/source_index.html", {
        "types": types, "source_count": len(sources), "events_per_source": EVENTS_PER_SOURCE,
    })


@require_safe
@cache_public_page
def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.public().select_related("affiliation"), slug=slug)
    events = Event.objects.public().filter_by(actor=actor).for_listing().chronological()
    try:
        page_obj = paginate(request, events)
    except BadPage as error:
        return render(request, "events/error.html", {"message": str(error)}, status=error.status)
    statements = Statement.objects.public().for_listing().filter_by(speaker=actor)
    members = (
        actor.members.public().filter(protected_identity=False)
        if not actor.protected_identity
        else []
    )
    response = render(
        request,
        "events/actor_detail.html",
        {"actor": actor, "page_obj": page_obj, "statements": statements, "members": members,
         "oembed_url": _oembed_of(actor)},
    )
    tags = {cdn.tag(actor), *cdn.event_listing_tags(page_obj.object_list)}
    tags.update(cdn.tag(member) for member in members)
    if actor.affiliation_id:
        tags.add(f"actor-{actor.affiliation_id}")
    for statement in statements:
        tags.add(f"event-{statement.event_id}")
        for citation in statement.citation_list:
            tags.add(f"source-{citation.source_id}")
            if citation.source.publisher_id:
                tags.add(f"actor-{citation.source.publisher_id}")
    return cdn.set_tags(response, tags)


@require_safe
@cache_public_page
def source_detail(request, slug):
    source = get_object_or_404(SourceArticle.objects.select_related("publisher"), slug=slug)
    events = Event.objects.public().filter_by(source=source).for_listing().chronological()
    try:
        page_obj = paginate(request, events)
    except BadPage as error:
        return render(request, "events/error.html", {"message": str(error)}, status=error.status)
    response = render(
        request, "events/source_detail.html",
        {"source": source, "page_obj": page_obj, "oembed_url": _oembed_of(source)},
    )
    tags = {cdn.tag(source), *cdn.event_listing_tags(page_obj.object_list)}
    if source.publisher_id:
        tags.add(f"actor-{source.publisher_id}")
    return cdn.set_tags(response, tags)


@require_safe
@cache_public_page
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    events = Event.objects.public().filter_by(category=[category]).for_listing().chronological()
    try:
        page_obj = paginate(request, events)
    except BadPage as error:
        return render(request, "events/error.html", {"message": str(error)}, status=error.status)
    response = render(
        request, "events/category_detail.html",
        {"category": category, "page_obj": page_obj, "oembed_url": _oembed_of(category)},
    )
    return cdn.set_tags(
        response, {cdn.tag(category), *cdn.event_listing_tags(page_obj.object_list)}
    )


# The filters the map page offers itself; any other filter in the address is kept as it is.
MAP_FILTERS = ("category", "date_from", "date_to", "verification")


def _places_layout(form, query, generation):
    """templates/events/_places_layout.html (the map and the list of places matching the
    filters), kept per record generation, language and filters. The count of matching events
    per place reads every matching event's links, so it grows with the record (256 ms at
    100,000 events on SQLite, docs/performance.md): it is paid once per change to the record
    and set of filters, as the time axis is (axis.draw_axis)."""

    def render():
        events = form.filter(Event.objects.public())
        places = list(Place.objects.with_event_count(events).order_by("name", "pk"))
        chronology = reverse("events:event_list")
        for place in places:
            place.filtered_url = f"{chronology}?{urlencode([*query.lists(), ('place', [place.slug])], doseq=True)}"
        world, inset = maps.place_markers(places)
        return loader.render_to_string("events/_places_layout.html", {
            "places": places, "world": maps.world_map(), "inset": maps.inset_map(),
            "world_markers": world, "inset_markers": inset, "inset_frame": maps.inset_frame(),
            "filtered": form.is_filtered, "query_string": query.urlencode(),
        })

    return _kept_html("places-layout", generation, render, extra=query.urlencode())


@require_safe
@cache_public_page
def place_list(request):
    """The map: the places of the events matching the chronology's filters, each sized by
    its number of such events and linking to the chronology filtered to it, and the same
    places as a list."""
    form = EventFilterForm(request.GET)
    form.render_choices_from(record_generation(request))
    context = {"form": form, "hidden_filters": [], "query_string": ""}
    status = 200
    # Only the filters' own parameters travel on (to the markers' links, the hidden fields).
    query = QueryDict(mutable=True)
    for name in form.fields:
        if name != "place" and request.GET.getlist(name):
            query.setlist(name, request.GET.getlist(name))
    if form.is_valid():
        context["places_layout"] = _places_layout(form, query, record_generation(request))
        # The filters this page has no field for, carried on; only valid ones, so that
        # nothing a reader typed is echoed back unchecked (an unknown slug may be a name).
        context["hidden_filters"] = [
            (name, value) for name, values in query.lists() if name not in MAP_FILTERS
            for value in values
        ]
        context["query_string"] = query.urlencode()
    else:
        status = 400
    return render(request, "events/place_list.html", context, status=status)


@require_safe
@cache_public_page
def place_detail(request, slug):
    place = get_object_or_404(Place.objects.public(), slug=slug)
    events = Event.objects.public().filter_by(place=place).for_listing().chronological()
    try:
        page_obj = paginate(request, events)
    except BadPage as error:
        return render(request, "events/error.html", {"message": str(error)}, status=error.status)
    return render(request, "events/place_detail.html", {
        "place": place, "page_obj": page_obj, "locator": maps.locator([place]),
        "canonical_url": absolute_url(place.get_absolute_url()),
    })


@require_safe
@cache_public_page
def about(request):
    contact = settings.CORRECTIONS_CONTACT
    label = contact.removeprefix("mailto:")
    response = render(
        request,
        "events/about.html",
        {"corrections_contact": contact, "corrections_contact_label": label,
         "retention_days": settings.CORRECTION_RETENTION_DAYS},
    )
    return cdn.set_tags(response, {"about"})


def _oembed_of(item):
    """The oEmbed discovery address of a page that is the chronology filtered by its item."""
    return embeds.oembed_url(absolute_url(item.get_absolute_url()))


# At most this many events in an embed; it links to the full view for the rest.
EMBED_LIMIT = 50


@require_safe
@cache_public_page
@xframe_options_exempt
def embed(request):
    """The chronology, compact, for other sites' iframes: the only page that may be framed."""
    form = EventFilterForm(request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "full_url": embeds.full_url(query), "site_url": settings.SITE_URL}
    status = 200
    if form.is_valid():
        events = form.filter(Event.objects.public()).select_related("category").chronological()
        listed = list(events.defer(*Event.SEARCH_DOCUMENTS)[:EMBED_LIMIT + 1])
        context["events"] = listed[:EMBED_LIMIT]
        context["more"] = len(listed) > EMBED_LIMIT
        if listed:
            # Its period links open that period on the full site, like every link here.
            context["axis"] = build_axis(
                events, params=request.GET, base=embeds.full_url(QueryDict()),
                htmx_target=None,
                count=len(listed) if len(listed) <= EMBED_LIMIT else None,
            )
    else:
        status = 400
    response = render(request, "events/embed.html", context, status=status)
    response["Content-Security-Policy"] = EMBED_POLICY
    return cdn.set_tags(response, {cdn.CHRONOLOGY})


@require_safe
@cache_public_page
def oembed(request):
    """The oEmbed provider (https://oembed.com/): JSON only; 400 for a request without a
    usable url or size, 404 for an address that is not an embeddable view of this site,
    501 for another format, as the specification asks."""
    url = request.GET.get("url", "")
    if request.GET.get("format", "json") != "json":
        response = http.error_response(501, "Only format=json is provided.")
    elif not url:
        response = http.error_response(400, "Give the address of a page: ?url=...")
    elif len(url) > 2000 or "\x00" in url:
        response = http.error_response(400, "The url is too long or malformed.")
    else:
        response = _oembed_of_url(request, url)
    return cdn.set_tags(http.allow_any_origin(response), {cdn.CHRONOLOGY})


def _oembed_of_url(request, url):
    try:
        query = embeds.embed_query(url)
        form = EventFilterForm(query)
        if not form.is_valid():
            return http.error_response(
                400, "The address has filters that cannot be used.", form_errors(form)
            )
        # The embed offered is in the page's own language (its /ru/ prefix); what is wrong
        # with a request is said in the request's.
        with translation.override(language_of_path(urlsplit(url.strip()).path)):
            return JsonResponse(embeds.oembed_answer(
                query, request.GET.get("maxwidth"), request.GET.get("maxheight")
            ))
    except embeds.NotEmbeddable as error:
        return http.error_response(404, str(error))
    except ValueError as error:
        return http.error_response(400, str(error))


@require_safe
@cache_public_page
def sitemap(request):
    return cdn.set_tags(
        sitemap_views.sitemap(request, sitemaps=SECTIONS), {cdn.CHRONOLOGY}
    )


@require_safe
@cache_public_page
def robots_txt(request):
    # The filtered and paginated chronology is an endless space of query strings; every page
    # it shows has its own address in the sitemap. The admin's address is not named here:
    # it is meant to be hard to guess.
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /embed/",
        "Disallow: /oembed",
        "Disallow: /*?",
        "",
        f"Sitemap: {absolute_url(reverse('events:sitemap'))}",
        "",
    ]
    return cdn.set_tags(
        HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8"), {"robots"}
    )


def server_error(request):
    """handler500: a database that cannot be reached (down, failing over, not answering within
    its timeouts) is a 503 with Retry-After, anything else a 500; in the API's JSON error shape
    with CORS under /api/, the site's page elsewhere. Never cached. Rendered without a
    context, so it needs nothing that just failed. Any middleware may have failed, so the
    headers they would have added are set here."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        response = http.allow_any_origin(http.error_response(
            status,
            f"The database is not answering; try again in {RETRY_AFTER_SECONDS} seconds."
            if unavailable else "Something went wrong on our side. The error has been logged.",
        ))
    else:
        template = loader.get_template("503.html" if unavailable else "500.html")
        response = HttpResponse(template.render(), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    response.setdefault("Content-Security-Policy", POLICY)
    response.setdefault("X-Frame-Options", "DENY")
    return response
