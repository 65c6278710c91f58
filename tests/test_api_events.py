import datetime
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict

from events.forms import EventFilterForm
from events.models import Actor, Event, Status, Verification
from events.partial_dates import Precision
from tests.factories import (
    ActorFactory,
    CategoryFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    MediaOutletFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Unconfirmed claim still under review"
DRAFT_QUOTE = "Words nobody has verified yet"
DRAFT_ONLY_ACTOR = "Person named only in a draft"
CHRONOLOGICAL = ["condemnation-abroad", "novaya-gazeta-reports", "kadyrov-denies-hbo"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    # The throttle counts requests in the default cache: each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def record():
    """A small record: three published events, a draft, statements, a protected identity."""
    reporting = CategoryFactory(name="Reporting", slug="reporting")
    denials = CategoryFactory(name="Denials", slug="denials")
    response = CategoryFactory(name="International response", slug="international-response")
    government = ActorFactory(
        name="Government of Chechnya", slug="chechen-government", kind=Actor.Kind.GOVERNMENT
    )
    kadyrov = ActorFactory(
        name="Ramzan Kadyrov",
        slug="ramzan-kadyrov",
        aliases="Ramazan Kadyrov",
        description="Head of the Chechen Republic.",
        url="https://example.org/kadyrov",
        affiliation=government,
    )
    survivor = ActorFactory(name="Anzor", slug="anzor", protected_identity=True)
    novaya = MediaOutletFactory(name="Novaya Gazeta", slug="novaya-gazeta")
    draft_only = ActorFactory(name=DRAFT_ONLY_ACTOR, slug="draft-only-person")
    expose = SourceArticleFactory(
        title="Honour killing", slug="novaya-expose", publisher=novaya,
        url="https://novayagazeta.example/expose",
        published_date=datetime.date(2017, 4, 1),
    )
    hbo = SourceArticleFactory(
        title="Real Sports interview", slug="hbo-interview",
        url="https://hbo.example/real-sports", published_date=datetime.date(2017, 7, 1),
        published_precision=Precision.MONTH,
    )

    exposé_event = PublishedEventFactory(
        title="Novaya Gazeta reports the detentions",
        slug="novaya-gazeta-reports",
        summary="The newspaper reports that more than a hundred men were detained in Argun.",
        start_date=datetime.date(2017, 4, 1),
        end_date=datetime.date(2017, 4, 3),
        category=reporting,
        location="Argun, Chechnya",
        verification=Verification.CORROBORATED,
        citation__source=expose,
        citation__excerpt="more than a hundred men",
    )
    EventActorFactory(event=exposé_event, actor=novaya, role="reported")
    EventActorFactory(event=exposé_event, actor=survivor, role="detained")
    denial = PublishedEventFactory(
        title="Kadyrov denies on HBO",
        slug="kadyrov-denies-hbo",
        summary="Kadyrov tells HBO there are no such people in Chechnya.",
        start_date=datetime.date(2017, 7, 1),
        start_precision=Precision.MONTH,
        start_approximate=True,
        category=denials,
        verification=Verification.DISPUTED,
        verification_note="The date of the interview's recording is not given.",
        citation__source=hbo,
        citation__excerpt="We don't have any gays.",
    )
    EventActorFactory(event=denial, actor=kadyrov, role="denied")
    condemnation = PublishedEventFactory(
        title="Condemnation abroad",
        slug="condemnation-abroad",
        summary="Governments condemn the purge.",
        start_date=datetime.date(2017, 1, 1),
        start_precision=Precision.YEAR,
        category=response,
        citation__source=expose,
    )
    EventActorFactory(event=condemnation, actor=government, role="criticised")
    draft = EventFactory(
        title=DRAFT_TITLE, slug="draft-event", summary="Not yet checked.",
        start_date=datetime.date(2017, 5, 5), category=denials,
    )
    CitationFactory(event=draft, source=hbo)
    EventActorFactory(event=draft, actor=draft_only, role="accused")

    testimony = PublishedStatementFactory(
        quote="They beat us with pipes.", speaker=survivor, event=exposé_event,
        date=datetime.date(2017, 4, 2), venue="to Novaya Gazeta",
        citation__source=expose,
    )
    interview = PublishedStatementFactory(
        quote="We don't have any gays.", speaker=kadyrov, event=denial,
        date=datetime.date(2017, 7, 1), date_precision=Precision.MONTH, venue="HBO Real Sports",
        citation__source=hbo,
    )
    StatementFactory(quote=DRAFT_QUOTE, speaker=kadyrov, event=denial, status=Status.DRAFT)
    PublishedStatementFactory(
        quote="Words in a draft event stay unpublished.", speaker=kadyrov, event=draft,
        citation__source=hbo,
    )
    return SimpleNamespace(
        reporting=reporting, denials=denials, response=response, government=government,
        kadyrov=kadyrov, survivor=survivor, novaya=novaya, draft_only=draft_only,
        expose=expose, hbo=hbo, exposé_event=exposé_event, denial=denial,
        condemnation=condemnation, draft=draft, testimony=testimony, interview=interview,
    )


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


FILTERS = [
    {},
    {"q": "HBO"},
    {"q": "detained Argun"},
    {"q": "gays"},  # in a public quote only
    {"q": "Anzor"},  # an actor's pseudonym
    {"category": "denials"},
    {"category": ["denials", "reporting"]},
    {"actor": "ramzan-kadyrov"},
    {"actor": "anzor"},
    {"actor_kind": "media"},
    {"actor_kind": "government"},
    {"source": "novaya-expose"},
    {"source": "hbo-interview"},
    {"publisher": "novaya-gazeta"},
    {"date_from": "2017-04"},
    {"date_to": "2017-04"},
    {"date_from": "2017-04-02", "date_to": "2017-07"},
    {"date_from": "April 2017"},
    {"verification": "disputed"},
    {"verification": ["reported", "corroborated"]},
    {"category": "denials", "actor_kind": "person", "q": "Kadyrov"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_api_and_page_return_the_same_events_for_the_same_filters(client, record, params):
    api = client.get("/api/v1/events", params)
    page = client.get("/", params)

    assert api.status_code == page.status_code == 200
    page_slugs = [event.slug for event in page.context["page_obj"].object_list]
    assert slugs(api) == page_slugs
    assert api.json()["count"] == page.context["result_count"]
    form = EventFilterForm(QueryDict(urlencode(params, doseq=True)))
    assert form.is_valid()
    assert api.json()["count"] == form.filter(Event.objects.public()).count()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "gays"}, ["kadyrov-denies-hbo"]),
        ({"category": ["denials", "reporting"]}, ["novaya-gazeta-reports", "kadyrov-denies-hbo"]),
        ({"actor": "anzor"}, ["novaya-gazeta-reports"]),
        ({"actor_kind": "government"}, ["condemnation-abroad"]),
        ({"source": "hbo-interview"}, ["kadyrov-denies-hbo"]),
        ({"publisher": "novaya-gazeta"}, ["condemnation-abroad", "novaya-gazeta-reports"]),
        ({"date_from": "2017-04", "date_to": "2017-04"}, ["novaya-gazeta-reports"]),
        ({"verification": "disputed"}, ["kadyrov-denies-hbo"]),
    ],
)
def test_each_filter_selects_what_it_says(client, record, params, expected):
    assert slugs(client.get("/api/v1/events", params)) == expected


def test_drafts_never_match_a_filter(client, record):
    for params in (
        {"q": "Unconfirmed"},
        {"actor": "draft-only-person"},
        {"date_from": "2017-05-05", "date_to": "2017-05-05"},
    ):
        response = client.get("/api/v1/events", params)
        assert response.status_code in (200, 422)
        assert DRAFT_TITLE not in response.content.decode()


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
    assert [item["slug"] for item in second["items"]] == ["kadyrov-denies-hbo"]
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
    # count, events, actors, statements, their citations, citations
    with django_assert_num_queries(6):
        response = client.get("/api/v1/events", {"limit": 200})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 12])
def test_filtered_list_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    _more_events(size)
    # + the form's lookup of the category slug
    with django_assert_num_queries(7):
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
    # event, actors, statements, their citations (with sources and publishers), citations
    with django_assert_num_queries(5):
        response = client.get("/api/v1/events/the-event")
    assert len(response.json()["statements"]) == size


def test_a_summarised_excerpt_is_marked_as_such(client, record):
    record.denial.citations.update(is_summary=True)

    event = client.get("/api/v1/events/kadyrov-denies-hbo").json()
    source = client.get("/api/v1/sources/hbo-interview").json()

    assert event["citations"][0]["excerpt_is_summary"] is True
    assert event["statements"][0]["citations"][0]["excerpt_is_summary"] is False
    assert [c["excerpt_is_summary"] for c in source["citations"]] == [True, False]
