import datetime

import pytest
from django.db import connection

from events.forms import ActorFilterForm, EventFilterForm, SourceFilterForm, StatementFilterForm
from tests.factories import (
    ActorFactory,
    CategoryFactory,
    EventActorFactory,
    MediaOutletFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
)

pytestmark = pytest.mark.django_db

# The record's order: the dated exposé, then "c. July 2017" (listed after July's dated
# events), then "2017" (after the year's dated events).
CHRONOLOGICAL = ["novaya-gazeta-reports", "kadyrov-denies-hbo", "condemnation-abroad"]


def slugs(response):
    return [item["slug"] for item in response.json()["items"]]


def test_list_serves_published_events_in_the_record_order(client, record):
    response = client.get("/api/v1/events")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert slugs(response) == CHRONOLOGICAL
    assert response.json()["count"] == 3


def test_event_serialises_partial_dates_links_actors_and_citations(client, record):
    items = {item["slug"]: item for item in client.get("/api/v1/events").json()["items"]}

    denial = items["kadyrov-denies-hbo"]
    assert denial["start"] == {
        "date": "2017-07", "precision": "month", "approximate": True, "display": "c. July 2017",
    }
    assert denial["end"] is None
    assert items["condemnation-abroad"]["start"]["date"] == "2017"
    exposé = items["novaya-gazeta-reports"]
    assert exposé["start"]["date"] == "2017-04-01"
    assert exposé["end"]["date"] == "2017-04-03"
    assert exposé["date_display"] == "1-3 April 2017"
    assert exposé["id"] == record.exposé_event.pk
    assert exposé["url"] == "http://testserver/events/novaya-gazeta-reports/"
    assert exposé["api_url"] == "http://testserver/api/v1/events/novaya-gazeta-reports"
    assert exposé["category"]["slug"] == "reporting"
    assert [(a["actor"]["slug"], a["role"]) for a in exposé["actors"]] == [
        ("novaya-gazeta", "reported"), ("anzor", "detained"),
    ]
    [citation] = exposé["citations"]
    assert citation["excerpt"] == "more than a hundred men"
    assert citation["excerpt_is_summary"] is False
    assert citation["source"]["article_url"] == "https://novayagazeta.example/expose"
    assert citation["source"]["publisher"]["slug"] == "novaya-gazeta"
    assert denial["verification"] == "disputed"
    assert denial["verification_note"].startswith("The date")


def test_detail_has_actors_statements_and_citations(client, record):
    response = client.get("/api/v1/events/kadyrov-denies-hbo")

    assert response.status_code == 200
    event = response.json()
    assert event["title"] == "Kadyrov denies on HBO"
    assert [a["actor"]["name"] for a in event["actors"]] == ["Ramzan Kadyrov"]
    [statement] = event["statements"]
    assert statement["quote"] == "We don't have any gays."
    assert statement["speaker"]["slug"] == "ramzan-kadyrov"
    assert statement["said_on"]["display"] == "July 2017"
    assert statement["citations"][0]["source"]["slug"] == "hbo-interview"
    assert event["citations"][0]["excerpt"] == "We don't have any gays."


@pytest.mark.parametrize("slug", ["draft-event", "no-such-event"])
def test_detail_of_a_draft_or_unknown_event_is_a_json_404(client, record, slug):
    response = client.get(f"/api/v1/events/{slug}")

    assert response.status_code == 404
    assert "No published event" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "no-such-category"}, "category"),
        ({"actor": "nobody"}, "actor"),
        ({"date_from": "2017-13"}, "date_from"),
        ({"date_from": "2017-07", "date_to": "2017-04"}, "date_to"),
        ({"source": "x" * 300}, "source"),
        ({"q": "x" * 201}, "q"),
        ({"verification": "rumoured"}, "verification"),
        ({"actor_kind": "alien"}, "actor_kind"),
        ({"ordering": "random"}, "ordering"),
    ],
)
def test_invalid_filters_are_a_422_naming_the_field(client, record, params, field):
    response = client.get("/api/v1/events", params)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert body["errors"][field]
    assert all(isinstance(message, str) and message for message in body["errors"][field])


def test_empty_filters_as_the_page_sends_them_are_accepted(client, record):
    params = {"q": "", "actor": "", "actor_kind": "", "source": "", "publisher": "",
              "date_from": "", "date_to": ""}

    assert client.get("/api/v1/events", params).json()["count"] == 3


def test_orderings(client, record):
    def ordered(ordering, **params):
        return slugs(client.get("/api/v1/events", {"ordering": ordering, **params}))

    chronological = CHRONOLOGICAL
    assert ordered("chronological") == chronological
    assert ordered("reverse-chronological") == chronological[::-1]
    assert ordered("title") == [
        "condemnation-abroad", "kadyrov-denies-hbo", "novaya-gazeta-reports",
    ]
    # Without a search there is no relevance: the record's order.
    assert ordered("relevance") == chronological


def test_relevance_ranks_title_matches_first_on_postgresql(client, record):
    results = slugs(client.get("/api/v1/events", {"q": "Kadyrov HBO", "ordering": "relevance"}))
    if connection.vendor == "postgresql":
        assert results[0] == "kadyrov-denies-hbo"
    else:
        assert results == slugs(client.get("/api/v1/events", {"q": "Kadyrov HBO"}))


def test_pagination_has_count_and_links(client, record):
    every_category = ["denials", "reporting", "international-response"]
    first = client.get("/api/v1/events", {"limit": 2, "category": every_category}).json()

    assert first["count"] == 3
    assert len(first["items"]) == 2
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/events?")
    second = client.get(first["next"]).json()
    assert [item["slug"] for item in second["items"]] == ["condemnation-abroad"]
    assert second["next"] is None
    assert "category=denials" in second["previous"]
    assert "offset=0" in second["previous"]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 201}, {"limit": -1}, {"offset": -1}, {"limit": "ten"},
     {"offset": 10**30}, {"limit": 10**30}],
)
def test_page_bounds_are_a_422(client, record, params):
    response = client.get("/api/v1/events", params)

    assert response.status_code == 422
    assert response.json()["errors"]


def test_largest_page_and_offset_past_the_end(client, record):
    assert len(client.get("/api/v1/events", {"limit": 200}).json()["items"]) == 3
    past = client.get("/api/v1/events", {"offset": 1000}).json()
    assert past["items"] == [] and past["count"] == 3 and past["next"] is None


def _more_events(count):
    category = CategoryFactory(name="Reporting", slug="reporting")
    for number in range(count):
        event = PublishedEventFactory(
            category=category, start_date=datetime.date(2017, 5, 1 + number % 28)
        )
        EventActorFactory(event=event, actor=ActorFactory())
        PublishedStatementFactory(event=event, speaker=ActorFactory())


@pytest.mark.parametrize("size", [2, 12])
def test_list_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    _more_events(size)
    # count, events, actors, citations, places: not the statements, which a listed event
    # does not show (the detail does)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/events", {"limit": 200})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 12])
def test_filtered_list_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    _more_events(size)
    # + the form's lookup of the category slug
    with django_assert_num_queries(6):
        response = client.get("/api/v1/events", {"category": "reporting", "q": "happened"})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [1, 8])
def test_detail_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    event = PublishedEventFactory(
        slug="the-event", citation__source__publisher=MediaOutletFactory()
    )
    for _ in range(size):
        EventActorFactory(event=event, actor=ActorFactory())
        PublishedStatementFactory(event=event, citation__source__publisher=MediaOutletFactory())
    # event, actors, statements, their citations (with sources and publishers), citations,
    # places
    with django_assert_num_queries(6):
        response = client.get("/api/v1/events/the-event")
    assert len(response.json()["statements"]) == size


def test_a_summarised_excerpt_is_marked_as_such(client, record):
    record.denial.citations.update(is_summary=True)

    event = client.get("/api/v1/events/kadyrov-denies-hbo").json()
    source = client.get("/api/v1/sources/hbo-interview").json()

    assert event["citations"][0]["excerpt_is_summary"] is True
    assert event["statements"][0]["citations"][0]["excerpt_is_summary"] is False
    assert [c["excerpt_is_summary"] for c in source["citations"]] == [True, False]


FORMS_OF_ENDPOINTS = {
    "/api/v1/events": EventFilterForm,
    "/api/v1/exports/events.csv": EventFilterForm,
    "/api/v1/exports/timelinejs": EventFilterForm,
    "/api/v1/statements": StatementFilterForm,
    "/api/v1/actors": ActorFilterForm,
    "/api/v1/sources": SourceFilterForm,
}
OWN_PARAMETERS = {"ordering", "limit", "offset", "lang"}  # the endpoints' own; lang: every one's


@pytest.mark.parametrize("path", FORMS_OF_ENDPOINTS)
def test_the_documented_filters_are_the_forms_fields(client, record, path):
    """The OpenAPI description of the filters is generated from the form: same names, help
    texts, choices and maximum lengths, and the documented bounds are the validated ones."""
    form_class = FORMS_OF_ENDPOINTS[path]
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"][path]["get"]["parameters"]
        if parameter["name"] not in OWN_PARAMETERS
    }
    assert list(parameters) == list(form_class.base_fields)
    for name, field in form_class.base_fields.items():
        parameter = parameters[name]
        assert field.help_text and str(field.help_text) in parameter["description"], name
        value_schema = parameter["schema"].get("items", parameter["schema"])
        if hasattr(field, "choices") and not hasattr(field, "queryset"):
            assert value_schema["enum"] == [str(value) for value, _ in field.choices], name
            for value in value_schema["enum"]:
                assert client.get(path, {name: value}).status_code == 200, (name, value)
            refused = client.get(path, {name: "not-a-choice"})
            assert refused.status_code == 422 and name in refused.json()["errors"], name
        if "maxLength" in value_schema:
            longest = "x" * value_schema["maxLength"]
            too_long = client.get(path, {name: longest + "x"})
            assert too_long.status_code == 422 and name in too_long.json()["errors"], name
        if getattr(field, "max_length", None):
            assert value_schema["maxLength"] == field.max_length, name


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/statements", "/api/v1/actors"])
def test_a_search_of_the_longest_documented_length_is_accepted(client, record, path):
    schema = client.get("/api/v1/openapi.json").json()
    [q] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "q"]
    assert client.get(path, {"q": "x" * q["schema"]["maxLength"]}).status_code == 200
