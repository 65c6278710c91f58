"""The schema.org JSON-LD embedded in event pages (events/templatetags/jsonld.py)."""

import json
import re

import pytest

from tests.factories import (
    DRAFT_QUOTE,
    PublishedEventFactory,
    PublishedStatementFactory,
)

pytestmark = pytest.mark.django_db

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def page_jsonld(client, slug):
    response = client.get(f"/events/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    [block] = JSONLD.findall(html)
    return json.loads(block), html


def test_event_page_embeds_schema_org_jsonld(client, record):
    data, _ = page_jsonld(client, "novaya-gazeta-reports")

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Novaya Gazeta reports the detentions"
    assert data["url"] == "http://testserver/events/novaya-gazeta-reports/"
    assert data["startDate"] == "2017-04-01"
    assert data["endDate"] == "2017-04-03"
    # Its place, approximate on purpose (a sensitive town): a circle, never a bare point.
    assert [(place["name"], place["geo"]["@type"]) for place in data["location"]] == [
        ("Argun", "GeoCircle")
    ]
    [article] = data["recordedIn"]
    assert article["@type"] == "NewsArticle"
    assert article["url"] == "https://novayagazeta.example/expose"
    assert article["publisher"]["name"] == "Novaya Gazeta"
    [quotation] = data["subjectOf"]
    assert quotation["@type"] == "Quotation"
    assert quotation["text"] == "They beat us with pipes."
    assert quotation["creator"] == {"@type": "Person", "name": "Anzor"}  # a pseudonym, no link
    assert quotation["citation"][0]["headline"] == "Honour killing"


def test_jsonld_partial_dates_and_no_drafts(client, record):
    data, html = page_jsonld(client, "kadyrov-denies-hbo")

    assert data["startDate"] == "2017-07"
    assert [place["name"] for place in data["location"]] == ["Grozny"]  # not the draft's place
    assert [q["text"] for q in data["subjectOf"]] == ["We don't have any gays."]
    assert data["subjectOf"][0]["creator"]["url"] == "http://testserver/actors/ramzan-kadyrov/"
    assert DRAFT_QUOTE not in html


def test_jsonld_cannot_close_its_script_element(client, record):
    hostile = "</script><script>alert('x')</script><!-- & -->"
    event = PublishedEventFactory(title=hostile, summary=hostile, location=hostile)
    PublishedStatementFactory(event=event, quote=hostile)

    data, html = page_jsonld(client, event.slug)

    assert data["name"] == hostile
    assert data["subjectOf"][0]["text"] == hostile
    [block] = JSONLD.findall(html)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\\u003c/script\\u003e" in block


def test_an_event_without_places_gives_its_location_as_text(client):
    PublishedEventFactory(slug="unplaced", location="Somewhere, Chechnya")

    data, _ = page_jsonld(client, "unplaced")

    assert data["location"] == {"@type": "Place", "name": "Somewhere, Chechnya"}
