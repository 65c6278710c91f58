"""Each filter's meaning, checked on every surface at once: the page, the API's events, the
Atom feed and the CSV export all go through EventFilterForm and EventQuerySet.filter_by, so one
table of filters and the events they select holds for all four. Bad input: one message,
the form's, everywhere."""

import csv
import io
from urllib.parse import urlencode

import feedparser
import pytest
from django.http import QueryDict

from events.forms import EventFilterForm, SourceFilterForm, form_errors
from tests.factories import DRAFT_TITLE

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
#   condemnation-abroad    2017 (year), International response, reported, the government
#   novaya-gazeta-reports  1-3 April 2017, Reporting, corroborated, Argun; Novaya Gazeta (media)
#                          and Anzor (protected; his testimony, "They beat us with pipes.")
#   kadyrov-denies-hbo     c. July 2017, Denials, disputed; Ramzan Kadyrov ("Ramazan"), who
#                          says "We don't have any gays." in it
# and a draft (Denials, 5 May 2017, hbo-interview, a draft-only actor) that nothing may match.
FILTERS = [
    ({}, [CONDEMNATION, EXPOSÉ, DENIAL]),
    ({"category": "denials"}, [DENIAL]),
    ({"category": ["denials", "reporting"]}, [EXPOSÉ, DENIAL]),
    ({"actor": "ramzan-kadyrov"}, [DENIAL]),
    ({"actor": "anzor"}, [EXPOSÉ]),
    ({"actor": "chechen-government"}, [CONDEMNATION]),
    ({"actor_kind": "media"}, [EXPOSÉ]),
    ({"actor_kind": "government"}, [CONDEMNATION]),
    ({"actor_kind": "group"}, []),
    ({"source": "novaya-expose"}, [CONDEMNATION, EXPOSÉ]),
    ({"source": "hbo-interview"}, [DENIAL]),  # the draft cites it too
    ({"publisher": "novaya-gazeta"}, [CONDEMNATION, EXPOSÉ]),
    ({"date_from": "2017-04"}, [EXPOSÉ, DENIAL]),
    ({"date_from": "April 2017"}, [EXPOSÉ, DENIAL]),
    ({"date_to": "2017-04"}, [CONDEMNATION, EXPOSÉ]),  # to the month's last day
    ({"date_from": "2017-04-02", "date_to": "2017-07"}, [DENIAL]),
    ({"date_from": "2017-05-05", "date_to": "2017-05-05"}, []),  # only the draft's day
    ({"verification": "disputed"}, [DENIAL]),
    ({"verification": ["reported", "corroborated"]}, [CONDEMNATION, EXPOSÉ]),
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
    # empty values, as the page's form sends them, filter nothing
    ({"q": "", "actor": "", "actor_kind": "", "source": "", "publisher": "", "date_from": "",
      "date_to": ""}, [CONDEMNATION, EXPOSÉ, DENIAL]),
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
    for url in ("/api/v1/events", "/api/v1/exports/events.csv", "/api/v1/exports/timelinejs"):
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
