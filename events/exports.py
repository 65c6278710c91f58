"""Exports that other tools open as they are: Knight Lab's TimelineJS 3 JSON and CSV.

Both take events already filtered (EventFilterForm) and prefetched (`.for_listing()`), so
they honour the page's filters and run a fixed number of queries. Both are written in the
active language (the API's ?lang= or Accept-Language, events/languages.py): the record's
text through its translated fields, our own words through gettext. CSV column names and coded
values (verification, precision, yes/no) stay as they are, for the programs that read them.
"""

import csv
import io
import json

from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join, linebreaks
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .forms import EventFilterForm
from .languages import DEFAULT
from .links import absolute_url
from .models import Verification

TIMELINE_TITLE = _("Chechnya 2017: a documented chronology")

CSV_COLUMNS = [
    "id",
    "slug",
    "title",
    "date",
    "date_precision",
    "date_approximate",
    "end_date",
    "end_date_precision",
    "end_date_approximate",
    "sort_as",
    "date_display",
    "category",
    "location",
    "places",
    "verification",
    "verification_note",
    "summary",
    "actors",
    "citation_urls",
    "sources",
    "statements",
    "url",
    "api_url",
]
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def timeline_end(partial_date):
    """Where TimelineJS ends an event's span: the last day of the period the end names (a
    month-only end read as its 1st would cut the span short); `display_date` says what is
    known."""
    day = partial_date.last_day
    return {"year": day.year, "month": day.month, "day": day.day}


def _rendering(statement):
    """Our rendering of the statement in the active language, where it has one."""
    language = get_language() or DEFAULT
    if language == DEFAULT:
        return ""
    return getattr(statement, f"rendering_{language}", "") or ""


def quote_language_of(statement):
    """The language a statement's `quote` is in: our English for reported speech; for a quote,
    the language of the source whose excerpt prints it (None if no cited source says)."""
    if statement.is_reported:
        return DEFAULT
    for citation in statement.citation_list:
        if not citation.is_summary and citation.source.language:
            return citation.source.language
    return None


def statement_html(statement):
    """One statement as escaped HTML in the active language (TimelineJS and the feed). A quote
    stays in the source's words, in <q>, with our rendering beside it labelled as ours;
    reported speech is our own account, in this language where we have written it, labelled as
    not a quotation."""
    rendering = _rendering(statement)
    if not rendering:
        # English, or no rendering yet in this language: the statement as the record words it.
        return statement.as_html()
    speaker = statement.speaker.name_with_naming
    if statement.is_reported:
        return format_html(
            '<p class="statement statement--reported">{} <small>({})</small></p>',
            gettext("%(speaker)s says %(account)s") % {"speaker": speaker, "account": rendering},
            gettext("reported speech, not a quotation"),
        )
    return format_html(
        '<p class="statement statement--quote">{}: <q>{}</q> <small>({}: {})</small></p>',
        speaker, statement.quote, gettext("our translation"), rendering,
    )


def statement_text(statement):
    """statement_html() as one line of plain text (the CSV)."""
    rendering = _rendering(statement)
    if not rendering:
        return statement.as_text()
    speaker = statement.speaker.name_with_naming
    if statement.is_reported:
        return gettext("%(speaker)s says %(account)s") % {"speaker": speaker, "account": rendering}
    return gettext("%(speaker)s: “%(quote)s” (our translation: %(rendering)s)") % {
        "speaker": speaker, "quote": statement.quote, "rendering": rendering,
    }


def statements_html(event):
    """An event's statements for TimelineJS and the feed, each showing its kind."""
    return format_html_join(
        "", "{}", ((statement_html(statement),) for statement in event.statement_list)
    )


def timeline_start(event):
    """Where TimelineJS puts the event on its axis. A date known only to the month or year
    would sit on the 1st, before the period's dated events: it goes to the curators'
    estimate or the middle of the period instead (Event.timeline_day), and `display_date`
    says what is known."""
    day = event.timeline_day()
    return {"year": day.year, "month": day.month, "day": day.day}


def _citation_links(event):
    citations = [citation for citation in event.citation_list if citation.source.url]
    if not citations:
        return ""
    return format_html(
        "<p>{} {}</p>",
        gettext("Sources:"),
        format_html_join(
            "; ",
            '<a href="{}" rel="noopener">{}</a> ({})',
            (
                (citation.source.url, citation.source.title, citation.source.credit)
                for citation in citations
            ),
        ),
    )


# Exports are bounded like every other response: a client fetches more with offset.
TIMELINE_MAX_EVENTS = 1000
CSV_MAX_ROWS = 10_000
# TimelineJS draws a lane per group; more than a few lanes leave most of them nearly empty and
# take half the timeline's height. Past this many categories, no groups.
TIMELINE_MAX_GROUPS = 6


def verification_html(event):
    """What the record says of an event's evidence: disputed (and what differs), corroborated
    or reported. For TimelineJS and the feed."""
    if event.is_disputed:
        return format_html(
            "<p><strong>{}</strong>: {}</p>", gettext("Disputed"), event.verification_note
        )
    if event.verification == Verification.CORROBORATED:
        return format_html("<p><strong>{}</strong>: {}</p>", gettext("Corroborated"),
                           gettext("independent sources agree."))
    return format_html("<p><strong>{}</strong>: {}</p>", gettext("Reported"),
                       gettext("one source says so."))


def disputed_suffix(event):
    return " " + gettext("(disputed)") if event.is_disputed else ""


def timelinejs(request, events, total=None, offset=0):
    # TimelineJS sets every one of these strings as innerHTML (headline, text, group label,
    # display date): curator text goes in HTML-escaped, or a title could run script.
    events = list(events)
    groups = {event.category_id for event in events}
    grouped = len(groups) <= TIMELINE_MAX_GROUPS
    slides = []
    for event in events:
        slide = {
            "unique_id": event.slug,
            "start_date": timeline_start(event),
            # The record's own wording ("c. April 2017", "1-3 April 2017"), never more precise
            # than the evidence; TimelineJS would otherwise print a full US-style date.
            "display_date": escape(event.date_display),
            "text": {
                "headline": escape(event.title + disputed_suffix(event)),
                "text": linebreaks(event.summary, autoescape=True)
                + verification_html(event)
                + format_html(
                    '<p><a href="{}">{}</a></p>',
                    absolute_url(event.get_absolute_url()),
                    gettext("The event in the chronology"),
                )
                + statements_html(event)
                + _citation_links(event),
            },
        }
        if grouped:
            slide["group"] = escape(event.category.name)
        if event.end is not None:
            slide["end_date"] = timeline_end(event.end)
        slides.append(slide)
    page = absolute_url(reverse("events:event_list"))
    if request.GET:
        page += "?" + request.GET.urlencode()
    span = ""
    if events:
        last = events[-1]
        span = format_html(
            " {}",
            gettext("from %(first)s to %(last)s") % {
                "first": events[0].date_display,
                "last": (last.end or last.placed_on or last.start).display(),
            },
        )
    return {
        "title": {
            "text": {
                "headline": escape(str(TIMELINE_TITLE)),
                "text": format_html(
                    "<p>{}</p><p>{}</p><p>{}</p>",
                    format_html(
                        gettext(
                            "A documented chronology of the reporting on the 2017 persecution "
                            "of gay men in Chechnya and of the world's response: {}{}, "
                            "each linked to the reporting it rests on."
                        ),
                        _how_many(len(slides), total, offset),
                        span,
                    ),
                    gettext(
                        "Where sources disagree, the event says “disputed” and what differs. A "
                        "date known only to the month is placed mid-month and shown as the "
                        "month. Survivors appear only under the names they chose."
                    ),
                    format_html(
                        gettext('Filter, search and cite them in <a href="{}">the '
                                "chronology</a>."),
                        page,
                    ),
                ),
            }
        },
        "events": slides,
    }


def _how_many(shown, total, offset):
    """"3 events", "1-2 of 3 events", "None of 3 events" (Russian plurals: "3 события",
    "из 21 события")."""
    if total is None or shown == total:
        return ngettext("%(count)s event", "%(count)s events", shown) % {"count": shown}
    if not shown:
        return ngettext("None of %(total)s event", "None of %(total)s events", total) % {
            "total": total,
        }
    return ngettext(
        "%(first)s-%(last)s of %(total)s event", "%(first)s-%(last)s of %(total)s events", total
    ) % {"first": offset + 1, "last": offset + shown, "total": total}


def _cell(value):
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        # The apostrophe makes a spreadsheet show the text instead of evaluating it.
        return "'" + text
    return text


def event_row(request, event):
    start, end = event.start, event.end
    actors = [
        f"{participation.actor.name_with_naming} ({participation.role})"
        if participation.role
        else participation.actor.name_with_naming
        for participation in event.participation_list
    ]
    return [
        event.pk,
        event.slug,
        event.title,
        start.iso(),
        start.precision.label,
        "yes" if start.approximate else "no",
        end.iso() if end else "",
        end.precision.label if end else "",
        ("yes" if end.approximate else "no") if end else "",
        event.sort_as.isoformat() if event.is_placed_by_estimate else "",
        event.date_display,
        event.category.name,
        event.location,
        " | ".join(place.published_label for place in event.place_list),
        event.verification,
        event.verification_note,
        event.summary,
        "; ".join(actors),
        " ".join(
            dict.fromkeys(
                citation.source.url for citation in event.citation_list if citation.source.url
            )
        ),
        "; ".join(f"{source.title} ({source.credit})" for source in event.cited_sources()),
        # Each statement says its kind: a quote in quotation marks, reported speech as
        # "<speaker> said ...", never presented as the speaker's words.
        " | ".join(statement_text(statement) for statement in event.statement_list),
        absolute_url(event.get_absolute_url()),
        absolute_url(reverse("api-1:event_detail", args=[event.slug])),
    ]


def events_csv(request, events):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow([_cell(value) for value in event_row(request, event)])
    # The byte order mark tells spreadsheets (Excel above all) the file is UTF-8.
    response = HttpResponse(
        "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8; header=present"
    )
    response["Content-Disposition"] = 'attachment; filename="chechnya-2017-events.csv"'
    return response


GEOJSON_CONTENT_TYPE = "application/geo+json"


def place_feature(place, events_url):
    """One place as a GeoJSON Feature: a Point at its published precision, [longitude,
    latitude] in that order (RFC 7946, 3.1.1), never more precise than the place's radius."""
    latitude, longitude = place.published_coordinates
    return {
        "type": "Feature",
        "id": place.slug,
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": {
            "slug": place.slug,
            "name": place.name,
            "kind": place.kind,
            "radius_km": place.published_radius_km,
            "approximate": place.sensitive,
            "event_count": place.event_count,
            "url": absolute_url(place.get_absolute_url()),
            "events_url": events_url,
        },
    }


def places_geojson(request, places):
    """The places (with `event_count`) as a GeoJSON FeatureCollection; each feature links to
    the chronology filtered to it, with the request's other filters kept."""
    query = QueryDict(mutable=True)
    for name in EventFilterForm.base_fields:
        if name != "place" and request.GET.getlist(name):
            query.setlist(name, request.GET.getlist(name))
    chronology = absolute_url(reverse("events:event_list"))
    features = []
    for place in places:
        query.setlist("place", [place.slug])
        features.append(place_feature(place, f"{chronology}?{query.urlencode()}"))
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    response = HttpResponse(body, content_type=f"{GEOJSON_CONTENT_TYPE}; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="chechnya-2017-places.geojson"'
    return response
