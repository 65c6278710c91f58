"""The Atom feed, and the schema.org JSON-LD embedded in event pages."""

import datetime
import json
import re

import feedparser
import pytest

from tests import test_api_events
from tests.factories import PublishedEventFactory, PublishedStatementFactory
from tests.test_api_events import DRAFT_QUOTE, DRAFT_TITLE

pytestmark = pytest.mark.django_db

# The API tests share test_api_events' record and its throttle reset.
record = test_api_events.record
fresh_throttle = test_api_events.fresh_throttle


def parse_feed(response):
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_atom_feed_is_valid_and_newest_first(client, record):
    response = client.get("/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_feed(response)
    assert feed.version == "atom10"
    assert feed.feed.title == "Chechnya 2017: a documented chronology"
    assert feed.feed.id == "http://testserver/feed/"
    assert feed.feed.updated
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/feed/"]
    assert [entry.link for entry in feed.entries] == [
        "http://testserver/events/kadyrov-denies-hbo/",
        "http://testserver/events/novaya-gazeta-reports/",
        "http://testserver/events/condemnation-abroad/",
    ]
    entry = feed.entries[1]
    assert entry.id == "http://testserver/events/novaya-gazeta-reports/"
    assert entry.title == "1-3 April 2017: Novaya Gazeta reports the detentions"
    assert feed.feed.author == "Chechnya 2017: a documented chronology"  # every entry's
    assert entry.updated and entry.published
    assert "more than a hundred men" in entry.summary
    assert "https://novayagazeta.example/expose" in entry.summary
    assert entry.tags[0].term == "Reporting"
    assert DRAFT_TITLE not in response.content.decode()


def test_atom_feed_honours_the_filters(client, record):
    feed = parse_feed(client.get("/feed/", {"category": "denials"}))

    assert [entry.link for entry in feed.entries] == ["http://testserver/events/kadyrov-denies-hbo/"]
    assert feed.feed.id == "http://testserver/feed/?category=denials"


def test_atom_feed_survives_markup_and_control_of_text(client, record):
    PublishedEventFactory(
        title="Title with <tags> & “quotes”", summary="A ]]> B <script>x</script>",
        start_date=datetime.date(2017, 8, 1),
    )
    feed = parse_feed(client.get("/feed/"))

    assert feed.entries[0].title.endswith("Title with <tags> & “quotes”")


@pytest.mark.parametrize("size", [2, 10])
def test_feed_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    for number in range(size):
        event = PublishedEventFactory(start_date=datetime.date(2017, 4, 1 + number))
        PublishedStatementFactory(event=event)
    # events, actors, statements, their citations, citations
    with django_assert_num_queries(5):
        response = client.get("/feed/")
    assert len(parse_feed(response).entries) == size


# JSON-LD

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
    assert data["location"] == {"@type": "Place", "name": "Argun, Chechnya"}
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
    assert "location" not in data
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
