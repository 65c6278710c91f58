"""schema.org JSON-LD for event pages: `{% event_jsonld event %}` in templates/events/_jsonld.html.

Written in Python and serialised with json.dumps, then <, > and & escaped as \\u003c, \\u003e
and \\u0026: still the same JSON to a parser, but no text (a quote, a title) can close the
<script> element or open a comment in it.
"""

import json

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from events.exports import quote_language_of, statement_text
from events.languages import DEFAULT
from events.links import absolute_url

register = template.Library()

ACTOR_TYPES = {
    "person": "Person",
    "media": "NewsMediaOrganization",
    "government": "GovernmentOrganization",
}
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_safe_json(data):
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE))  # noqa: S308


def _actor(actor, absolute):
    # A protected identity is named by its pseudonym and nothing else: no page, no link.
    data = {"@type": ACTOR_TYPES.get(actor.kind, "Organization"), "name": actor.name}
    if not actor.protected_identity:
        data["url"] = absolute(actor.get_absolute_url())
    return data


def _article(source, absolute):
    data = {"@type": "NewsArticle", "headline": source.title, "url": source.url or None,
            # The article's own language, which is not always the page's.
            "inLanguage": source.language or None}
    if source.published:
        data["datePublished"] = source.published.iso()
    if source.author:
        data["author"] = {"@type": "Person", "name": source.author}
    if source.publisher_id:
        data["publisher"] = {"@type": "NewsMediaOrganization", "name": source.publisher.name}
    data["mainEntityOfPage"] = absolute(source.get_absolute_url())
    return {key: value for key, value in data.items() if value is not None}


def claim_data(claim, absolute):
    """A claim as schema.org Claims, one per source: what that source says, where it
    appeared, and, for a later report, the earlier one it updates."""
    return [
        {
            "@type": "Claim",
            "name": claim.question,
            "text": value.value,
            "appearance": _article(value.source, absolute),
            **({"dateCreated": value.date.iso()} if value.date else {}),
            **({"description": f"Superseded by a later report: {later.value}"} if later else {}),
        }
        for value, later in claim.value_rows()
    ]


def _statement_text(statement):
    """A quote in the source's words and language; reported speech in our words, in the
    page's language where we have written it there (else our English)."""
    if not statement.is_reported:
        language = quote_language_of(statement)
        return {"text": statement.quote, **({"inLanguage": language} if language else {})}
    language = get_language() or DEFAULT
    written = language == DEFAULT or getattr(statement, f"rendering_{language}", "")
    return {"text": statement_text(statement), "inLanguage": language if written else DEFAULT}


def event_data(event, absolute, claim_items=()):
    """The schema.org Event for a published event, its quotes as Quotations and its reported
    speech as Statements; `claim_items` are its claims' (claim_data), drawn with the claims'
    table (views._event_claims)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": absolute(event.get_absolute_url()),
        "url": absolute(event.get_absolute_url()),
        # The language of this description (the page's); quotes keep their own, below.
        "inLanguage": get_language() or DEFAULT,
        "name": event.title,
        "description": event.summary,
        "startDate": event.start.iso(),
        "about": event.category.name,
        "recordedIn": [_article(citation.source, absolute) for citation in event.citation_list],
        "subjectOf": [
            {
                # Reported speech is the curators' account, not the speaker's words: never a
                # schema.org Quotation.
                "@type": "Statement" if statement.is_reported else "Quotation",
                **_statement_text(statement),
                "creator": _actor(statement.speaker, absolute),
                "dateCreated": statement.said_on.iso(),
                "citation": [
                    _article(citation.source, absolute)
                    for citation in statement.citation_list
                ],
            }
            for statement in event.statement_list
        ] + list(claim_items),
        "actor": [
            _actor(participation.actor, absolute) for participation in event.participation_list
        ],
    }
    if event.end:
        data["endDate"] = event.end.iso()
    places = event.place_list
    if places:
        data["location"] = [_place(place, absolute) for place in places]
    elif event.location:
        data["location"] = {"@type": "Place", "name": event.location}
    return data


def _place(place, absolute):
    """A place at its published precision: a circle of its radius around the rounded point,
    so that an approximate (sensitive) place is never read as an exact one."""
    latitude, longitude = place.published_coordinates
    return {
        "@type": "Place",
        "name": place.name,
        "url": absolute(place.get_absolute_url()),
        "geo": {
            "@type": "GeoCircle",
            "geoMidpoint": {"@type": "GeoCoordinates", "latitude": latitude,
                            "longitude": longitude},
            "geoRadius": place.published_radius_km * 1000,
        },
    }


@register.simple_tag(takes_context=True)
def event_jsonld(context, event, claim_items=()):
    request = context.get("request")
    if event is None or request is None or not event.is_published:
        return ""
    return script_safe_json(event_data(event, absolute_url, claim_items))
