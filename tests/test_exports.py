import csv
import datetime
import io

import pytest

from events.models import Citation
from events.partial_dates import Precision
from tests.factories import (
    DRAFT_ONLY_ACTOR,
    DRAFT_TITLE,
    EventActorFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
)

pytestmark = pytest.mark.django_db

TIMELINE_DATE_PARTS = {"year", "month", "day", "hour", "minute", "second", "millisecond",
                       "display_date", "format"}


def assert_valid_timelinejs(data):
    """The rules TimelineJS 3 holds a JSON timeline to (see its "JSON format" docs)."""
    assert isinstance(data["events"], list)
    ids = [event["unique_id"] for event in data["events"]]
    assert len(ids) == len(set(ids)), "unique_id must be unique"
    assert all(isinstance(unique_id, str) and unique_id for unique_id in ids)
    for event in data["events"]:
        assert "start_date" in event, "every event needs a start date"
        for key in ("start_date", "end_date"):
            if key not in event:
                continue
            parts = event[key]
            assert set(parts) <= TIMELINE_DATE_PARTS
            assert isinstance(parts["year"], int)
            for name in ("month", "day"):
                if name in parts:
                    assert isinstance(parts[name], int)
            assert "day" not in parts or "month" in parts
            assert 1 <= parts.get("month", 1) <= 12 and 1 <= parts.get("day", 1) <= 31
        assert isinstance(event["text"]["headline"], str) and event["text"]["headline"]
        assert isinstance(event["text"]["text"], str)
        assert isinstance(event.get("group", ""), str)
    assert data["title"]["text"]["headline"]


def test_timelinejs_export_follows_the_format(client, record):
    response = client.get("/api/v1/exports/timelinejs")

    assert response.status_code == 200
    data = response.json()
    assert_valid_timelinejs(data)
    events = {event["unique_id"]: event for event in data["events"]}
    assert list(events) == ["novaya-gazeta-reports", "kadyrov-denies-hbo", "condemnation-abroad"]
    # A date known only to the month or year sits mid-period on the axis, not on the 1st;
    # display_date says what is known.
    assert events["condemnation-abroad"]["start_date"] == {"year": 2017, "month": 7, "day": 1}
    assert events["condemnation-abroad"]["display_date"] == "2017"
    assert events["kadyrov-denies-hbo"]["start_date"] == {"year": 2017, "month": 7, "day": 15}
    assert events["kadyrov-denies-hbo"]["display_date"] == "c. July 2017"
    assert events["novaya-gazeta-reports"]["start_date"] == {"year": 2017, "month": 4, "day": 1}
    assert events["novaya-gazeta-reports"]["end_date"] == {"year": 2017, "month": 4, "day": 3}
    assert "end_date" not in events["kadyrov-denies-hbo"]
    assert events["kadyrov-denies-hbo"]["display_date"] == "c. July 2017"
    assert events["kadyrov-denies-hbo"]["group"] == "Denials"
    text = events["novaya-gazeta-reports"]["text"]
    assert text["headline"] == "Novaya Gazeta reports the detentions"
    assert "more than a hundred men were detained" in text["text"]
    link = '<a href="https://novayagazeta.example/expose" rel="noopener">Honour killing</a>'
    assert link in text["text"]
    assert "http://testserver/events/novaya-gazeta-reports/" in text["text"]
    assert DRAFT_TITLE not in response.content.decode()


def test_timelinejs_export_honours_the_filters_and_escapes_html(client, record):
    PublishedEventFactory(
        title="<b>Bold</b> & co", summary="<script>alert(1)</script>",
        category=record.denials, start_date=datetime.date(2017, 4, 20),
    )
    data = client.get("/api/v1/exports/timelinejs", {"category": "denials"}).json()

    assert_valid_timelinejs(data)
    assert len(data["events"]) == 2
    [made_up] = [event for event in data["events"] if event["unique_id"] != "kadyrov-denies-hbo"]
    assert "<script>" not in made_up["text"]["text"]
    assert "&lt;script&gt;" in made_up["text"]["text"]
    assert "category=denials" in data["title"]["text"]["text"]
    assert client.get("/api/v1/exports/timelinejs", {"date_from": "x"}).status_code == 422


def read_csv(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def test_csv_export_has_one_row_per_event(client, record):
    response = client.get("/api/v1/exports/events.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "charset=utf-8" in response["Content-Type"]
    assert 'filename="chechnya-2017-events.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert [row["slug"] for row in rows] == [
        "novaya-gazeta-reports", "kadyrov-denies-hbo", "condemnation-abroad",
    ]
    exposé = rows[0]
    assert exposé["date"] == "2017-04-01" and exposé["end_date"] == "2017-04-03"
    assert exposé["date_display"] == "1-3 April 2017"
    assert exposé["category"] == "Reporting"
    assert exposé["actors"] == (
        "Novaya Gazeta (reported); Anzor (first name only, as the AP printed it) (detained)"
    )
    assert exposé["citation_urls"] == "https://novayagazeta.example/expose"
    assert exposé["sources"] == "Honour killing (Novaya Gazeta; original reporting; English)"
    assert exposé["url"] == "http://testserver/events/novaya-gazeta-reports/"
    denial = rows[1]
    assert (denial["date"], denial["date_precision"], denial["date_approximate"]) == (
        "2017-07", "month", "yes",
    )
    assert DRAFT_TITLE not in response.content.decode()
    assert DRAFT_ONLY_ACTOR not in response.content.decode()


def test_csv_export_honours_the_filters(client, record):
    rows = read_csv(client.get("/api/v1/exports/events.csv", {"actor": "anzor"}))

    assert [row["slug"] for row in rows] == ["novaya-gazeta-reports"]
    assert client.get("/api/v1/exports/events.csv", {"actor": "nobody"}).status_code == 422


def test_csv_export_keeps_text_and_defuses_formulas(client, record):
    event = PublishedEventFactory(
        title="=HYPERLINK(\"http://evil.example\")", summary="Кадыров, «цитата»,\nsecond line",
        start_date=datetime.date(2017, 4, 5), start_precision=Precision.DAY,
    )
    EventActorFactory(event=event, actor=record.kadyrov, role="")
    Citation.objects.filter(event=event).update(source=record.hbo)

    rows = read_csv(client.get("/api/v1/exports/events.csv"))

    [row] = [row for row in rows if row["slug"] == event.slug]
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["summary"] == "Кадыров, «цитата»,\nsecond line"
    assert row["actors"] == "Ramzan Kadyrov"


@pytest.mark.parametrize("params", [{}, {"category": "denials"}, {"q": "Kadyrov"}])
def test_exports_list_the_same_events_as_the_api(client, record, params):
    api = [item["slug"] for item in client.get("/api/v1/events", params).json()["items"]]
    timeline_events = client.get("/api/v1/exports/timelinejs", params).json()["events"]
    timeline = [event["unique_id"] for event in timeline_events]
    rows = [row["slug"] for row in read_csv(client.get("/api/v1/exports/events.csv", params))]

    assert api == timeline == rows


@pytest.mark.parametrize("size", [2, 10])
def test_exports_run_a_constant_number_of_queries(client, django_assert_num_queries, size):
    for number in range(size):
        event = PublishedEventFactory(start_date=datetime.date(2017, 4, 1 + number))
        PublishedStatementFactory(event=event)
    # count, events, actors, statements, their citations, citations, places
    with django_assert_num_queries(7):
        assert len(client.get("/api/v1/exports/timelinejs").json()["events"]) == size
    with django_assert_num_queries(7):
        assert len(read_csv(client.get("/api/v1/exports/events.csv"))) == size


@pytest.mark.parametrize("url", ["/api/v1/exports/timelinejs", "/api/v1/exports/events.csv"])
def test_exports_are_bounded_and_say_where_the_rest_is(client, url):
    for number in range(5):
        PublishedEventFactory(slug=f"bounded-{number}",
                              start_date=datetime.date(2017, 4, 1 + number))
    first = client.get(url, {"limit": 2})
    assert first["X-Total-Count"] == "5"
    assert 'rel="next"' in first["Link"] and "offset=2" in first["Link"]
    last = client.get(url, {"limit": 2, "offset": 4})
    assert "Link" not in last
    too_many = client.get(url, {"limit": 10**6})
    assert too_many.status_code == 422


def test_timelinejs_title_says_which_events_a_partial_file_holds(client):
    for number in range(3):
        PublishedEventFactory(start_date=datetime.date(2017, 4, 1 + number))
    title = client.get("/api/v1/exports/timelinejs", {"limit": 2}).json()["title"]
    assert "1-2 of 3 events" in title["text"]["text"]


def test_the_feed_carries_the_newest_entries_only(client, monkeypatch):
    from events import feeds

    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    for number in range(5):
        PublishedEventFactory(title=f"Feed entry {number}",
                              start_date=datetime.date(2017, 4, 1 + number))
    xml = client.get("/feed/").content.decode()
    assert xml.count("<entry>") == 3
    assert "Feed entry 4" in xml and "Feed entry 1" not in xml


def test_timelinejs_groups_only_a_few_categories(client, record):
    # Three categories: a lane each.
    data = client.get("/api/v1/exports/timelinejs").json()
    assert {event["group"] for event in data["events"]} == {
        "Reporting", "Denials", "International response"}
    # Seven: seven lanes, mostly empty, would take half the height. No groups.
    for number in range(4):
        PublishedEventFactory(title=f"Other {number}", slug=f"other-{number}",
                              category__name=f"Other {number}", category__slug=f"other-{number}")
    data = client.get("/api/v1/exports/timelinejs").json()
    assert len(data["events"]) == 7
    assert all("group" not in event for event in data["events"])
    # Filtered down to a few categories, the lanes come back.
    data = client.get("/api/v1/exports/timelinejs", {"category": ["denials", "other-0"]}).json()
    assert {event["group"] for event in data["events"]} == {"Denials", "Other 0"}


def test_timelinejs_says_what_is_disputed_and_how_sure_each_event_is(client, record):
    events = {event["unique_id"]: event
              for event in client.get("/api/v1/exports/timelinejs").json()["events"]}
    disputed = events["kadyrov-denies-hbo"]["text"]
    assert disputed["headline"] == "Kadyrov denies on HBO (disputed)"
    assert ("<p><strong>Disputed</strong>: The date of the interview&#x27;s recording is not "
            "given.</p>") in disputed["text"]
    corroborated = events["novaya-gazeta-reports"]["text"]
    assert corroborated["headline"] == "Novaya Gazeta reports the detentions"
    assert "<strong>Corroborated</strong>: independent sources agree." in corroborated["text"]
    assert "<strong>Reported</strong>: one source says so." in (
        events["condemnation-abroad"]["text"]["text"])


def test_timelinejs_spans_a_month_only_end_to_its_last_day(client, record):
    PublishedEventFactory(title="Spring", slug="spring", category=record.denials,
                          start_date=datetime.date(2017, 4, 1), start_precision=Precision.MONTH,
                          end_date=datetime.date(2017, 5, 1), end_precision=Precision.MONTH)
    events = {event["unique_id"]: event
              for event in client.get("/api/v1/exports/timelinejs").json()["events"]}
    assert events["spring"]["start_date"] == {"year": 2017, "month": 4, "day": 15}
    assert events["spring"]["end_date"] == {"year": 2017, "month": 5, "day": 31}
    assert events["spring"]["display_date"] == "April-May 2017"


def test_timelinejs_title_slide_says_what_the_record_is(client, record):
    title = client.get("/api/v1/exports/timelinejs").json()["title"]["text"]
    assert title["headline"] == "Chechnya 2017: a documented chronology"
    assert ("A documented chronology of the reporting on the 2017 persecution of gay men in "
            "Chechnya and of the world's response: 3 events from 1-3 April 2017 to 2017, "
            "each linked to the reporting it rests on.") in title["text"]
    assert "Where sources disagree, the event says “disputed”" in title["text"]
    assert 'href="http://testserver/"' in title["text"]


def test_csv_carries_the_verification_state_and_its_note(client, record):
    response = client.get("/api/v1/exports/events.csv")
    rows = {row["slug"]: row for row in csv.DictReader(
        io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["kadyrov-denies-hbo"]["verification"] == "disputed"
    assert rows["kadyrov-denies-hbo"]["verification_note"] == (
        "The date of the interview's recording is not given.")
    assert rows["novaya-gazeta-reports"]["verification"] == "corroborated"
