"""The TimelineJS export, loaded into Knight Lab's real TimelineJS (npm @knight-lab/timelinejs,
pinned in package.json) in Chromium: every event rendered, as few lanes as read well, disputed
events saying so, the record's own dates. TimelineJS is served from the test server's origin
(a route answered from node_modules) and nothing is fetched from anywhere else."""

import mimetypes

import pytest
from playwright.sync_api import expect

from events.models import Verification
from events.partial_dates import PartialDate

from ..factories import CategoryFactory, PublishedEventFactory, PublishedStatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREFIX = "/__timelinejs__/"

# font: false, or TimelineJS fetches its default web fonts from Google; script_path, or it
# fetches its parts from Knight Lab's CDN.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS</title>
<link rel="stylesheet" href="{prefix}css/timeline.css">
<script src="{prefix}js/timeline.js"></script></head>
<body><div id="timeline" style="width: 1200px; height: 720px"></div>
<script>
  window.timelineErrors = [];
  window.timeline = new TL.Timeline("timeline", "/api/v1/exports/timelinejs" + location.search,
    {{script_path: location.origin + "{prefix}js/", font: false, theme: null, language: "en",
      hash_bookmark: false, start_at_slide: 0}});
  window.timeline.on("dataloaded", function () {{ window.timelineLoaded = true; }});
</script></body></html>"""


@pytest.fixture
def timelinejs_page(page, live_server, timelinejs_dist):

    def serve(route):
        path = route.request.url.split(PREFIX, 1)[1].split("?")[0].split("#")[0]
        if path == "index.html":
            return route.fulfill(body=PAGE.format(prefix=PREFIX), content_type="text/html")
        file = (timelinejs_dist / path).resolve()
        if timelinejs_dist.resolve() not in file.parents or not file.is_file():
            return route.fulfill(status=404, body="")
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return route.fulfill(body=file.read_bytes(), content_type=content_type)

    page.route(f"{live_server.url}{PREFIX}**", serve)
    elsewhere, errors = [], []
    page.on("request", lambda request: None if request.url.startswith(
        (live_server.url, "data:", "blob:")) else elsewhere.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))

    def load(query=""):
        page.goto(f"{live_server.url}{PREFIX}index.html{query}")
        page.wait_for_function("window.timelineLoaded === true")
        return page

    yield load
    assert elsewhere == [], "TimelineJS fetched from another origin"
    assert errors == []


@pytest.fixture
def record():
    categories = [CategoryFactory(name=f"Category {number}", slug=f"category-{number}")
                  for number in range(7)]
    events = [
        PublishedEventFactory(title="Novaya Gazeta reports mass detentions", slug="expose",
                              category=categories[0], start=PartialDate.parse("2017-04-01"),
                              summary="The newspaper reported mass detentions."),
        PublishedEventFactory(title="A disputed count", slug="count", category=categories[1],
                              start=PartialDate.parse("2017-04-10"),
                              verification=Verification.DISPUTED,
                              verification_note="One source says 100 men, another 200."),
        PublishedEventFactory(title="Known only to the month", slug="april",
                              category=categories[2], start=PartialDate.parse("2017-04")),
        PublishedEventFactory(title="A few days of protests", slug="protests",
                              category=categories[3], start=PartialDate.parse("2017-05-01"),
                              end=PartialDate.parse("2017-05-03")),
        PublishedEventFactory(title="About a day", slug="about", category=categories[4],
                              start=PartialDate.parse("c. 2017-06-12")),
        PublishedEventFactory(title="Kadyrov tells HBO there are no gays", slug="hbo",
                              category=categories[5], start=PartialDate.parse("2017-07")),
        PublishedEventFactory(title="Sanctions", slug="sanctions", category=categories[6],
                              start=PartialDate.parse("2017-12-20")),
    ]
    PublishedStatementFactory(event=events[5], quote="We don't have any gays.")
    return events


def test_every_event_is_rendered_in_real_timelinejs(timelinejs_page, record):
    page = timelinejs_page()
    markers = page.locator(".tl-timemarker")
    expect(markers).to_have_count(len(record))
    headlines = page.locator(".tl-slide-content .tl-headline").all_text_contents()
    # The title slide, then every event's slide.
    assert headlines[0] == "Chechnya 2017: a documented chronology"
    assert sorted(headlines[1:]) == sorted(
        event.title + (" (disputed)" if event.is_disputed else "") for event in record)
    assert sorted(page.locator(".tl-timemarker .tl-headline").all_text_contents()) == sorted(
        event.title + (" (disputed)" if event.is_disputed else "") for event in record)
    # Seven categories: no lanes.
    expect(page.locator(".tl-timegroup")).to_have_count(0)
    # The record's own dates, not TimelineJS's guess at a full date.
    dates = page.locator(".tl-slide-content .tl-headline-date").all_text_contents()
    assert {"April 2017", "1-3 May 2017", "c. 12 June 2017", "July 2017"} <= set(dates)
    # The disputed event says what is disputed.
    text = page.locator(".tl-slide", has_text="A disputed count (disputed)").inner_text()
    assert "Disputed: One source says 100 men, another 200." in text
    # The title slide says what the record is.
    title = page.locator(".tl-slide-titleslide").inner_text()
    assert "A documented chronology of the reporting on the 2017 persecution" in title
    assert "7 events from 1 April 2017 to 20 December 2017" in title


def test_a_few_categories_get_a_lane_each(timelinejs_page, record):
    page = timelinejs_page("?category=category-0&category=category-1")
    expect(page.locator(".tl-timemarker")).to_have_count(2)
    expect(page.locator(".tl-timegroup")).to_have_count(2)
    assert sorted(page.locator(".tl-timegroup-message").all_text_contents()) == [
        "Category 0", "Category 1"]


def test_a_month_only_event_sits_mid_month(timelinejs_page, record):
    page = timelinejs_page("?date_from=2017-04&date_to=2017-04")
    expect(page.locator(".tl-timemarker")).to_have_count(3)
    # TimelineJS places markers by date: the month-only event sits between the 10th and the
    # end of the month, not on the 1st beside the exposé.
    positions = {
        marker.locator(".tl-headline").inner_text(): marker.bounding_box()["x"]
        for marker in page.locator(".tl-timemarker").all()
    }
    assert (positions["Novaya Gazeta reports mass detentions"]
            < positions["A disputed count (disputed)"]
            < positions["Known only to the month"])
