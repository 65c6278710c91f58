"""Whole-page caching: fast repeat requests, and a curator's change visible at once."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from events.caching import page_cache_key
from events.models import Review, Event, RecordState, Status

from .factories import EventFactory, PublishedEventFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def page_cache(settings):  # the cache itself is emptied around every test by conftest.py
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def event():
    return PublishedEventFactory(title="Novaya Gazeta reports detentions")


def test_a_repeat_request_is_served_from_the_cache_in_one_query(client, event,
                                                                django_assert_num_queries):
    first = client.get("/", {"q": "Novaya"})
    with django_assert_num_queries(1):  # the record's generation, nothing else
        second = client.get("/", {"q": "Novaya"})
    assert second.status_code == 200
    assert second.content == first.content
    assert "Novaya Gazeta reports detentions" in second.content.decode()


def test_the_query_string_and_htmx_header_are_part_of_the_key(client, event):
    PublishedEventFactory(title="Protest in Paris")
    everything = client.get("/").content.decode()
    filtered = client.get("/", {"q": "Paris"}).content.decode()
    fragment = client.get("/", {"q": "Paris"}, headers={"HX-Request": "true"}).content.decode()
    restore = client.get("/", {"q": "Paris"}, headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"}).content.decode()
    assert "Novaya Gazeta" in everything and "Novaya Gazeta" not in filtered
    assert "<html" in filtered and "<html" not in fragment and "<html" in restore


def test_a_curators_save_is_visible_at_once(client, event):
    assert "Novaya Gazeta reports detentions" in client.get("/").content.decode()
    event.title = "Novaya Gazeta reports mass detentions"
    event.save()
    page = client.get("/").content.decode()
    assert "Novaya Gazeta reports mass detentions" in page
    detail = client.get(event.get_absolute_url()).content.decode()
    assert "mass detentions" in detail


def test_approving_and_taking_down_in_the_admin_reach_readers_at_once(
        client, curator_client, editor_client, event):
    draft = PublishedEventFactory(title="Checked and ready", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404  # a cached 404 ...
    curator_client.post(reverse("admin:events_event_changelist"),
                        {"action": "submit_for_review", "_selected_action": [draft.pk]})
    assert client.get(draft.get_absolute_url()).status_code == 404  # submitted, not public
    pending = Review.objects.pending().get()
    editor_client.post(reverse("admin:events_review_change", args=[pending.pk]),
                       {"verdict": "approve"})
    assert client.get(draft.get_absolute_url()).status_code == 200  # ... does not outlive it
    curator_client.post(reverse("admin:events_event_changelist"),
                        {"action": "takedown", "_selected_action": [event.pk],
                         "takedown_reason": "Protects a witness."})
    assert "Novaya Gazeta reports detentions" not in client.get("/").content.decode()


def test_deleting_reaches_readers_at_once(client, event):
    EventFactory(title="Never shown")
    assert "Novaya Gazeta" in client.get("/").content.decode()
    Event.objects.get(pk=event.pk).delete()
    assert "Novaya Gazeta" not in client.get("/").content.decode()


def test_pages_carry_an_etag_and_answer_304(client, event):
    response = client.get("/")
    etag = response["ETag"]
    assert "max-age=0" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    event.title = "Changed"
    event.save()
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_errors_are_not_cached(client, event):
    # A page from the cache renders no template; an error is rendered again every time.
    client.get("/", {"date_from": "2017-12"})
    assert client.get("/", {"date_from": "2017-12"}).templates == []
    assert client.get("/", {"date_from": "2017-13"}).status_code == 400
    again = client.get("/", {"date_from": "2017-13"})
    assert again.status_code == 400 and again.templates


@override_settings(PAGE_CACHE_SECONDS=0)
def test_caching_can_be_turned_off(client, event, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(20) as captured:
        client.get("/")
    assert len(captured.captured_queries) > 1


def test_every_kind_of_change_moves_the_generation(event):
    from .factories import ActorFactory, CategoryFactory, CitationFactory, SourceArticleFactory

    seen = {RecordState.objects.generation()}
    for change in (ActorFactory, CategoryFactory, SourceArticleFactory,
                   lambda: CitationFactory(event=event), lambda: event.save()):
        change()
        generation = RecordState.objects.generation()
        assert generation not in seen
        seen.add(generation)


def test_cached_pages_are_served_compressed_without_recompressing(client, event):
    import gzip

    plain = client.get("/")
    first = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    again = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == plain.content
    assert again.content == first.content  # the stored bytes, not compressed anew
    assert "Accept-Encoding" in again["Vary"] and "HX-Request" in again["Vary"]
    assert client.get("/", headers={"Accept-Encoding": "gzip",
                                    "If-None-Match": again["ETag"]}).status_code == 304


def test_a_cache_miss_reads_the_generation_once(client, event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    reads = [q["sql"] for q in captured.captured_queries if "events_recordstate" in q["sql"]]
    assert len(reads) == 1


def test_a_cached_page_keeps_every_header_of_the_layers_it_skips(client, event):
    miss = client.get("/", {"q": "Novaya"})
    hit = client.get("/", {"q": "Novaya"})
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options",
                   "Cache-Control", "Content-Type", "X-Content-Type-Options", "Referrer-Policy"):
        assert hit[header] == miss[header], header
    assert "HX-Request" in hit["Vary"]


def test_a_missing_page_is_cached_and_outlived_by_publishing(client, event,
                                                             django_assert_num_queries):
    assert client.get("/events/not-yet/").status_code == 404
    with django_assert_num_queries(1):
        assert client.get("/events/not-yet/").status_code == 404
    PublishedEventFactory(title="Not yet", slug="not-yet")
    assert client.get("/events/not-yet/").status_code == 200


def test_only_public_pages_are_cached(client, event, django_assert_max_num_queries):
    client.get("/api/v1/events")
    with django_assert_max_num_queries(20) as captured:
        assert client.get("/api/v1/events").status_code == 200
    assert len(captured.captured_queries) > 1  # answered by the API, not the page cache
    generation = RecordState.objects.generation()

    def stored(path):
        return cache.get(page_cache_key(RequestFactory().get(path), generation)) is not None

    assert client.get("/no-such-page/").status_code == 404
    assert not stored("/api/v1/events") and not stored("/no-such-page/")
    client.get("/")
    assert stored("/")  # what the two checks above would have seen


def test_responses_that_set_or_vary_on_cookies_are_never_stored():
    from django.http import HttpResponse

    from events.caching import _storable

    assert _storable(HttpResponse("page"))
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("sessionid", "x")
    varies = HttpResponse("page")
    varies["Vary"] = "Cookie"
    errors = HttpResponse("bad filter", status=400)
    assert not any(_storable(response) for response in (with_cookie, varies, errors))


@override_settings(PAGE_CACHE_SECONDS=0)
def test_public_pages_must_be_revalidated_with_the_cache_off_too(client, event):
    for path in ("/", event.get_absolute_url(), "/events/no-such-event/"):  # the 404 is raised
        cache_control = client.get(path)["Cache-Control"]
        assert "max-age=0" in cache_control and "s-maxage" not in cache_control, path


FORGED_ORIGIN_HEADERS = {
    "Host": "127.0.0.1:6666",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Port": "6666",
    "X-Forwarded-Server": "evil.example",
    "Forwarded": "host=evil.example;proto=https",
}


def test_no_client_chooses_the_address_other_readers_see(client, event, settings):
    """A request with a forged Host (an allowed host on another port) or X-Forwarded-* headers
    right after a save: neither its own response nor what it leaves in the page cache points
    anywhere but the configured SITE_URL (canonical link, JSON-LD, "Cite this", feed, API)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    slug = event.slug
    urls = [f"/events/{slug}/", "/", "/feed/", "/api/v1/", "/api/v1/events",
            f"/api/v1/events/{slug}", "/api/v1/exports/timelinejs",
            "/api/v1/exports/events.csv", "/api/v1/events?limit=1"]
    for url in urls:
        forged = client.get(url, headers=FORGED_ORIGIN_HEADERS)
        assert forged.status_code == 200, url
        honest = client.get(url)
        for response in (forged, honest):
            text = response.content.decode()
            assert "6666" not in text and "evil.example" not in text, url
            assert "https://testserver" not in text, url
    page = client.get(f"/events/{slug}/").content.decode()
    assert f'<link rel="canonical" href="http://testserver/events/{slug}/">' in page
    assert f'"@id": "http://testserver/events/{slug}/"' in page


def test_a_new_database_never_meets_an_earlier_databases_pages_in_a_shared_cache(client, event):
    """A database rebuilt or restored from a backup (which leaves RecordState out) while the
    cache (Redis) lives on: its count starts from the clock, above any count before it, so its
    pages are not answered with the entries of the record it replaced."""
    for _ in range(3):
        RecordState.objects.bump()
    before = RecordState.objects.generation()
    old_page = client.get("/").content.decode()
    assert "Novaya Gazeta reports detentions" in old_page
    RecordState.objects.all().delete()  # the new database: no row yet...
    Event.objects.update(title="Another record's event")  # ...and another record (no signal)
    RecordState.objects.bump()  # its first change
    assert RecordState.objects.generation() > before
    assert "Another record" in client.get("/").content.decode()
