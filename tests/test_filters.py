"""Each filter's meaning, checked on every surface at once: the page, the API's events, the
Atom feed and the CSV export all go through EventFilterForm and EventQuerySet.filter_by, so one
table of filters and the events they select holds for all four. Bad input: one message,
the form's, everywhere."""

import csv
import datetime
import io
import re
from urllib.parse import urlencode

import feedparser
import pytest
from django.http import QueryDict

from events.forms import ClaimFilterForm, EventFilterForm, SourceFilterForm, form_errors
from events.partial_dates import PartialDate
from tests.factories import (
    DRAFT_TITLE,
    ActorFactory,
    CategoryFactory,
    EventActorFactory,
    PublishedEventFactory,
    SourceArticleFactory,
)

pytestmark = pytest.mark.django_db

CONDEMNATION, EXPOSÉ, DENIAL = "condemnation-abroad", "novaya-gazeta-reports", "kadyrov-denies-hbo"


def page_slugs(client, params):
    response = client.get("/", params)
    return response, [event.slug for event in response.context["page_obj"].object_list]


def api_slugs(client, params):
    response = client.get("/api/v1/events", params)
    return response, [item["slug"] for item in response.json()["items"]]


def feed_slugs(client, params):
    response = client.get("/feed/", params)
    entries = feedparser.parse(response.content).entries
    # Newest first, as feed readers expect: read back in the record's order.
    return response, [entry.link.rstrip("/").rsplit("/", 1)[1] for entry in entries][::-1]


def csv_slugs(client, params):
    response = client.get("/api/v1/exports/events.csv", params)
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return response, [row["slug"] for row in rows]


SURFACES = {"page": page_slugs, "api": api_slugs, "feed": feed_slugs, "csv": csv_slugs}

# The shared record (tests/conftest.py): three published events, in the record's order:
#   condemnation-abroad    2017 (year), International response, reported, the government;
#                          place London
#   novaya-gazeta-reports  1-3 April 2017, Reporting, corroborated, Argun; Novaya Gazeta (media)
#                          and Anzor (protected; his testimony, "They beat us with pipes.");
#                          place Argun (sensitive)
#   kadyrov-denies-hbo     c. July 2017, Denials, disputed; Ramzan Kadyrov ("Ramazan"), who
#                          says "We don't have any gays." in it; place Grozny
# and a draft (Denials, 5 May 2017, hbo-interview, a draft-only actor, Grozny and a draft-only
# place) that nothing may match.
FILTERS = [
    ({}, [EXPOSÉ, DENIAL, CONDEMNATION]),
    ({"category": "denials"}, [DENIAL]),
    ({"category": ["denials", "reporting"]}, [EXPOSÉ, DENIAL]),
    ({"actor": "ramzan-kadyrov"}, [DENIAL]),
    ({"actor": "anzor"}, [EXPOSÉ]),
    ({"actor": "chechen-government"}, [CONDEMNATION]),
    ({"actor_kind": "media"}, [EXPOSÉ]),
    ({"actor_kind": "government"}, [CONDEMNATION]),
    ({"actor_kind": "group"}, []),
    ({"source": "novaya-expose"}, [EXPOSÉ, CONDEMNATION]),
    ({"source": "hbo-interview"}, [DENIAL]),  # the draft cites it too
    ({"publisher": "novaya-gazeta"}, [EXPOSÉ, CONDEMNATION]),
    ({"date_from": "2017-04"}, [EXPOSÉ, DENIAL]),
    ({"date_from": "April 2017"}, [EXPOSÉ, DENIAL]),
    ({"date_to": "2017-04"}, [EXPOSÉ, CONDEMNATION]),  # to the month's last day
    ({"date_from": "2017-04-02", "date_to": "2017-07"}, [DENIAL]),
    ({"date_from": "2017-05-05", "date_to": "2017-05-05"}, []),  # only the draft's day
    ({"verification": "disputed"}, [DENIAL]),
    ({"verification": ["reported", "corroborated"]}, [EXPOSÉ, CONDEMNATION]),
    ({"place": "argun"}, [EXPOSÉ]),
    ({"place": "grozny"}, [DENIAL]),  # the draft is in Grozny too
    ({"place": "london"}, [CONDEMNATION]),
    ({"q": "HBO"}, [DENIAL]),
    ({"q": "detained Argun"}, [EXPOSÉ]),  # every word, summary and place
    ({"q": "gays"}, [DENIAL]),  # in a public quote only
    ({"q": "pipes"}, [EXPOSÉ]),  # a protected person's public quote
    ({"q": "Anzor"}, [EXPOSÉ]),  # an actor's pseudonym
    ({"q": "Ramazan"}, [DENIAL]),  # another spelling of a name
    ({"q": "Unconfirmed"}, []),  # the draft's title
    ({"q": "verified"}, []),  # the draft statement's quote
    # combined
    ({"category": "denials", "actor_kind": "person", "q": "Kadyrov"}, [DENIAL]),
    ({"category": "reporting", "verification": "corroborated", "actor": "anzor"}, [EXPOSÉ]),
    ({"publisher": "novaya-gazeta", "date_from": "2017-03"}, [EXPOSÉ]),
    ({"category": "denials", "actor": "anzor"}, []),
    ({"place": "grozny", "category": "denials"}, [DENIAL]),
    ({"place": "london", "date_from": "2017-04"}, []),
    # empty values, as the page's form sends them, filter nothing
    ({"q": "", "actor": "", "actor_kind": "", "source": "", "publisher": "", "date_from": "",
      "date_to": "", "place": ""}, [EXPOSÉ, DENIAL, CONDEMNATION]),
]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_each_filter_means_the_same_on_every_surface(client, record, surface, params, expected):
    response, slugs = SURFACES[surface](client, params)

    assert response.status_code == 200
    assert slugs == expected
    assert DRAFT_TITLE not in response.content.decode()


BAD_INPUT = [
    {"q": "x" * 201},
    {"category": "no-such-category"},
    {"actor": "nobody"},
    {"actor": "draft-only-person"},  # named only by a draft: unknown to readers
    {"actor_kind": "alien"},
    {"source": "x" * 300},
    {"publisher": "nope"},
    {"date_from": "2017-13"},
    {"date_to": "2017-02-30"},
    {"date_from": "2017-07", "date_to": "2017-04"},
    {"verification": "rumoured"},
    {"place": "atlantis"},
    {"place": "draft-only-place"},  # named only by a draft: unknown to readers
]


def expected_errors(form_class, params):
    form = form_class(QueryDict(urlencode(params, doseq=True)))
    assert not form.is_valid()
    return form_errors(form)


@pytest.mark.parametrize("params", BAD_INPUT)
def test_one_bad_input_gets_the_forms_message_everywhere(client, record, params):
    errors = expected_errors(EventFilterForm, params)
    [(field, [message])] = errors.items()

    page = client.get("/", params)
    assert page.status_code == 400
    assert page.context["form"].errors[field] == [message]
    assert f"{page.context['form'][field].label}: {message}" in page.content.decode()
    for url in ("/api/v1/events", "/api/v1/exports/events.csv", "/api/v1/exports/timelinejs",
                "/api/v1/places", "/api/v1/exports/places.geojson"):
        api = client.get(url, params)
        assert api.status_code == 422, url
        assert api.json()["errors"] == errors, url
    feed = client.get("/feed/", params)
    assert feed.status_code == 400
    assert feed.content.decode() == f"Invalid filters.\n{field}: {message}\n"


def test_a_search_one_character_too_long_is_refused_with_one_message(client, record):
    message = "Ensure this value has at most 200 characters (it has 201)."

    assert client.get("/api/v1/events", {"q": "x" * 200}).status_code == 200
    assert client.get("/api/v1/events", {"q": "x" * 201}).json()["errors"] == {"q": [message]}
    assert message in client.get("/", {"q": "x" * 201}).content.decode()
    assert client.get("/api/v1/statements", {"q": "x" * 201}).json()["errors"] == {
        "q": [message]
    }
    assert client.get("/api/v1/actors", {"q": "x" * 201}).json()["errors"] == {"q": [message]}


def test_every_list_refuses_an_unknown_publisher_as_the_events_do(client, record):
    errors = expected_errors(SourceFilterForm, {"publisher": "nope"})

    sources = client.get("/api/v1/sources", {"publisher": "nope"})
    events = client.get("/api/v1/events", {"publisher": "nope"})

    assert sources.status_code == events.status_code == 422
    assert sources.json()["errors"] == events.json()["errors"] == errors


# The record's order, the same on every surface


def timelinejs_slugs(client, params):
    response = client.get("/api/v1/exports/timelinejs", params)
    return response, [slide["unique_id"] for slide in response.json()["events"]]


def reverse_api_slugs(client, params):
    response, slugs = api_slugs(client, {**params, "ordering": "reverse-chronological"})
    return response, slugs[::-1]


def listing_page_slugs(url):
    def slugs(client, params):
        response = client.get(url, params)
        return response, [event.slug for event in response.context["page_obj"].object_list]
    return slugs


def api_actor_slugs(client, params):
    response = client.get("/api/v1/actors/kremlin", params)
    return response, [event["slug"] for event in response.json()["events"]]


def api_source_slugs(client, params):
    response = client.get("/api/v1/sources/april-wire", params)
    return response, [citation["event"]["slug"] for citation in response.json()["citations"]]


ORDERED_SURFACES = {
    **SURFACES,
    "api, reverse-chronological": reverse_api_slugs,
    "timelinejs": timelinejs_slugs,
    "actor page": listing_page_slugs("/actors/kremlin/"),
    "category page": listing_page_slugs("/categories/april/"),
    "source page": listing_page_slugs("/sources/april-wire/"),
    "api actor": api_actor_slugs,
    "api source": api_source_slugs,
}


@pytest.fixture
def april():
    """April 2017 as the record tells it: dated days, a curator's estimate, an unknown day,
    and two events of one day whose titles sort against the order they happened in."""
    category = CategoryFactory(name="April", slug="april")
    kremlin = ActorFactory(name="Kremlin", slug="kremlin", kind="government")
    wire = SourceArticleFactory(slug="april-wire")
    events = [
        ("unknown-day", "2017-04", None),  # listed after April's dated events
        ("nineteenth", "2017-04-19", None),
        ("a-nineteenth-evening", "2017-04-19", None),  # after the morning's, by day_order
        ("estimated-tenth", "c. 2017-04", datetime.date(2017, 4, 10)),
        ("may-day", "2017-05-01", None),
        ("third", "2017-04-03", None),
        ("march-unknown-day", "2017-03", None),  # after March, before 3 April
    ]
    for slug, date, sort_as in events:
        event = PublishedEventFactory(slug=slug, title=slug, start=PartialDate.parse(date),
                                      sort_as=sort_as, category=category, citation__source=wire,
                                      day_order=1 if slug.endswith("evening") else 0)
        EventActorFactory(event=event, actor=kremlin)
    return ["march-unknown-day", "third", "estimated-tenth", "nineteenth",
            "a-nineteenth-evening", "unknown-day", "may-day"]


@pytest.mark.parametrize("surface", ORDERED_SURFACES)
def test_every_surface_lists_in_the_record_order(client, april, surface):
    response, slugs = ORDERED_SURFACES[surface](client, {})

    assert response.status_code == 200
    assert slugs == april


def test_the_page_heads_an_unknown_day_and_shows_an_estimate_with_c(client, april):
    page = client.get("/").content.decode()
    headings = re.findall(r'<h2 class="month-heading"[^>]*>([^<]+)</h2>', page)

    assert headings == ["March 2017, day not known", "April 2017", "April 2017, day not known",
                        "May 2017"]
    assert ">c. 10 April 2017</time>" in page
    estimated = client.get("/api/v1/events/estimated-tenth").json()
    assert (estimated["start"]["display"], estimated["date_display"]) == (
        "c. April 2017", "c. 10 April 2017",
    )
    assert (estimated["sort_as"], estimated["sort_date"]) == ("2017-04-10", "2017-04-10")
    unknown = client.get("/api/v1/events/unknown-day").json()
    assert (unknown["sort_as"], unknown["sort_date"]) == (None, "2017-04-30")


# The claims' filters (figures in dispute: the API only, ClaimFilterForm and
# ClaimQuerySet.filter_by), on the shared record's claims (tests/conftest.py `claims`): a
# dispute on the exposé, a development on the exposé and the HBO denial, and a draft claim and
# a claim of the draft event that no filter may reach.
CLAIM_FILTERS = [
    ({}, ["men-detained", "secret-prisons"]),
    ({"event": "kadyrov-denies-hbo"}, ["secret-prisons"]),
    ({"event": "novaya-gazeta-reports"}, ["men-detained", "secret-prisons"]),
    ({"source": "hbo-interview"}, ["men-detained", "secret-prisons"]),
    ({"headline": "true"}, ["men-detained", "secret-prisons"]),
    ({"headline": "false"}, []),
    ({"q": "prisons"}, ["secret-prisons"]),
    ({"q": "dozen"}, ["men-detained"]),  # words of a value
    ({"q": "unchecked"}, []),  # the draft claim's value
    ({"q": "", "event": "", "source": "", "headline": ""}, ["men-detained", "secret-prisons"]),
]


@pytest.mark.parametrize(("params", "expected"), CLAIM_FILTERS)
def test_each_claim_filter(client, claims, params, expected):
    response = client.get("/api/v1/claims", params)

    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["items"]] == expected


@pytest.mark.parametrize("params", [
    {"event": "draft-event"}, {"event": "nope"}, {"source": "x" * 300},
    {"headline": "maybe"}, {"q": "x" * 201},
])
def test_a_bad_claim_filter_gets_the_forms_message(client, claims, params):
    errors = expected_errors(ClaimFilterForm, params)

    response = client.get("/api/v1/claims", params)

    assert response.status_code == 422
    assert response.json()["errors"] == errors


