import datetime

import pytest

from events.models import Actor
from tests.factories import (
    DRAFT_ONLY_ACTOR,
    DRAFT_QUOTE,
    ActorFactory,
    CategoryFactory,
    EventActorFactory,
    MediaOutletFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    return [item["slug"] for item in response.json()["items"]]


# Actors


def test_actors_are_those_the_public_record_names(client, record):
    response = client.get("/api/v1/actors")

    assert response.status_code == 200
    assert slugs(response) == [
        "anzor", "chechen-government", "novaya-gazeta", "ramzan-kadyrov",
    ]
    assert DRAFT_ONLY_ACTOR not in response.content.decode()


def test_actors_filter_by_kind_and_search(client, record):
    assert slugs(client.get("/api/v1/actors", {"kind": "media"})) == ["novaya-gazeta"]
    assert slugs(client.get("/api/v1/actors", {"q": "ramazan"})) == ["ramzan-kadyrov"]
    assert slugs(client.get("/api/v1/actors", {"q": "kadyrov ramzan"})) == ["ramzan-kadyrov"]
    assert client.get("/api/v1/actors", {"kind": "alien"}).status_code == 422


def test_actor_fields(client, record):
    kadyrov = client.get("/api/v1/actors/ramzan-kadyrov").json()

    assert kadyrov["aliases"] == ["Ramazan Kadyrov"]
    assert kadyrov["description"] == "Head of the Chechen Republic."
    assert kadyrov["website"] == "https://example.org/kadyrov"
    assert kadyrov["affiliation"]["slug"] == "chechen-government"
    assert kadyrov["url"] == "http://testserver/actors/ramzan-kadyrov/"
    assert kadyrov["api_url"] == "http://testserver/api/v1/actors/ramzan-kadyrov"


def test_actor_detail_has_their_public_statements_and_events(client, record):
    kadyrov = client.get("/api/v1/actors/ramzan-kadyrov").json()

    assert [s["quote"] for s in kadyrov["statements"]] == ["We don't have any gays."]
    roles = [(e["slug"], e["role"]) for e in kadyrov["events"]]
    assert roles == [("kadyrov-denies-hbo", "denied")]
    assert DRAFT_QUOTE not in str(kadyrov)


def test_actor_events_include_those_they_only_spoke_in(client, record):
    PublishedStatementFactory(speaker=record.novaya, event=record.denial, quote="We stand by it.")

    novaya = client.get("/api/v1/actors/novaya-gazeta").json()

    assert [(e["slug"], e["role"]) for e in novaya["events"]] == [
        ("novaya-gazeta-reports", "reported"), ("kadyrov-denies-hbo", None),
    ]


def test_protected_identity_is_served_by_pseudonym_and_slug_only(client, record):
    anzor = client.get("/api/v1/actors/anzor").json()

    assert anzor["name"] == "Anzor"
    assert anzor["protected_identity"] is True
    assert anzor["naming"] == "first_name"
    assert anzor["naming_display"] == "first name only, as the AP printed it"
    assert anzor["aliases"] == []
    assert anzor["description"] == ""
    assert anzor["website"] is None
    assert anzor["affiliation"] is None
    assert [s["quote"] for s in anzor["statements"]] == ["They beat us with pipes."]


def test_actor_named_only_in_a_draft_is_a_404(client, record):
    response = client.get("/api/v1/actors/draft-only-person")

    assert response.status_code == 404
    assert DRAFT_ONLY_ACTOR not in response.content.decode()


@pytest.mark.parametrize("size", [1, 8])
def test_actor_detail_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    actor = ActorFactory(slug="speaker")
    for _ in range(size):
        event = PublishedEventFactory()
        EventActorFactory(event=event, actor=actor)
        PublishedStatementFactory(
            speaker=actor, event=event, citation__source__publisher=MediaOutletFactory()
        )
    # actor, statements, their citations, events, roles
    with django_assert_num_queries(5):
        response = client.get("/api/v1/actors/speaker")
    assert len(response.json()["events"]) == size


@pytest.mark.parametrize("size", [1, 8])
def test_actor_list_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    government = ActorFactory(kind=Actor.Kind.GOVERNMENT)
    for _ in range(size):
        member = ActorFactory(affiliation=government)
        EventActorFactory(event=PublishedEventFactory(), actor=member)
    # count, actors with affiliations
    with django_assert_num_queries(2):
        response = client.get("/api/v1/actors")
    assert response.json()["count"] == size + 1


# Statements


def test_statements_are_the_public_ones(client, record):
    response = client.get("/api/v1/statements")

    quotes = [item["quote"] for item in response.json()["items"]]
    assert quotes == ["They beat us with pipes.", "We don't have any gays."]
    assert DRAFT_QUOTE not in response.content.decode()
    assert "Words in a draft event" not in response.content.decode()
    first = response.json()["items"][0]
    assert first["speaker"]["name"] == "Anzor"
    assert first["said_on"] == {
        "date": "2017-04-02", "precision": "day", "approximate": False, "display": "2 April 2017",
    }
    assert first["event"]["slug"] == "novaya-gazeta-reports"
    assert first["url"] == "http://testserver/events/novaya-gazeta-reports/"
    assert first["citations"][0]["source"]["slug"] == "novaya-expose"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"speaker": "ramzan-kadyrov"}, ["We don't have any gays."]),
        ({"event": "novaya-gazeta-reports"}, ["They beat us with pipes."]),
        ({"date_from": "2017-05"}, ["We don't have any gays."]),
        ({"date_to": "2017-04"}, ["They beat us with pipes."]),
        ({"date_from": "2017-07", "date_to": "2017-07-01"}, ["We don't have any gays."]),
        ({"q": "PIPES beat"}, ["They beat us with pipes."]),
    ],
)
def test_statement_filters(client, record, params, expected):
    response = client.get("/api/v1/statements", params)

    assert [item["quote"] for item in response.json()["items"]] == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"speaker": "draft-only-person"}, "speaker"),
        ({"event": "draft-event"}, "event"),
        ({"date_from": "someday"}, "date_from"),
        ({"date_from": "2017-05", "date_to": "2017-04"}, "date_to"),
    ],
)
def test_statement_filter_errors(client, record, params, field):
    response = client.get("/api/v1/statements", params)

    assert response.status_code == 422
    assert response.json()["errors"][field]


def test_statement_detail(client, record):
    response = client.get(f"/api/v1/statements/{record.interview.pk}")

    assert response.status_code == 200
    assert response.json()["api_url"] == f"http://testserver/api/v1/statements/{record.interview.pk}"
    for bad in ("0", "999999", str(2**70), "abc"):
        assert client.get(f"/api/v1/statements/{bad}").status_code in (404, 422)


# Sources


def test_sources_list_and_detail(client, record):
    response = client.get("/api/v1/sources")

    assert slugs(response) == ["novaya-expose", "hbo-interview"]
    expose = response.json()["items"][0]
    assert expose["citation_count"] == 3  # two events and a statement
    assert expose["published"]["date"] == "2017-04-01"
    assert expose["publisher"]["slug"] == "novaya-gazeta"
    assert expose["source_type"] == "original"
    assert expose["source_type_display"] == "Original reporting"
    assert expose["language"] == "en"
    hbo = response.json()["items"][1]
    assert hbo["citation_count"] == 2  # the draft's citations are not counted
    assert hbo["published"]["display"] == "July 2017"
    novaya = client.get("/api/v1/sources", {"publisher": "novaya-gazeta"})
    assert slugs(novaya) == ["novaya-expose"]

    detail = client.get("/api/v1/sources/hbo-interview").json()
    cited_for = [
        (c["event"] or {}).get("slug") or c["statement"]["quote"] for c in detail["citations"]
    ]
    assert cited_for == ["kadyrov-denies-hbo", "We don't have any gays."]
    assert DRAFT_QUOTE not in str(detail) and "draft-event" not in str(detail)
    assert "archive_filename" not in detail
    assert client.get("/api/v1/sources/nothing").status_code == 404


@pytest.mark.parametrize("size", [1, 8])
def test_source_endpoints_run_a_constant_number_of_queries(
    client, django_assert_num_queries, size
):
    source = SourceArticleFactory(slug="the-source", publisher=MediaOutletFactory())
    for _ in range(size):
        event = PublishedEventFactory(citation__source=source)
        PublishedStatementFactory(event=event, citation__source=source)
    with django_assert_num_queries(2):  # count, sources with publishers
        client.get("/api/v1/sources")
    with django_assert_num_queries(2):  # source, citations with what they cite
        response = client.get("/api/v1/sources/the-source")
    assert len(response.json()["citations"]) == 2 * size


# Categories


def test_categories(client, record):
    response = client.get("/api/v1/categories")

    counts = {item["slug"]: item["event_count"] for item in response.json()["items"]}
    assert counts == {"denials": 1, "international-response": 1, "reporting": 1}
    detail = client.get("/api/v1/categories/denials").json()
    assert detail["name"] == "Denials" and detail["event_count"] == 1
    assert detail["url"] == "http://testserver/categories/denials/"
    assert client.get("/api/v1/categories/nothing").status_code == 404


def test_category_list_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    for number in range(5):
        PublishedEventFactory(
            category=CategoryFactory(), start_date=datetime.date(2017, 4, 1 + number)
        )
    with django_assert_num_queries(2):  # count, categories with counts
        response = client.get("/api/v1/categories")
    assert response.json()["count"] == 5


def test_actor_search_needs_every_word(client):
    from .factories import ActorFactory, EventActorFactory, PublishedEventFactory

    event = PublishedEventFactory()
    for name, aliases in [("Ramzan Kadyrov", "Ramazan Kadyrov"), ("Akhmad Kadyrov", "")]:
        EventActorFactory(event=event, actor=ActorFactory(name=name, aliases=aliases))
    found = client.get("/api/v1/actors", {"q": "ramazan kadyrov"}).json()["items"]
    names = [actor["name"] for actor in found]
    assert names == ["Ramzan Kadyrov"]
