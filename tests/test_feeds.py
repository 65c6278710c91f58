"""The Atom feed (events/feeds.py)."""

import datetime

import feedparser
import pytest

from tests.factories import (
    DRAFT_TITLE,
    PublishedEventFactory,
    PublishedStatementFactory,
)

pytestmark = pytest.mark.django_db


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
        # The record's order reversed: "2017" comes after the year's dated events.
        "http://testserver/events/condemnation-abroad/",
        "http://testserver/events/kadyrov-denies-hbo/",
        "http://testserver/events/novaya-gazeta-reports/",
    ]
    entry = feed.entries[2]
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
        start_date=datetime.date(2018, 1, 1),
    )
    feed = parse_feed(client.get("/feed/"))

    assert feed.entries[0].title.endswith("Title with <tags> & “quotes”")


@pytest.mark.parametrize("size", [2, 10])
def test_feed_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    for number in range(size):
        event = PublishedEventFactory(start_date=datetime.date(2017, 4, 1 + number))
        PublishedStatementFactory(event=event)
    # events, actors, statements, their citations, citations, places
    with django_assert_num_queries(6):
        response = client.get("/feed/")
    assert len(parse_feed(response).entries) == size


def test_atom_feed_carries_the_verification_state(client, record):
    entries = {entry.link.rsplit("/", 2)[-2]: entry
               for entry in parse_feed(client.get("/feed/")).entries}
    disputed = entries["kadyrov-denies-hbo"]
    assert disputed.title == "c. July 2017: Kadyrov denies on HBO (disputed)"
    assert "<strong>Disputed</strong>: The date of the interview" in disputed.summary
    assert [tag.term for tag in disputed.tags] == ["Denials", "Disputed"]
    corroborated = entries["novaya-gazeta-reports"]
    assert "(disputed)" not in corroborated.title
    assert "<strong>Corroborated</strong>: independent sources agree." in corroborated.summary
    assert [tag.term for tag in corroborated.tags] == ["Reporting", "Corroborated"]
