"""Places: the model's rule for sensitive places, the approximate precision on every surface,
the map page and place pages, the API and GeoJSON, query counts at two sizes, the bundled
places and the map data's provenance."""

import csv
import gzip
import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from events import maps
from events.chronology import load_chronology, upgrade_chronology
from events.models import SENSITIVE_MIN_RADIUS_KM, Event, EventPlace, Place
from tests.factories import (
    EventPlaceFactory,
    PlaceFactory,
    PublishedEventFactory,
)

pytestmark = pytest.mark.django_db

EXPOSÉ = "novaya-gazeta-reports"


# The rule: a sensitive place is only ever approximate -------------------------------------


def test_a_sensitive_place_is_stored_only_rounded_to_its_town(record, argun_site):
    stored = Place.objects.values_list("latitude", "longitude").get(slug="argun")

    assert stored == (43.3, 45.9)
    assert argun_site.point != stored


def test_a_sensitive_place_cannot_be_a_building_or_closer_than_10_km():
    place = Place(name="Barracks", slug="barracks", kind=Place.Kind.BUILDING, sensitive=True,
                  latitude=43.29171, longitude=45.87223, radius_km=1)

    with pytest.raises(ValidationError) as error:
        place.full_clean()
    assert set(error.value.message_dict) == {"kind", "radius_km"}
    with pytest.raises(IntegrityError), transaction.atomic():
        place.save()


def test_a_row_that_escaped_save_is_still_published_rounded(record, argun_site, client):
    # QuerySet.update() skips save(): the published coordinates round again.
    Place.objects.filter(slug="argun").update(latitude=argun_site.point[0],
                                               longitude=argun_site.point[1])
    place = Place.objects.get(slug="argun")

    assert place.published_coordinates == (43.3, 45.9)
    assert client.get("/api/v1/places/argun").json()["latitude"] == 43.3


def test_published_coordinates_are_no_finer_than_the_radius(record):
    assert Place.objects.get(slug="grozny").published_coordinates == (43.32, 45.7)
    country = PlaceFactory(kind=Place.Kind.COUNTRY, latitude=61.52, longitude=105.31,
                           radius_km=3000)
    assert country.published_coordinates == (62, 105)


# Every public surface shows the sensitive place only approximately ------------------------

SURFACES = [
    "/",
    "/?place=argun",
    "/places/",
    "/places/argun/",
    f"/events/{EXPOSÉ}/",
    "/feed/",
    "/api/v1/events",
    f"/api/v1/events/{EXPOSÉ}",
    "/api/v1/places",
    "/api/v1/places/argun",
    "/api/v1/exports/places.geojson",
    "/api/v1/exports/events.csv",
    "/api/v1/exports/timelinejs",
]


PRECISION_SHOWN = {"/places/argun/", f"/api/v1/events/{EXPOSÉ}", "/api/v1/places",
                   "/api/v1/places/argun", "/api/v1/exports/places.geojson",
                   "/api/v1/exports/events.csv"}


@pytest.mark.parametrize("url", SURFACES)
def test_no_surface_serves_a_sensitive_place_more_precisely(client, record, argun_site, url):
    # Even if a precise point reached the database behind save()'s back.
    Place.objects.filter(slug="argun").update(latitude=argun_site.point[0],
                                               longitude=argun_site.point[1])
    response = client.get(url)
    text = response.content.decode()

    assert response.status_code == 200
    for digits in argun_site.digits:
        assert digits not in text
    if url in PRECISION_SHOWN:
        assert "43.3" in text and "45.9" in text


def test_the_approximation_is_stated_on_pages_api_geojson_and_json_ld(client, record):
    place_page = client.get("/places/argun/").content.decode()
    event_page = client.get(f"/events/{EXPOSÉ}/").content.decode()
    api = client.get(f"/api/v1/events/{EXPOSÉ}").json()["places"]
    geojson = client.get("/api/v1/exports/places.geojson").json()
    jsonld = json.loads(re.search(
        r'<script type="application/ld\+json">(.*?)</script>', event_page, re.S
    ).group(1))
    csv_rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/exports/events.csv").content.decode("utf-8-sig")
    )))

    assert "shown only approximately, on purpose: within 10 km" in place_page
    assert "shown only approximately, within 10 km" in event_page
    assert api == [{
        "id": record.argun.pk, "slug": "argun", "name": "Argun", "kind": "city",
        "latitude": 43.3, "longitude": 45.9, "radius_km": 10, "approximate": True,
        "url": api[0]["url"], "api_url": api[0]["api_url"],
        "translation": {"language": "en", "missing": [], "outdated": False},
    }]
    assert api[0]["url"].endswith("/places/argun/")
    [feature] = [f for f in geojson["features"] if f["id"] == "argun"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [45.9, 43.3]}
    assert feature["properties"]["approximate"] is True
    assert feature["properties"]["radius_km"] == 10
    assert jsonld["location"] == [{
        "@type": "Place", "name": "Argun", "url": jsonld["location"][0]["url"],
        "geo": {"@type": "GeoCircle",
                "geoMidpoint": {"@type": "GeoCoordinates", "latitude": 43.3, "longitude": 45.9},
                "geoRadius": 10000},
    }]
    [row] = [row for row in csv_rows if row["slug"] == EXPOSÉ]
    assert row["places"] == "Argun (43.3, 45.9; shown only approximately, on purpose: within 10 km)"


def test_the_map_marker_of_a_sensitive_place_is_at_its_rounded_point(client, record):
    response = client.get("/places/")
    x, y = maps.project_world(45.9, 43.3)

    assert f'cx="{round(x, 1)}" cy="{round(y, 1)}"' in response.content.decode()


def test_maps_write_their_numbers_as_svg_reads_them_in_russian_too(client, record):
    # A Russian decimal comma (cx="591,7") is no number to SVG: the markers fell to a corner.
    for url in ("/ru/places/", "/ru/places/argun/", f"/ru/events/{EXPOSÉ}/"):
        page = client.get(url).content.decode()
        svg = page[page.index("<svg"):page.index("</svg>")]
        assert re.search(r' cx="-?\d+\.\d" ', svg), url
        assert not re.search(r'="-?\d+,\d', svg), url


# The map page and place pages --------------------------------------------------------------


def test_the_map_lists_each_place_with_a_link_to_its_filtered_events(client, record):
    response = client.get("/places/")
    page = response.content.decode()

    assert [place.slug for place in response.context["places"]] == ["argun", "grozny", "london"]
    assert [place.event_count for place in response.context["places"]] == [1, 1, 1]
    assert 'href="/?place=argun"' in page
    assert "<svg" in page and 'class="map-land"' in page
    assert "Place named only in a draft" not in page


def test_the_map_follows_the_other_filters(client, record):
    response = client.get("/places/", {"category": "denials"})
    page = response.content.decode()

    assert [place.slug for place in response.context["places"]] == ["grozny"]
    assert 'href="/?category=denials&amp;place=grozny"' in page
    unknown = client.get("/places/", {"category": "denials", "name": "Somebody"})
    assert "Somebody" not in unknown.content.decode()  # only the filters travel on
    assert client.get("/places/", {"date_to": "2017-13"}).status_code == 400
    assert client.get("/places/", {"place": "nowhere"}).status_code == 400


def test_a_place_page_lists_its_published_events(client, record):
    response = client.get("/places/grozny/")

    assert [event.slug for event in response.context["page_obj"].object_list] == [
        "kadyrov-denies-hbo"
    ]
    assert "<svg" in response.content.decode()
    assert client.get("/places/draft-only-place/").status_code == 404
    assert client.get("/places/nowhere/").status_code == 404
    assert client.get("/places/grozny/", {"page": "x"}).status_code in {400, 404}


def test_an_event_page_shows_its_places_on_a_small_map(client, record):
    page = client.get("/events/kadyrov-denies-hbo/").content.decode()

    assert '<a href="/places/grozny/">Grozny</a>' in page
    assert 'class="map map--locator"' in page


def test_the_map_page_works_without_javascript_and_stays_within_budget(client, record):
    response = client.get("/places/", HTTP_ACCEPT_ENCODING="gzip")
    static = Path(__file__).resolve().parent.parent / "static"
    assets = [static / "css" / "site.css", *sorted((static / "js").glob("*.js"))]
    total = len(response.content) + sum(len(gzip.compress(p.read_bytes())) for p in assets)

    assert response["Content-Encoding"] == "gzip"
    assert total < 80 * 1024
    assert "<script" not in gzip.decompress(response.content).decode().split("</head>")[1]


# The API and GeoJSON ----------------------------------------------------------------------


def test_the_api_lists_places_with_their_matching_events(client, record):
    everything = client.get("/api/v1/places").json()
    denials = client.get("/api/v1/places", {"category": "denials"}).json()
    grozny = client.get("/api/v1/places/grozny").json()

    assert [(p["slug"], p["event_count"]) for p in everything["items"]] == [
        ("argun", 1), ("grozny", 1), ("london", 1)
    ]
    assert [p["slug"] for p in denials["items"]] == ["grozny"]
    assert grozny["aliases"] == ["Groznyy"]
    assert [event["slug"] for event in grozny["events"]] == ["kadyrov-denies-hbo"]
    assert grozny["events_url"].endswith("/?place=grozny")
    assert client.get("/api/v1/places/draft-only-place").status_code == 404


def test_geojson_is_valid_rfc_7946(client, record):
    response = client.get("/api/v1/exports/places.geojson")
    data = response.json()

    assert response["Content-Type"].startswith("application/geo+json")
    assert data["type"] == "FeatureCollection"
    assert set(data) == {"type", "features"}  # no crs member (RFC 7946, 4)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert isinstance(feature["properties"], dict)
    london = next(f for f in data["features"] if f["id"] == "london")
    # Longitude first: London is just west of Greenwich, at 51.5° north.
    assert london["geometry"]["coordinates"] == [-0.13, 51.51]


def test_geojson_honours_the_filters(client, record):
    data = client.get("/api/v1/exports/places.geojson",
                      {"category": "denials", "date_from": "2017-06"}).json()

    assert [f["id"] for f in data["features"]] == ["grozny"]
    assert data["features"][0]["properties"]["events_url"].endswith(
        "/?category=denials&date_from=2017-06&place=grozny"
    )
    refused = client.get("/api/v1/exports/places.geojson", {"place": "atlantis"})
    assert refused.status_code == 422


# Query counts, the same at two sizes ------------------------------------------------------


def more_places(count):
    for number in range(count):
        place = PlaceFactory(latitude=40 + number / 10, longitude=40 + number / 10)
        for _ in range(2):
            EventPlaceFactory(event=PublishedEventFactory(), place=place)


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


# Pinned, and the same with 16 more places and 30 more events: nothing runs a query per place
# or per event.
COUNTED = {
    "/places/": 3,
    "/places/grozny/": 8,
    "/api/v1/places": 2,
    "/api/v1/places/grozny": 2,
    "/api/v1/exports/places.geojson": 1,
    "/events/kadyrov-denies-hbo/": 9,
}


@pytest.mark.parametrize("url", COUNTED)
def test_place_surfaces_run_a_fixed_number_of_queries(client, record, url, settings):
    settings.PAGE_CACHE_SECONDS = 0
    small = queries(client, url)
    more_places(15)
    EventPlaceFactory(event=record.denial, place=PlaceFactory())
    large = queries(client, url)

    assert small == large == COUNTED[url]


def test_the_map_is_counted_once_per_change_to_the_record_language_and_filters(client, record,
                                                                           settings):
    """The map and list are kept (views._places_layout): the count of events per place, which
    grows with the record, is not made again for the same filters until the record changes."""
    settings.PAGE_CACHE_SECONDS = 0
    assert queries(client, "/places/") == COUNTED["/places/"]  # the generation, choices, counts
    assert queries(client, "/places/") == 1  # the generation: the rest is kept
    assert queries(client, "/places/?category=denials") == COUNTED["/places/"]  # counted anew
    english = client.get("/places/").content.decode()
    russian = client.get("/ru/places/").content.decode()
    assert "The places, as a list" in english and "The places, as a list" not in russian

    EventPlaceFactory(event=record.denial, place=PlaceFactory(name="Newly placed", slug="new"))
    assert "Newly placed" in client.get("/places/").content.decode()  # at once
    assert 'href="/?category=denials&amp;place=new"' in client.get(
        "/places/", {"category": "denials"}).content.decode()


# The bundled places -----------------------------------------------------------------------


@pytest.fixture
def bundled(db):
    load_chronology()


def test_every_located_bundled_event_has_its_places(bundled, chronology_data):
    located = {item["slug"] for item in chronology_data["events"] if item.get("location")}
    placed = set(Event.objects.filter(event_places__isnull=False).values_list("slug", flat=True))

    assert located == placed
    assert Place.objects.filter(sensitive=True).count() >= 2
    for place in Place.objects.filter(sensitive=True):
        assert place.kind != Place.Kind.BUILDING
        assert place.radius_km >= SENSITIVE_MIN_RADIUS_KM
    detention = Event.objects.get(slug="argun-barracks-reported-as-detention-site")
    assert [(p.slug, p.sensitive) for p in detention.places.all()] == [("argun", True)]


def test_no_place_narrows_down_where_a_protected_person_is(bundled):
    # RECORD.md: nothing beyond the town already public, nothing of where they fled or live.
    # A survivor's event is placed at most as precisely as its region, or at a sensitive
    # (approximate) town; never in Moscow, where survivors were reported to have fled.
    events = Event.objects.filter(participations__actor__protected_identity=True).distinct()
    places = Place.objects.filter(events__in=events).distinct()

    assert places.exists()
    for place in places:
        assert place.kind in {Place.Kind.REGION, Place.Kind.COUNTRY} or place.sensitive, place
        assert "moscow" not in place.slug


def test_the_places_file_holds_no_precise_point_of_a_sensitive_place():
    data = json.loads((Path(load_chronology.__code__.co_filename).parent / "fixtures"
                       / "places.json").read_text(encoding="utf-8"))
    for item in data["places"]:
        if item.get("sensitive"):
            for value in (item["latitude"], item["longitude"]):
                assert round(value, 1) == value, item["slug"]


def test_loading_twice_adds_nothing_and_upgrade_adds_missing_places(bundled):
    counts = load_chronology()
    assert counts["places"]["created"] == counts["event_places"]["created"] == 0

    EventPlace.objects.filter(place__slug="moscow").delete()
    Place.objects.filter(slug="moscow").delete()
    report = upgrade_chronology()

    assert "Place 'moscow'" in report.created
    assert Event.objects.filter(places__slug="moscow").count() > 20


# The map data: committed, and what the pinned world-atlas gives ---------------------------

ATLAS = Path(__file__).resolve().parent.parent / "mapdata" / "node_modules" / "world-atlas"


def test_the_committed_map_outlines_are_rebuilt_exactly_from_world_atlas():
    from events.management.commands.build_map_data import built_text

    if not ATLAS.exists():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI must check the map data: make install-test runs npm ci in mapdata")
        pytest.skip("world-atlas is not installed (npm ci --prefix mapdata)")
    assert maps.OUTLINES_PATH.read_text(encoding="utf-8") == built_text(ATLAS)


def test_the_map_outlines_are_drawn_in_their_views():
    outlines = maps.outlines()
    assert "Natural Earth" in outlines["source"]
    for view in ("world", "inset"):
        for ring in outlines[view]["rings"]:
            for x, y in ring:
                assert 0 <= x * outlines[view]["step"] <= outlines[view]["width"]
                assert 0 <= y * outlines[view]["step"] <= outlines[view]["height"]
    # Moscow and Grozny fall inside the inset; Washington does not.
    assert maps.in_inset(37.62, 55.76) and maps.in_inset(45.7, 43.32)
    assert not maps.in_inset(-77.04, 38.91)
