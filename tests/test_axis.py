"""The time axis (events/axis.py, templates/events/_axis.html): where each mark goes, how it
looks without colour, when it turns into counts, what its links keep, its size and queries."""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse

from events import axis as axis_module
from events.axis import MAX_MARKS, build_axis, summary_sentence
from events.models import Event, Verification
from events.partial_dates import PartialDate

from .factories import CategoryFactory, PublishedEventFactory

pytestmark = pytest.mark.django_db


def axis_of(events=None, **params):
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return build_axis(events if events is not None else Event.objects.public(), params=query)


def marks_by_url(axis):
    return {mark.url: mark for mark in axis.marks}


def band(axis, name):
    return next(band for band in axis.bands if band.name == name)


def day_event(day, **fields):
    fields.setdefault("category", CategoryFactory(name="Reporting", slug="reporting"))
    return PublishedEventFactory(start=PartialDate.parse(day), **fields)


def test_each_kind_of_date_has_its_mark(record):
    axis = axis_of()
    assert axis.mode == "marks"
    marks = marks_by_url(axis)
    range_of_days = marks["/events/novaya-gazeta-reports/"]  # 1-3 April 2017
    month_only = marks["/events/kadyrov-denies-hbo/"]  # c. July 2017, disputed
    year_only = marks["/events/condemnation-abroad/"]  # 2017
    assert range_of_days.bar and not range_of_days.disputed
    assert (range_of_days.first, range_of_days.last) == (
        datetime.date(2017, 4, 1), datetime.date(2017, 4, 3))
    # A month known only as a month: a bar across exactly that month, not a dot on the 1st.
    july = band(axis, "July 2017")
    assert month_only.bar and month_only.approximate and month_only.disputed
    assert float(month_only.x) == pytest.approx(july.x, abs=0.5)
    assert float(month_only.w) == pytest.approx(july.w, abs=0.5)
    # A year: a bar across the whole span.
    assert year_only.bar and float(year_only.w) == pytest.approx(
        sum(band.w for band in axis.bands), abs=1)
    # The axis spans whole months, January to December, each a band.
    assert [band.label for band in axis.bands][:2] == ["Jan 2017", "Feb"]
    assert len(axis.bands) == 12


def test_a_day_is_a_dot_a_disputed_day_a_diamond_and_c_a_bar_around_the_day():
    plain = day_event("2017-04-10", title="Plain day", slug="plain")
    disputed = day_event("2017-04-20", title="Contested day", slug="contested",
                         verification=Verification.DISPUTED, verification_note="Dates differ.")
    approximate = day_event("c. 2017-05-10", title="About a day", slug="about")
    marks = marks_by_url(axis_of())
    dot = marks[plain.get_absolute_url()]
    assert not dot.bar and not dot.disputed and dot.x and dot.y and not dot.d
    diamond = marks[disputed.get_absolute_url()]
    assert not diamond.bar and diamond.d.startswith("M")
    assert diamond.label == "Contested day (disputed)"
    around = marks[approximate.get_absolute_url()]
    assert around.bar and around.approximate
    assert (around.first, around.last) == (datetime.date(2017, 5, 8), datetime.date(2017, 5, 12))

    html = render_to_string("events/_axis.html", {"axis": axis_of()})
    # Shapes, not colour, tell them apart: a circle, a hatched diamond, a dashed bar.
    assert '<circle cx="' in html
    assert re.search(r'<path fill="url\(#ax-hatch\)" d="M', html)
    assert '<rect class="ax-a"' in html
    assert "<title>Contested day (disputed)</title>" in html
    assert f'<a href="{plain.get_absolute_url()}"><title>Plain day</title>' in html


def test_marks_that_would_overlap_stack_upwards():
    for number in range(3):
        day_event("2017-04-10", title=f"Same day {number}", slug=f"same-{number}")
    day_event("2017-06-10", title="Alone", slug="alone")
    marks = axis_of().marks
    same_day = [mark for mark in marks if mark.label.startswith("Same day")]
    assert len({mark.x for mark in same_day}) == 1
    assert len({mark.y for mark in same_day}) == 3  # three rows: the stack is the density
    alone = next(mark for mark in marks if mark.label == "Alone")
    assert float(alone.y) == max(float(mark.y) for mark in same_day)  # on the bottom row


def test_marks_are_in_the_records_order(record):
    urls = [mark.url for mark in axis_of().marks]
    ordered = [event.get_absolute_url() for event in Event.objects.public().chronological()]
    assert urls == ordered


@pytest.mark.parametrize(("counts", "sentence"), [
    ({(2017, 2): 1, (2017, 4): 30, (2017, 7): 12},
     "43 events from February to July 2017, 30 of them in April."),
    ({(2017, 4): 12}, "12 events, all in April 2017."),
    ({(2017, 4): 1}, "1 event, in April 2017."),
    ({(2016, 12): 2, (2017, 4): 5, (2018, 3): 5},
     "12 events from December 2016 to March 2018, 5 of them in April 2017."),
    ({(2016, 1): 40_000, (2017, 4): 60_000}, "100,000 events from January 2016 to April 2017, "
                                             "60,000 of them in April 2017."),
])
def test_the_text_alternative_is_one_sentence(counts, sentence):
    assert summary_sentence(sum(counts.values()), Counter(counts)) == sentence


def test_month_links_set_the_dates_and_keep_every_other_filter(record):
    axis = axis_of(category=["denials", "reporting"], q="Kadyrov", page="2",
                   date_from="2017", verification="disputed")
    july = QueryDict(band(axis, "July 2017").url.lstrip("?"))
    assert july.getlist("category") == ["denials", "reporting"]
    assert july["q"] == "Kadyrov" and july["verification"] == "disputed"
    assert (july["date_from"], july["date_to"]) == ("2017-07", "2017-07")
    assert "page" not in july
    # The way back to every date, the other filters kept.
    everything = QueryDict(axis.all_dates_url.lstrip("?"))
    assert "date_from" not in everything and everything["q"] == "Kadyrov"
    html = render_to_string("events/_axis.html", {"axis": axis})
    url = band(axis, "July 2017").url.replace("&", "&amp;")
    assert f'href="{url}" hx-get="{url}"' in html  # a real link, swapped in place with htmx


def test_without_date_filters_there_is_no_all_dates_link(record):
    assert axis_of(category="denials").all_dates_url == ""


def test_no_events_no_axis(record):
    assert axis_of(Event.objects.none()).mode == "empty"
    assert render_to_string("events/_axis.html", {"axis": axis_of(Event.objects.none())}).strip() == ""


def test_a_pile_too_tall_to_draw_is_counted_instead(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(axis_module, "MAX_ROWS", 2)
    for number in range(3):
        day_event("2017-04-10", title=f"Same day {number}", slug=f"same-{number}")
    with django_assert_num_queries(1):  # counted from the rows already read
        axis = axis_of()
    assert axis.mode == "counts" and axis.count == 3
    assert axis.bin_size == "week"
    assert [(bin_.count, QueryDict(bin_.url[1:])["date_from"]) for bin_ in axis.bins] == [
        (3, "2017-04-10")]


@pytest.fixture
def synthetic():
    def generate(number):
        call_command("generate_synthetic", str(number), "--seed", "3", stdout=StringIO())
    return generate


def test_past_the_threshold_counts_per_month_in_one_query(synthetic, django_assert_num_queries):
    synthetic(MAX_MARKS + 50)
    events = Event.objects.public()
    total = events.count()
    assert total > MAX_MARKS
    with django_assert_num_queries(1):
        axis = build_axis(events, params=QueryDict(), count=total)
    assert axis.mode == "counts" and axis.bin_size == "month"
    assert axis.count == total
    # Bounded: one band per month of the span (the synthetic record spans 2016 to 2018).
    assert len(axis.bands) <= 36
    assert sum(band.bin.count for band in axis.bands if band.bin) == total
    assert sum(band.count for band in axis.bands) == total
    assert axis.summary.startswith(f"{total:,} events from ")
    # Without the count: one query to find there are too many to draw, one to count.
    with django_assert_num_queries(2):
        assert build_axis(events, params=QueryDict()).mode == "counts"


def test_a_short_span_of_many_events_counts_per_week(synthetic):
    synthetic(MAX_MARKS + 50)
    events = Event.objects.public().filter_by(
        date_from=PartialDate.parse("2017-04"), date_to=PartialDate.parse("2017-06"))
    axis = build_axis(events, params=QueryDict(), count=MAX_MARKS + 1)
    assert axis.bin_size == "week"
    assert sum(bin_.count for bin_ in axis.bins) == events.count()
    first = QueryDict(axis.bins[0].url[1:])
    assert datetime.date.fromisoformat(first["date_from"]).weekday() in (0, datetime.date(
        2017, 4, 1).weekday())  # a Monday, or the first day of the span


@pytest.mark.parametrize("size", [30, MAX_MARKS + 50])
def test_the_chronology_with_its_axis_does_a_fixed_number_of_queries(
    client, synthetic, size, django_assert_num_queries
):
    synthetic(size)
    # As tests/test_views_timeline.py pins for its record (claims, places and the axis
    # included): the axis reads its marks, or its counts, in one query whatever the size.
    # (The synthetic record has headline claims: the panel's three queries are among these.)
    with django_assert_num_queries(17):
        response = client.get(reverse("events:event_list"))
    assert response.context["axis"].mode == ("marks" if size <= MAX_MARKS else "counts")


@pytest.mark.parametrize("size", [30, MAX_MARKS + 50])
def test_the_drawn_axis_is_kept_until_the_record_changes(
    client, synthetic, size, django_assert_num_queries
):
    synthetic(size)
    url = reverse("events:event_list")
    first = client.get(url)
    # Another page of the same filters, or the same page again, draws the axis from the
    # cache, as the filter form has its choices: neither the query that reads every matching
    # event's date, nor the count (the kept axis has it), nor the choices' five are run
    # again, whatever the size; nor the headline claims' panel (views._claims_panel).
    with django_assert_num_queries(7):
        again = client.get(url, {"page": 2})
    drawn = again.context["axis"].html
    assert '<figure class="axis"' in drawn
    assert drawn in first.content.decode() and drawn in again.content.decode()
    # The same page again: its event cards are kept too (views._with_cards), so neither
    # their statements, citations, sources, people nor places are read again.
    with django_assert_num_queries(2):  # the generation and the page's events
        kept = client.get(url, {"page": 2})
    assert kept.content == again.content
    # The kept count says which pages there are, as the count did.
    assert again.context["result_count"] == first.context["result_count"]
    assert client.get(url, {"page": 99}).status_code == 404
    # Other filters are another axis (their period links keep them).
    category = Event.objects.public().first().category.slug
    filtered = client.get(url, {"category": category}).context["axis"]
    assert f"category={category}" in render_to_string("events/_axis.html", {"axis": filtered})
    assert filtered.count == Event.objects.public().filter(category__slug=category).count()
    # A change to the record (a new generation) draws it again, with the new event.
    day_event("2017-04-10", title="Added after the first drawing", slug="added-later")
    with django_assert_num_queries(17):
        changed = client.get(url, {"page": 2})
    assert changed.context["axis"].count == first.context["axis"].count + 1


def test_counts_follow_the_search(synthetic):
    synthetic(MAX_MARKS + 50)
    found = Event.objects.public().search("report")
    total = found.count()
    assert 0 < total < Event.objects.public().count()
    axis = build_axis(found, params=QueryDict("q=report"), count=MAX_MARKS + 1)
    assert axis.mode == "counts" and axis.count == total
    assert all("q=report" in band.url for band in axis.bands)
