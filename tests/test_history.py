"""Edit history, revert, recovery of deleted items, the public change log, and refusing a
save made over someone else's (optimistic concurrency), in the admin and under two real
PostgreSQL transactions."""

import threading
import time

import pytest
import reversion
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from events.fields import ConcurrentEditError
from events.history import public_change_log
from events import review
from events.models import Citation, Event, EventActor, Review, Statement, Status

from .factories import (
    CitationFactory,
    EventActorFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
)
from .helpers import change_form, form_data

pytestmark = pytest.mark.django_db


def edit(client, event, **changes):
    """Saves event through its admin change form with some fields changed."""
    data = {**change_form(client, event), **changes}
    return client.post(reverse("admin:events_event_change", args=[event.pk]), data)


def oldest_version_form(client, event):
    """The address of the revert form of event's oldest version, and that form."""
    oldest = Version.objects.get_for_object(event).last()
    revert_url = reverse("admin:events_event_revision", args=[event.pk, oldest.pk])
    return revert_url, client.get(revert_url)


@pytest.fixture
def second_curator_client(django_user_model):
    other = django_user_model.objects.create_user(
        "second-curator", password="another long passphrase", is_staff=True
    )
    other.groups.add(Group.objects.get(name="Curators"))
    second = Client()
    second.force_login(other)
    return second


@pytest.fixture
def event():
    """A cited draft: curators' saves of a draft apply at once (a published item's wait for
    review, tests/test_review_flow.py), so history and concurrency are tested on it."""
    with reversion.create_revision():
        event = PublishedEventFactory(title="Novaya Gazeta reports detentions",
                                      summary="About 100 men were detained.",
                                      status=Status.DRAFT)
    return event


@pytest.fixture
def published_event():
    with reversion.create_revision():
        event = PublishedEventFactory(title="Novaya Gazeta reports detentions",
                                      summary="About 100 men were detained.")
    return event


class TestHistory:
    def test_every_admin_save_is_recorded_with_who_and_what(self, curator_client, curator,
                                                            event):
        data = change_form(curator_client, event)
        data["summary"] = "Over 100 men were detained."
        response = curator_client.post(reverse("admin:events_event_change", args=[event.pk]),
                                       data)
        assert response.status_code == 302
        newest = Version.objects.get_for_object(event).first()
        assert newest.revision.user == curator
        assert newest.field_dict["summary"] == "Over 100 men were detained."
        assert "Changed Summary" in newest.revision.get_comment()
        history = curator_client.get(reverse("admin:events_event_history", args=[event.pk]))
        assert "curator" in history.content.decode()

    def test_a_curator_can_revert_to_an_earlier_version(self, curator_client, event):
        edit(curator_client, event, summary="A mistaken correction.")
        revert_url, form = oldest_version_form(curator_client, event)
        assert form.status_code == 200
        response = curator_client.post(revert_url, form_data(form))
        assert response.status_code == 302
        event.refresh_from_db()
        assert event.summary == "About 100 men were detained."

    def test_reverting_deletes_nothing_for_a_curator(self, curator_client, event):
        """Curators cannot delete: reverting to a version from before rows were added keeps
        them (django-reversion's revert deletes them, checking only the change permission)."""
        with reversion.create_revision():
            newer_citation = CitationFactory(event=event, excerpt="A second supporting passage.")
            role = EventActorFactory(event=event, role="denied")
            statement = PublishedStatementFactory(event=event, date=event.start_date)
            event.save()
        revert_url, form = oldest_version_form(curator_client, event)
        response = curator_client.post(revert_url, form_data(form))
        assert response.status_code == 302
        assert Citation.objects.filter(pk=newer_citation.pk).exists()
        assert EventActor.objects.filter(pk=role.pk).exists()
        assert Statement.objects.filter(pk=statement.pk).exists()
        assert statement.citations.count() == 1

    def test_a_stale_revert_is_refused_like_a_stale_save(
        self, curator_client, second_curator_client, event
    ):
        edit(curator_client, event, summary="A mistaken correction.")
        revert_url, form = oldest_version_form(curator_client, event)
        edit(second_curator_client, event,
             title="Saved while the other curator looked at the old version")
        response = curator_client.post(revert_url, form_data(form))
        assert response.status_code == 200
        assert "Someone else saved this event after you opened it" in response.content.decode()
        event.refresh_from_db()
        assert event.title == "Saved while the other curator looked at the old version"

    def test_a_deleted_event_is_restored_with_its_citations(self, admin_client, curator_client,
                                                           event):
        with reversion.create_revision():
            CitationFactory(event=event, excerpt="A second supporting passage.")
            event.save()
        excerpts = set(event.citations.values_list("excerpt", flat=True))
        assert len(excerpts) == 2
        admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
        assert not Event.objects.filter(pk=event.pk).exists()
        assert not Citation.objects.filter(excerpt__in=excerpts).exists()

        recover_list = curator_client.get(reverse("admin:events_event_recoverlist"))
        assert event.title in recover_list.content.decode()
        deleted = Version.objects.get_deleted(Event).get()
        recover_url = reverse("admin:events_event_recover", args=[deleted.pk])
        form = curator_client.get(recover_url)
        response = curator_client.post(recover_url, form_data(form))
        assert response.status_code == 302
        restored = Event.objects.get(pk=event.pk)
        assert restored.title == event.title
        assert set(restored.citations.values_list("excerpt", flat=True)) == excerpts




class TestPublicChangeLog:
    def test_corrections_are_listed_without_curator_names(self, client, curator_client, editor,
                                                         published_event):
        data = change_form(curator_client, published_event)
        data["summary"] = "Over 100 men were detained."
        data["verification"] = "disputed"
        data["verification_note"] = "Counts differ between the sources."
        url = reverse("admin:events_event_change", args=[published_event.pk])
        curator_client.post(url, data)
        assert public_change_log(published_event) == []  # pending: readers see no change yet
        review.approve(Review.objects.pending().get(), editor)

        log = public_change_log(published_event)
        assert len(log) == 1
        assert log[0][1] == ["summary", "verification", "note on the evidence"]
        page = client.get(published_event.get_absolute_url()).content.decode()
        assert "summary, verification, note on the evidence changed" in page
        assert "Last updated" in page
        assert "curator" not in page.lower().replace("curators", "")
        assert "editor" not in page.lower()

    def test_no_corrections_yet(self, client, published_event):
        assert public_change_log(published_event) == []
        assert "No corrections since publication" in client.get(
            published_event.get_absolute_url()).content.decode()

    def test_published_event_page_queries_do_not_grow_with_history(self, client, published_event,
                                                         django_assert_num_queries):
        def edit(number):
            with reversion.create_revision():
                published_event.summary = f"Correction {number}"
                published_event.save()

        edit(1)
        url = published_event.get_absolute_url()
        client.get(url)
        with django_assert_num_queries(8) as captured:
            client.get(url)
        counted = len(captured.captured_queries)
        for number in range(2, 12):
            edit(number)
        client.get(url)  # as above: the second request, with the parts kept for the generation
        with django_assert_num_queries(counted):
            response = client.get(url)
        assert response.content.decode().count("summary changed") == 11


class TestConcurrentEdits:
    def test_the_second_of_two_curators_is_refused_with_what_changed(
        self, curator_client, second_curator_client, event
    ):
        url = reverse("admin:events_event_change", args=[event.pk])
        first = change_form(curator_client, event)
        second = change_form(second_curator_client, event)

        first["summary"] = "First curator's correction."
        assert curator_client.post(url, first).status_code == 302

        second["title"] = "Second curator's title"
        response = second_curator_client.post(url, second)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Someone else saved this event after you opened it" in page
        assert "First curator&#x27;s correction." in page or "First curator's correction." in page
        assert 'value="Second curator&#x27;s title"' in page  # their edits are kept in the form

        event.refresh_from_db()
        assert event.summary == "First curator's correction."
        assert event.title == "Novaya Gazeta reports detentions"

    @pytest.mark.parametrize(("model", "first_edit", "second_edit"), [
        ("citation", {"excerpt": "A corrected supporting passage."}, {"note": "Page 2."}),
        ("category", {"description": "Reporting of the detentions."}, {"name": "Reports"}),
    ])
    def test_every_part_of_the_record_refuses_a_stale_save(
        self, curator_client, second_curator_client, event, model, first_edit, second_edit
    ):
        obj = event.citations.get() if model == "citation" else event.category
        url = reverse(f"admin:events_{model}_change", args=[obj.pk])
        first = form_data(curator_client.get(url))
        second = form_data(second_curator_client.get(url))
        assert curator_client.post(url, {**first, **first_edit}).status_code == 302
        response = second_curator_client.post(url, {**second, **second_edit})
        assert response.status_code == 200
        assert f"Someone else saved this {model} after you opened it" in response.content.decode()
        obj.refresh_from_db()
        for field, value in first_edit.items():
            assert getattr(obj, field) == value

    # An actor's role has no page of its own: it changes only with its event, whose version
    # already covers it.
    @pytest.mark.parametrize("inline", ["citations", "statements"])
    def test_a_stale_inline_row_is_refused(
        self, curator_client, second_curator_client, event, inline
    ):
        PublishedStatementFactory(event=event, date=event.start_date, venue="to Interfax")
        row = getattr(event, inline).get()
        field = {"citations": "note", "statements": "venue"}[inline]
        opened_before = change_form(curator_client, event)

        # Someone else changes that row on its own page ...
        url = reverse(f"admin:events_{row._meta.model_name}_change", args=[row.pk])
        other = form_data(second_curator_client.get(url))
        assert second_curator_client.post(url, {**other, field: "Theirs"}).status_code == 302

        # ... then the row is edited in the event form opened before: refused, theirs kept.
        response = curator_client.post(
            reverse("admin:events_event_change", args=[event.pk]),
            {**opened_before, f"{inline}-0-{field}": "Mine"},
        )
        assert response.status_code == 200
        assert f"Someone else saved this {row._meta.verbose_name} after you opened it" in (
            response.content.decode()
        )
        row.refresh_from_db()
        assert getattr(row, field) == "Theirs"

    def test_a_stale_copy_is_refused_at_the_model_level(self, event):
        first, second = Event.objects.get(pk=event.pk), Event.objects.get(pk=event.pk)
        for copy in (first, second):
            copy.expected_version = copy.version
        first.summary = "First."
        first.save()
        second.summary = "Second."
        with pytest.raises(ConcurrentEditError), transaction.atomic():
            second.save()
        event.refresh_from_db()
        assert (event.summary, event.version) == ("First.", first.version)

    def test_every_save_bumps_the_version(self, event):
        before = Event.objects.get(pk=event.pk).version
        event.save()
        Event.objects.filter(pk=event.pk).update(title="Bulk")  # no version: not an edit copy
        event.save()
        assert Event.objects.get(pk=event.pk).version == before + 2


@pytest.mark.django_db(transaction=True)
def test_two_real_transactions_cannot_both_save_the_same_version():
    """Two PostgreSQL transactions read the same version and both save: the row lock makes
    the second UPDATE wait for the first to commit, then it matches no row and is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL's row locks and concurrent transactions (CI runs it).")
    event = PublishedEventFactory(summary="Original.")
    both_have_read = threading.Barrier(2, timeout=10)
    outcome = {}

    def edit(name, pause_before_save, hold_after_save):
        try:
            with transaction.atomic():
                copy = Event.objects.get(pk=event.pk)
                copy.expected_version = copy.version
                both_have_read.wait()
                time.sleep(pause_before_save)
                copy.summary = f"{name} edit."
                copy.save()
                time.sleep(hold_after_save)  # keep the row locked while the other waits
            outcome[name] = "saved"
        except ConcurrentEditError:
            outcome[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=("First", 0, 0.5)),
        threading.Thread(target=edit, args=("Second", 0.2, 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert outcome == {"First": "saved", "Second": "refused"}
    opened = event.version
    event.refresh_from_db()
    assert event.summary == "First edit."
    assert event.version == opened + 1  # one save went through, the refused one wrote nothing
