"""Readers' correction reports: the form, its spam protections, the page cache, retention."""

import datetime
import io
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.corrections import form_token
from events.models import CorrectionReport, RecordState

from .factories import PublishedEventFactory

pytestmark = pytest.mark.django_db

MESSAGE = "The date is wrong: Novaya Gazeta published on 1 April, not 2 April."


@pytest.fixture
def event():
    return PublishedEventFactory(title="Novaya Gazeta reports detentions", slug="novaya-reports")


def url(event):
    return reverse("events:event_correction", args=[event.slug])


def report(event, seconds_ago=30, **overrides):
    """A report as a person sends it: the form served half a minute ago."""
    return {
        "message": MESSAGE, "source_url": "https://novayagazeta.example/expose",
        "contact": "", "website": "",
        "token": form_token(event, now=time.time() - seconds_ago), **overrides,
    }


def test_every_event_page_offers_the_form_and_stays_cacheable(client, event, settings):
    settings.PAGE_CACHE_SECONDS = 600
    page = client.get(event.get_absolute_url())
    body = page.content.decode()
    assert "Suggest a correction" in body
    # Without JavaScript, a link to the form; with it, the form is loaded in place.
    assert f'<a href="{url(event)}">Open the correction form</a>' in body
    assert f'hx-get="{url(event)}"' in body
    # The page is the same for everyone: no token, no cookie, stored by the page cache.
    assert "csrfmiddlewaretoken" not in body and not page.cookies
    assert "public" in page["Cache-Control"]
    assert client.get(event.get_absolute_url()).content == page.content


def test_the_form_is_served_uncached_with_its_tokens(client, event):
    response = client.get(url(event))
    assert response.status_code == 200
    body = response.content.decode()
    assert "csrfmiddlewaretoken" in body and 'name="token"' in body
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in body
    assert "csrftoken" in response.cookies
    fragment = client.get(url(event), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="correction-form"' in fragment


def test_a_report_is_stored_for_the_curators_only(client, curator_client, event):
    response = client.post(url(event), report(event, contact="reader@example.org"))
    assert response.status_code == 200
    assert "your report has reached the curators" in response.content.decode()
    stored = CorrectionReport.objects.get()
    assert (stored.event, stored.message, stored.contact) == (event, MESSAGE,
                                                               "reader@example.org")
    assert stored.source_url == "https://novayagazeta.example/expose"
    # Nothing about the reader beyond what they typed.
    fields = {field.name for field in CorrectionReport._meta.get_fields()}
    assert fields == {"id", "event", "message", "source_url", "contact", "received_at",
                      "handled"}
    assert MESSAGE not in client.get(event.get_absolute_url()).content.decode()
    listing = curator_client.get(reverse("admin:events_correctionreport_changelist"))
    assert "The date is wrong" in listing.content.decode()


def test_a_report_does_not_empty_the_page_cache(client, event):
    generation = RecordState.objects.generation()
    client.post(url(event), report(event))
    assert CorrectionReport.objects.count() == 1
    assert RecordState.objects.generation() == generation


def test_the_form_works_with_csrf_checks_on(event):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(url(event), report(event)).status_code == 403  # no token: refused
    page = browser.get(url(event)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(url(event), {**report(event), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert CorrectionReport.objects.count() == 1


class TestSpamProtections:
    def test_a_filled_honeypot_is_thanked_and_nothing_is_stored(self, client, event):
        response = client.post(url(event), report(event, website="http://spam.example"))
        assert response.status_code == 200
        assert "your report has reached the curators" in response.content.decode()
        assert not CorrectionReport.objects.exists()

    def test_the_honeypot_is_hidden_from_people(self, client, event):
        body = client.get(url(event)).content.decode()
        honeypot = re.search(r'<p class="hp" aria-hidden="true">.*?</p>', body).group(0)
        assert 'name="website"' in honeypot and 'tabindex="-1"' in honeypot

    def test_a_form_sent_too_fast_is_refused_with_the_words_kept(self, client, event):
        response = client.post(url(event), report(event, seconds_ago=0))
        assert response.status_code == 400
        body = response.content.decode()
        assert "faster than a person can read and type" in body
        assert "Novaya Gazeta published on 1 April" in body  # the reader's words, kept
        assert not CorrectionReport.objects.exists()
        # ... with a fresh token, which a person sending again later gets through with.
        token = re.search(r'name="token" value="([^"]+)"', body).group(1)
        assert token != report(event, seconds_ago=0)["token"]

    @pytest.mark.parametrize("token,reason", [
        ("", "not one this site served"),
        ("forged", "not one this site served"),
        ("expired", "opened too long ago"),
        ("other-event", "belongs to another event"),
    ])
    def test_a_missing_forged_expired_or_borrowed_token_is_refused(self, client, event, token,
                                                                   reason):
        other = PublishedEventFactory()
        tokens = {
            "expired": form_token(event, now=time.time() - 13 * 3600),
            "other-event": form_token(other, now=time.time() - 30),
        }
        response = client.post(url(event), report(event, token=tokens.get(token, token)))
        assert response.status_code == 400
        assert reason in response.content.decode()
        assert not CorrectionReport.objects.exists()

    def test_one_address_may_send_only_so_many_an_hour(self, client, event, settings):
        settings.CORRECTION_REPORTS_PER_HOUR = 2
        for _ in range(2):
            assert client.post(url(event), report(event)).status_code == 200
        response = client.post(url(event), report(event))
        assert response.status_code == 429
        assert "Too many reports have come from your connection" in response.content.decode()
        assert CorrectionReport.objects.count() == 2
        # Another address is not held back.
        other = Client(REMOTE_ADDR="192.0.2.7")
        assert other.post(url(event), report(event)).status_code == 200

    def test_bad_input_gets_messages_not_errors(self, client, event):
        response = client.post(url(event), report(
            event, message="", source_url="javascript:alert(1)", contact="not an address"))
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert set(errors) == {"message", "source_url", "contact"}
        assert client.post(url(event), {"message": "x" * 6000}).status_code == 400

    def test_only_published_events_take_reports(self, client, record):
        assert client.get(url(record.draft)).status_code == 404
        assert client.post(url(record.draft), report(record.draft)).status_code == 404
        assert client.put(url(record.exposé_event)).status_code == 405


class TestRetention:
    def test_expired_reports_are_purged_by_the_command(self, event, settings):
        settings.CORRECTION_RETENTION_DAYS = 30
        now = timezone.now()
        old = CorrectionReport.objects.create(
            event=event, message="old", received_at=now - datetime.timedelta(days=31))
        recent = CorrectionReport.objects.create(
            event=event, message="recent", received_at=now - datetime.timedelta(days=29))
        out = io.StringIO()
        call_command("purge_correction_reports", stdout=out)
        assert "Deleted 1 correction reports older than 30 days" in out.getvalue()
        assert list(CorrectionReport.objects.all()) == [recent]
        assert not CorrectionReport.objects.filter(pk=old.pk).exists()

    def test_a_new_report_purges_the_expired_ones(self, client, event, settings):
        settings.CORRECTION_RETENTION_DAYS = 30
        CorrectionReport.objects.create(
            event=event, message="old",
            received_at=timezone.now() - datetime.timedelta(days=40))
        client.post(url(event), report(event))
        assert list(CorrectionReport.objects.values_list("message", flat=True)) == [MESSAGE]

    def test_the_about_page_says_what_is_kept_and_for_how_long(self, client, settings):
        settings.CORRECTION_RETENTION_DAYS = 45
        body = client.get(reverse("events:about")).content.decode()
        assert "What we keep when you suggest a correction" in body
        assert "deleted automatically 45 days after they arrive" in body
        assert "We do not keep your IP address" in body

    def test_reports_are_not_in_backups(self, event, tmp_path):
        CorrectionReport.objects.create(event=event, message="a reader's words")
        target = tmp_path / "backup.json"
        call_command("backup_record", str(target), stderr=io.StringIO())
        text = target.read_text()
        assert '"model": "events.correctionreport"' not in text
        assert "a reader's words" not in text
