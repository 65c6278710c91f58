"""Four eyes (events/review.py): the Python API every writer goes through."""

import pytest
from django.core.exceptions import ValidationError
from reversion.models import Version

from events import review
from events.models import Citation, Event, Review, Statement, Status

from .factories import CitationFactory, EventFactory

pytestmark = pytest.mark.django_db


def test_a_new_item_waits_as_a_draft_until_another_editor_approves(record, curator, editor):
    event = EventFactory(title="A new detention reported")
    CitationFactory(event=event, source=record.expose)
    submitted = review.submit_new(event, curator, "Please check the date.")
    assert submitted.state == Review.State.PENDING
    assert event not in Event.objects.public()

    review.approve(submitted, editor, "Checked against the expose.", checked=["sources"])
    event.refresh_from_db()
    submitted.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert (submitted.state, submitted.reviewer, submitted.checked) == (
        Review.State.APPROVED, editor, ["sources"])
    revision = Version.objects.get_for_object(event).first().revision
    assert revision.user == editor
    assert "Approved by editor" in revision.comment and "curator" in revision.comment


def test_a_change_is_pending_while_readers_keep_the_approved_version(record, curator, editor):
    event = record.exposé_event
    before = event.summary
    citation = event.citations.get()
    pending = review.propose_change(event, {
        "summary": "A corrected summary.",
        "start": "2 April 2017",
        "citations": [{"id": citation.pk, "excerpt": "more than a hundred men"},
                      {"source": record.hbo, "excerpt": "A second source."}],
    }, curator)
    event.refresh_from_db()
    assert event.summary == before and event.citations.count() == 1
    assert set(pending.changes) == {"summary_en", "start_date", "citations"}

    review.approve(pending, editor)
    event.refresh_from_db()
    assert event.summary == "A corrected summary."
    assert str(event.start) == "2 April 2017"
    assert [c.excerpt for c in event.citations.order_by("pk")] == [
        "more than a hundred men", "A second source."]


def test_an_editor_cannot_approve_or_send_back_their_own_change(record, editor):
    pending = review.propose_change(record.exposé_event, {"summary": "Mine."}, editor)
    with pytest.raises(review.ReviewRefused, match="own change"):
        review.approve(pending, editor)
    with pytest.raises(review.ReviewRefused, match="own change"):
        review.send_back(pending, editor, "No.")
    assert Review.objects.get(pk=pending.pk).state == Review.State.PENDING


def test_a_curator_cannot_approve(record, curator, django_user_model):
    other = django_user_model.objects.create_user("other", is_staff=True)
    pending = review.propose_change(record.exposé_event, {"summary": "Theirs."}, other)
    with pytest.raises(review.ReviewRefused, match="Only an editor"):
        review.approve(pending, curator)


def test_sent_back_with_a_comment_changes_nothing(record, curator, editor):
    pending = review.propose_change(record.exposé_event, {"summary": "Unsupported."}, curator)
    with pytest.raises(review.ReviewRefused, match="Say what needs doing"):
        review.send_back(pending, editor, "  ")
    review.send_back(pending, editor, "The source does not say this.")
    record.exposé_event.refresh_from_db()
    assert record.exposé_event.summary != "Unsupported."
    with pytest.raises(review.ReviewRefused, match="no longer awaiting"):
        review.approve(pending, editor)


def test_a_proposal_that_breaks_a_rule_is_refused(record, curator):
    with pytest.raises(ValidationError):
        review.propose_change(record.exposé_event, {"verification": "disputed",
                                                    "verification_note": ""}, curator)
    with pytest.raises(review.ReviewRefused, match="needs at least one citation"):
        review.propose_change(record.exposé_event, {"citations": []}, curator)
    with pytest.raises(review.ReviewRefused, match="publishing goes through review"):
        review.propose_change(record.exposé_event, {"status": "draft"}, curator)
    assert not Review.objects.exists()


def test_a_quote_change_is_checked_against_its_excerpt(record, curator):
    with pytest.raises(ValidationError):
        review.propose_change(record.testimony, {"quote": "Words not in the excerpt."}, curator)


def test_approval_is_refused_when_the_item_changed_since(record, curator, editor):
    pending = review.propose_change(record.exposé_event, {"summary": "Stale."}, curator)
    review.takedown(record.exposé_event, editor, "Names a survivor's village.")
    with pytest.raises(review.ReviewRefused, match="changed after"):
        review.approve(pending, editor)


def test_a_takedown_is_immediate_and_logged(record, curator):
    log = review.takedown(record.testimony, curator, "Identifies the speaker.")
    assert record.testimony not in Statement.objects.public()
    assert (log.kind, log.state, log.comment) == (Review.Kind.TAKEDOWN, Review.State.DONE,
                                                  "Identifies the speaker.")
    revision = Version.objects.get_for_object(record.testimony).first().revision
    assert revision.comment == "Urgent takedown by curator: Identifies the speaker."
    with pytest.raises(review.ReviewRefused, match="reason"):
        review.takedown(record.exposé_event, curator, "")


def test_a_citation_change_is_reviewed_too(record, curator, editor):
    citation = record.exposé_event.citations.get()
    pending = review.propose_change(citation, {"excerpt": "a hundred men"}, curator)
    assert Citation.objects.get(pk=citation.pk).excerpt == "more than a hundred men"
    review.approve(pending, editor)
    assert Citation.objects.get(pk=citation.pk).excerpt == "a hundred men"
