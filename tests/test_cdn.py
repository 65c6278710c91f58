"""CDN caching by tag: every public page names what it shows, and a committed change purges
exactly the tags of the pages it changed, at a purge endpoint faked on loopback."""

import logging
import time

import pytest
from django.db import transaction

from events.models import Status
from events.sitemaps import SECTIONS

from .factories import EventActorFactory, PublishedEventFactory

pytestmark = [pytest.mark.django_db]


def tags_of(response):
    tags = set(response["Surrogate-Key"].split())
    assert tags == set(response["Cache-Tag"].split(","))
    return tags


def public_pages(record):
    """Every page of the site map, plus a filtered list and a 404."""
    paths = ["/", "/?q=Kadyrov", "/events/no-such-event/", "/sitemap.xml"]
    for section in SECTIONS.values():
        sitemap = section()
        paths += [sitemap.location(item) for item in sitemap.items()]
    return paths


def snapshot(client, paths):
    return {path: client.get(path) for path in paths}


def test_pages_name_what_they_show_by_id_only(client, record):
    event = tags_of(client.get(record.exposé_event.get_absolute_url()))
    assert {f"event-{record.exposé_event.pk}", f"category-{record.reporting.pk}",
            f"actor-{record.novaya.pk}", f"actor-{record.survivor.pk}",
            f"source-{record.expose.pk}", "site"} <= event
    actor = tags_of(client.get(record.kadyrov.get_absolute_url()))
    assert {f"actor-{record.kadyrov.pk}", f"event-{record.denial.pk}",
            f"actor-{record.government.pk}", f"source-{record.hbo.pk}"} <= actor
    assert f"event-{record.exposé_event.pk}" not in actor
    assert "chronology" in tags_of(client.get("/"))
    for response in (client.get(record.survivor.get_absolute_url()), client.get("/")):
        assert "anzor" not in response["Surrogate-Key"].lower()


def test_public_pages_may_be_served_stale_while_revalidating_or_on_error(client, record,
                                                                         settings):
    response = client.get("/")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control
    assert "stale-while-revalidate=30" in cache_control
    assert "stale-if-error=86400" in cache_control
    # Without a purge endpoint no cache may keep pages: nothing would tell it of a change.
    assert "Surrogate-Control" not in response and "CDN-Cache-Control" not in response
    settings.CDN_PURGE_URL = "http://127.0.0.1:9/purge"
    response = client.get("/")
    assert response["Surrogate-Control"].startswith("max-age=86400, stale-while-revalidate")
    assert response["CDN-Cache-Control"] == response["Surrogate-Control"]


def test_a_save_purges_exactly_its_tags_once_on_commit(record, fake_cdn,
                                                       django_capture_on_commit_callbacks):
    event = record.denial
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            event.title = "Kadyrov denies everything on HBO"
            event.save()
            event.summary = "Kadyrov tells HBO that there are no gay men in Chechnya."
            event.save()
            assert fake_cdn.requests == []  # not before the commit
    assert len(fake_cdn.requests) == 1
    request = fake_cdn.requests[0]
    assert request.path == "/service/test-service/purge"
    assert request.headers["Fastly-Key"] == "fake-token"
    assert set(request.headers["Surrogate-Key"].split()) == {
        "chronology", f"event-{event.pk}", f"category-{record.denials.pk}",
    }


def test_a_rolled_back_change_purges_nothing(record, fake_cdn,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                record.denial.title = "Never saved"
                record.denial.save()
                raise RuntimeError("the admin's form failed later")
        except RuntimeError:
            pass
    assert fake_cdn.requests == []


def test_a_draft_edit_purges_nothing_and_publishing_reaches_its_actors_and_sources(
        record, fake_cdn, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record.draft.summary = "Still being checked."
        record.draft.save()
    assert fake_cdn.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        record.draft.status = Status.PUBLISHED
        record.draft.save()
    assert set(fake_cdn.purged_tags()) == {
        "chronology", f"event-{record.draft.pk}", f"category-{record.denials.pk}",
        f"actor-{record.draft_only.pk}", f"source-{record.hbo.pk}",
    }


@pytest.mark.parametrize("change", ["rename actor", "edit event", "move category",
                                    "new participant", "edit source", "unpublish",
                                    "rename place", "edit claim value"])
def test_every_page_a_change_alters_carries_a_purged_tag(client, record, claims, fake_cdn,
                                                         change,
                                                         django_capture_on_commit_callbacks):
    """The property the CDN relies on: after a change, every public page whose content
    differs was tagged (before or after) with a tag the purge named."""
    paths = public_pages(record)
    before = snapshot(client, paths)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "rename actor":
            record.novaya.name = "Novaya Gazeta (Moscow)"
            record.novaya.save()
        elif change == "edit event":
            record.condemnation.summary = "Several governments condemn the purge."
            record.condemnation.save()
        elif change == "move category":
            record.condemnation.category = record.denials
            record.condemnation.save()
        elif change == "new participant":
            EventActorFactory(event=record.denial, actor=record.novaya, role="reported")
        elif change == "edit source":
            record.hbo.title = "Real Sports with Bryant Gumbel"
            record.hbo.save()
        elif change == "rename place":
            record.grozny.name = "Grozny (Chechen capital)"
            record.grozny.save()
        elif change == "edit claim value":
            claims.six.value = "at least seven"
            claims.six.save()
        else:
            record.exposé_event.status = Status.DRAFT
            record.exposé_event.save()
    purged = set(fake_cdn.purged_tags())
    assert purged
    after = snapshot(client, paths)
    changed = [path for path in paths if before[path].content != after[path].content]
    assert changed
    for path in changed:
        tagged = tags_of(before[path]) | tags_of(after[path])
        assert tagged & purged, f"{path} changed but none of its tags {tagged} was purged"
    assert "site" not in purged  # never everything


def test_one_purge_per_transaction_with_inlines(record, fake_cdn,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = PublishedEventFactory(category=record.reporting, citation__source=record.hbo)
        EventActorFactory(event=event, actor=record.kadyrov)
    assert len(fake_cdn.requests) == 1
    assert {f"event-{event.pk}", f"actor-{record.kadyrov.pk}", f"source-{record.hbo.pk}",
            f"category-{record.reporting.pk}", "chronology"} <= set(fake_cdn.purged_tags())


def test_cloudflare_format_in_batches_of_thirty(record, fake_cdn, settings):
    from events import cdn

    settings.CDN_PURGE_FORMAT = "cloudflare"
    cdn.purge({f"event-{n}" for n in range(45)})
    assert len(fake_cdn.requests) == 2
    first = fake_cdn.requests[0]
    assert first.headers["Authorization"] == "Bearer fake-token"
    assert first.headers["Content-Type"] == "application/json"
    assert len(fake_cdn.purged_tags()) == 45 and len(set(fake_cdn.purged_tags())) == 45


@pytest.mark.parametrize("fault", ["refused", "hanging", "error status"])
def test_a_failing_purge_endpoint_never_fails_or_holds_up_a_save(
        record, fake_cdn, settings, caplog, fault, django_capture_on_commit_callbacks):
    if fault == "refused":
        fake_cdn.close()
    elif fault == "hanging":
        fake_cdn.hang.set()
    else:
        settings.CDN_PURGE_URL = fake_cdn.url + "/no-such-endpoint"
        fake_cdn.server.RequestHandlerClass.do_POST = lambda handler: handler.send_error(503)
    caplog.set_level(logging.WARNING, logger="events.cdn")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        record.denial.title = "Saved whatever the CDN does"
        record.denial.save()
    assert time.monotonic() - started < 2  # the 0.5 s timeout, not the hang
    record.denial.refresh_from_db()
    assert record.denial.title == "Saved whatever the CDN does"
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert "CDN purge failed" in warning and f"event-{record.denial.pk}" in warning
