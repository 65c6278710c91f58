"""The whole review flow through the admin, as two people (author, editor) would drive it;
previews; takedowns; the admin index's queue (docs/review.md)."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from events import preview
from events.models import Event, Review, Statement, Status

from .factories import CitationFactory, EventFactory, PublishedEventFactory, StatementFactory
from .helpers import change_form, form_data, inline_management

pytestmark = pytest.mark.django_db

CORRECTED = "The newspaper reports that more than a hundred men were held in Argun."
# Every surface a reader reads an event on: the page, the list, the API, the exports, the feed.
READER_SURFACES = ["/events/novaya-gazeta-reports/", "/", "/api/v1/events?limit=200",
                   "/api/v1/events/novaya-gazeta-reports", "/api/v1/exports/events.csv",
                   "/api/v1/exports/timelinejs", "/feed/"]


def readers_see(client, text):
    return {url: text in client.get(url).content.decode() for url in READER_SURFACES}


def review_page(client, pending):
    return client.get(reverse("admin:events_review_change", args=[pending.pk]))


def decide(client, pending, verdict, comment="", checked=()):
    return client.post(reverse("admin:events_review_change", args=[pending.pk]),
                       {"verdict": verdict, "review_comment": comment,
                        "checked": list(checked)}, follow=True)


class TestChangeToAPublishedEvent:
    def test_the_whole_flow_with_an_author_and_an_editor(self, client, curator_client,
                                                         editor_client, editor, record):
        event = record.exposé_event
        original = event.summary
        data = change_form(curator_client, event)
        data.update(summary=CORRECTED, review_note="Wording as in the AP's report.")
        response = curator_client.post(reverse("admin:events_event_change", args=[event.pk]),
                                       data, follow=True)
        page = response.content.decode()
        assert "awaits review by an editor" in page
        assert "changed successfully" not in page

        # Meanwhile readers see the approved version everywhere, and the history is unchanged.
        assert readers_see(client, CORRECTED) == dict.fromkeys(READER_SURFACES, False)
        assert all(readers_see(client, "Novaya Gazeta reports the detentions").values())
        assert Event.objects.get(pk=event.pk).summary == original
        assert not Version.objects.get_for_object(event).exists()

        pending = Review.objects.pending().get()
        assert (pending.kind, pending.author.username, pending.comment) == (
            "change", "curator", "Wording as in the AP's report.")
        shown = review_page(editor_client, pending).content.decode()
        assert original in shown and CORRECTED in shown  # what readers see, what is proposed
        assert "Approve and publish" in shown

        decided = decide(editor_client, pending, "approve", "Matches the AP.",
                         ["sources", "people_at_risk"])
        assert "Approved" in decided.content.decode()
        assert all(readers_see(client, CORRECTED).values())
        pending.refresh_from_db()
        assert (pending.state, pending.reviewer, pending.review_comment, pending.checked) == (
            Review.State.APPROVED, editor, "Matches the AP.", ["sources", "people_at_risk"])
        revision = Version.objects.get_for_object(event).first().revision
        assert revision.user == editor
        assert "Matches the AP." in revision.comment and "curator" in revision.comment

        # The review is in the item's history page.
        history = editor_client.get(reverse("admin:events_event_history", args=[event.pk]))
        assert "Matches the AP." in history.content.decode()

    def test_citations_and_actors_changed_in_the_form_wait_too(self, client, curator_client,
                                                              editor_client, record):
        event = record.exposé_event
        data = change_form(curator_client, event)
        data.update({
            **inline_management("citations", 2, initial=1),
            "citations-1-source": record.hbo.pk,
            "citations-1-excerpt": "A second supporting passage.",
            "participations-0-role": "reported first",
        })
        curator_client.post(reverse("admin:events_event_change", args=[event.pk]), data)
        assert event.citations.count() == 1
        assert "A second supporting passage." not in client.get(
            event.get_absolute_url()).content.decode()
        pending = Review.objects.pending().get()
        assert set(pending.changes) == {"citations", "participations"}
        decide(editor_client, pending, "approve")
        page = client.get(event.get_absolute_url()).content.decode()
        assert "A second supporting passage." in page and "reported first" in page

    def test_sent_back_with_a_comment(self, client, curator_client, editor_client, record):
        event = record.exposé_event
        curator_client.post(reverse("admin:events_event_change", args=[event.pk]),
                            {**change_form(curator_client, event), "summary": CORRECTED})
        pending = Review.objects.pending().get()
        refused = decide(editor_client, pending, "send_back")
        assert "Say what needs doing" in refused.content.decode()
        decide(editor_client, pending, "send_back", "The AP does not say held.")
        pending.refresh_from_db()
        assert pending.state == Review.State.SENT_BACK
        assert not readers_see(client, CORRECTED)["/events/novaya-gazeta-reports/"]

    def test_a_reverted_version_waits_for_review_too(self, client, curator_client, editor,
                                                    record):
        import reversion

        event = record.exposé_event
        with reversion.create_revision():
            Event.objects.get(pk=event.pk).save()
        with reversion.create_revision():
            current = Event.objects.get(pk=event.pk)
            current.summary = "Approved later wording."
            current.save()
        oldest = Version.objects.get_for_object(event).last()
        url = reverse("admin:events_event_revision", args=[event.pk, oldest.pk])
        response = curator_client.post(url, form_data(curator_client.get(url)))
        assert response.status_code == 302
        assert Event.objects.get(pk=event.pk).summary == "Approved later wording."
        assert Review.objects.pending().get().changes["summary_en"] == event.summary

    def test_a_statement_change_waits(self, client, curator_client, editor_client, record):
        statement = record.testimony
        url = reverse("admin:events_statement_change", args=[statement.pk])
        data = form_data(curator_client.get(url))
        curator_client.post(url, {**data, "venue": "to the AP"})
        assert Statement.objects.get(pk=statement.pk).venue == "to Novaya Gazeta"
        decide(editor_client, Review.objects.pending().get(), "approve")
        assert Statement.objects.get(pk=statement.pk).venue == "to the AP"


class TestNobodyPublishesAlone:
    def test_an_editor_cannot_approve_their_own_change(self, client, editor_client,
                                                       record):
        event = record.exposé_event
        editor_client.post(reverse("admin:events_event_change", args=[event.pk]),
                           {**change_form(editor_client, event), "summary": CORRECTED})
        pending = Review.objects.pending().get()
        page = review_page(editor_client, pending).content.decode()
        assert "Approve and publish" not in page and "your own change" in page
        refused = decide(editor_client, pending, "approve")
        assert "cannot approve or send back their own change" in refused.content.decode()
        assert Review.objects.get(pk=pending.pk).state == Review.State.PENDING
        assert not readers_see(client, CORRECTED)["/events/novaya-gazeta-reports/"]

    def test_a_curator_cannot_publish_directly(self, client, curator_client, record):
        draft = record.draft
        data = change_form(curator_client, draft)
        assert "status" not in data  # read only
        curator_client.post(reverse("admin:events_event_change", args=[draft.pk]),
                            {**data, "status": "published"})
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_a_curator_cannot_approve(self, curator_client, editor, record):
        event = record.exposé_event
        Client()  # a second session, as another editor's
        from events import review

        pending = review.propose_change(event, {"summary": CORRECTED}, editor)
        refused = decide(curator_client, pending, "approve")
        assert "Only an editor" in refused.content.decode()
        assert Review.objects.get(pk=pending.pk).state == Review.State.PENDING

    def test_a_new_citation_of_a_published_event_is_added_on_its_page(self, curator_client,
                                                                      record):
        response = curator_client.post(reverse("admin:events_citation_add"), {
            "source": record.hbo.pk, "event": record.exposé_event.pk,
            "excerpt": "Sneaked in.",
        })
        assert response.status_code == 200
        assert "where the change waits for an editor" in response.content.decode()
        assert not record.exposé_event.citations.filter(excerpt="Sneaked in.").exists()

    def test_a_published_events_statements_are_edited_on_their_own_pages(self, curator_client,
                                                                          record):
        event = record.exposé_event
        data = change_form(curator_client, event)
        curator_client.post(reverse("admin:events_event_change", args=[event.pk]),
                            {**data, "statements-0-venue": "Changed in the inline"})
        assert Statement.objects.get(pk=record.testimony.pk).venue == "to Novaya Gazeta"
        assert not Review.objects.exists()


class TestRecovery:
    def test_a_deleted_published_event_comes_back_as_a_draft_for_review(
            self, admin_client, curator_client, client, record):
        import reversion

        event = record.condemnation
        with reversion.create_revision():
            event.save()
        admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
        deleted = Version.objects.get_deleted(Event).get()
        url = reverse("admin:events_event_recover", args=[deleted.pk])
        response = curator_client.post(url, form_data(curator_client.get(url)))
        assert response.status_code == 302
        assert Event.objects.get(pk=event.pk).status == Status.DRAFT
        assert Review.objects.pending().get().kind == "new"
        assert Client().get(event.get_absolute_url()).status_code == 404


class TestNewItems:
    def test_submitted_draft_is_published_by_another_editor(self, client, curator_client,
                                                            editor_client, record):
        draft = PublishedEventFactory(title="Checked and ready", status=Status.DRAFT)
        response = curator_client.post(
            reverse("admin:events_event_change", args=[draft.pk]),
            {**change_form(curator_client, draft), "submit_for_review": "on",
             "review_note": "Ready."})
        assert response.status_code == 302, response.context["errors"]
        assert client.get(draft.get_absolute_url()).status_code == 404
        pending = Review.objects.pending().get()
        assert (pending.kind, pending.comment) == ("new", "Ready.")
        decide(editor_client, pending, "approve", checked=["sources"])
        assert client.get(draft.get_absolute_url()).status_code == 200


class TestPreview:
    @pytest.fixture
    def pending(self, record, curator):
        from events import review

        return review.propose_change(record.exposé_event, {"summary": CORRECTED}, curator)

    def test_staff_see_the_change_as_readers_would(self, curator_client, pending):
        response = curator_client.get(preview.review_preview_path(pending))
        page = response.content.decode()
        assert response.status_code == 200
        assert CORRECTED in page and "Preview, not public" in page
        assert '<meta name="robots" content="noindex, nofollow">' in page
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]

    def test_a_draft_is_previewed_as_published(self, curator_client, record):
        response = curator_client.get(preview.item_preview_path(record.draft))
        assert response.status_code == 200
        page = response.content.decode()
        assert record.draft.title in page
        assert "Words in a draft event stay unpublished." in page  # its statements too

    def test_anonymous_and_non_staff_are_refused(self, client, django_user_model, pending,
                                                 record):
        for path in (preview.review_preview_path(pending),
                     preview.item_preview_path(record.draft)):
            response = client.get(path)
            assert response.status_code == 302 and "/login/" in response["Location"]
            assert CORRECTED not in response.content.decode()
        reader = django_user_model.objects.create_user("reader", password="x" * 20)
        client.force_login(reader)
        assert client.get(preview.review_preview_path(pending)).status_code == 403

    def test_a_signed_link_opens_without_an_account(self, client, pending):
        url = preview.signed_preview_url(pending)
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200 and CORRECTED in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"

    def test_a_tampered_or_expired_link_is_refused(self, client, pending, settings):
        path = preview.signed_preview_url(pending).removeprefix("http://testserver")
        tampered = path.replace("/s/", "/s/x")
        response = client.get(tampered)
        assert response.status_code == 403 and "not valid" in response.content.decode()
        forged = signing.dumps({"review": pending.pk}, salt="another-salt")
        assert client.get(f"/preview/s/{forged}/").status_code == 403
        settings.PREVIEW_LINK_HOURS = 0
        import time

        time.sleep(1.1)
        response = client.get(path)
        assert response.status_code == 403 and "expired" in response.content.decode()

    def test_a_link_to_a_decided_change_shows_nothing(self, client, pending, editor):
        from events import review

        path = preview.signed_preview_url(pending).removeprefix("http://testserver")
        review.send_back(pending, editor, "No.")
        response = client.get(path)
        assert response.status_code == 404 and CORRECTED not in response.content.decode()

    def test_a_preview_never_reaches_the_page_cache(self, curator_client, pending, settings):
        settings.PAGE_CACHE_SECONDS = 600
        curator_client.get(preview.review_preview_path(pending))
        client = Client()
        page = client.get("/events/novaya-gazeta-reports/").content.decode()
        assert CORRECTED not in page
        assert client.get(preview.review_preview_path(pending)).status_code == 302


class TestTakedown:
    def test_immediate_and_logged(self, client, curator_client, curator, record):
        statement = record.testimony
        url = reverse("admin:events_statement_changelist")
        curator_client.post(url, {"action": "takedown", "_selected_action": [statement.pk],
                                  "takedown_reason": "Identifies the witness."})
        assert statement not in Statement.objects.public()
        assert "They beat us with pipes." not in client.get(
            record.exposé_event.get_absolute_url()).content.decode()
        log = Review.objects.get()
        assert (log.kind, log.state, log.author, log.comment) == (
            "takedown", "done", curator, "Identifies the witness.")
        revision = Version.objects.get_for_object(statement).first().revision
        assert "Identifies the witness." in revision.comment


class TestAttentionQueue:
    def test_each_line_counts_and_links_to_where_it_is_fixed(self, curator_client, editor,
                                                             curator, record):
        from events import review

        review.propose_change(record.exposé_event, {"summary": CORRECTED}, editor)
        review.propose_change(record.denial, {"location": "Grozny"}, curator)
        stale = EventFactory(title="Forgotten draft")
        CitationFactory(event=stale)
        Event.objects.filter(pk=stale.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=8))
        page = curator_client.get(reverse("admin:index")).content.decode()
        assert "What needs attention" in page
        assert "Others&#x27; changes awaiting an editor" in page or \
            "Others' changes awaiting an editor" in page
        assert "Your changes awaiting review" in page
        assert "Draft events untouched for 7 days or more" in page
        changelist = curator_client.get(reverse("admin:events_event_changelist") + "?stale=yes")
        assert changelist.status_code == 200
        listed = changelist.content.decode()
        assert "Forgotten draft" in listed and record.draft.title not in listed
        mine = curator_client.get(reverse("admin:events_review_changelist")
                                  + "?state__exact=pending&mine=mine").content.decode()
        assert "Kadyrov denies on HBO" in mine and "Novaya Gazeta reports" not in mine

    def test_an_editor_sees_what_awaits_them(self, editor_client, curator, record):
        from events import review

        review.propose_change(record.exposé_event, {"summary": CORRECTED}, curator)
        page = editor_client.get(reverse("admin:index")).content.decode()
        assert "Changes awaiting your review" in page

    def test_the_index_query_count_does_not_grow_with_the_queue(
            self, curator_client, curator, editor, record, django_assert_num_queries):
        from events import review

        url = reverse("admin:index")
        curator_client.get(url)
        # 8, and the curators' queue sections (events/curation_queue.py): one each for excerpts,
        # sources, readers' reports, disputed events without claims and translations.
        with django_assert_num_queries(13) as captured:
            curator_client.get(url)
        for number in range(5):
            event = PublishedEventFactory(slug=f"more-{number}")
            review.propose_change(event, {"summary": f"Change {number}"}, editor)
            StatementFactory()
        with django_assert_num_queries(len(captured.captured_queries)):
            curator_client.get(url)

    def test_staff_outside_the_groups_see_no_lines_they_cannot_open(self, curator, record,
                                                                     django_user_model):
        from events import review

        review.propose_change(record.exposé_event, {"summary": CORRECTED}, curator)
        outsider = django_user_model.objects.create_user("outsider", is_staff=True)
        client = Client()
        client.force_login(outsider)
        page = client.get(reverse("admin:index")).content.decode()
        assert "Nothing needs attention" in page and "awaiting" not in page
