"""manage.py generate_synthetic: the benchmark's made-up record obeys the record's rules."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from events.models import (
    Actor,
    Category,
    Citation,
    Event,
    EventActor,
    SourceArticle,
    Statement,
    Status,
    Verification,
)
from events.partial_dates import PartialDate

pytestmark = pytest.mark.django_db

EVENTS = 50


def generate(*args):
    call_command("generate_synthetic", *map(str, args), stdout=StringIO())


def snapshot():
    """Everything generated that a seed decides (not the ids or the timestamps)."""
    return (
        list(Event.objects.order_by("slug").values_list(
            "slug", "title", "summary", "start_date", "start_precision", "start_approximate",
            "end_date", "end_precision", "status", "verification", "category__slug",
        )),
        list(EventActor.objects.order_by("event__slug", "actor__slug").values_list(
            "event__slug", "actor__slug", "role"
        )),
        list(Statement.objects.order_by("event__slug", "quote", "speaker__slug").values_list(
            "event__slug", "quote", "speaker__slug", "date", "status"
        )),
        sorted(Citation.objects.values_list(
            "source__slug", "event__slug", "statement__quote", "excerpt", "is_summary"
        ), key=repr),
    )


def test_creates_the_requested_events_with_everything_around_them():
    generate(EVENTS, "--seed", 1)

    assert Event.objects.count() == EVENTS
    assert Category.objects.count() == 10
    assert Actor.objects.count() >= 40
    assert SourceArticle.objects.count() >= 30
    assert set(Actor.objects.values_list("kind", flat=True)) == set(Actor.Kind.values)
    assert SourceArticle.objects.filter(publisher__isnull=False).exists()
    per_event = Event.objects.annotate(
        actors_involved=Count("participations", distinct=True),
        statement_count=Count("statements", distinct=True),
        citation_count=Count("citations", distinct=True),
    )
    assert all(1 <= event.actors_involved <= 4 for event in per_event)
    assert all(event.statement_count <= 3 for event in per_event)
    assert all(1 <= event.citation_count <= 3 for event in per_event)
    assert Statement.objects.exists()
    published = Event.objects.public().count()
    assert EVENTS * 0.7 <= published < EVENTS


def test_every_published_item_is_cited_and_every_quote_is_in_its_excerpt():
    generate(EVENTS, "--seed", 2)

    assert not Event.objects.public().uncited().exists()
    assert not Statement.objects.filter(status=Status.PUBLISHED).uncited().exists()
    statement_citations = Citation.objects.filter(statement__isnull=False).select_related(
        "statement"
    )
    assert statement_citations.exists()
    for citation in statement_citations:
        assert citation.statement.quote in citation.excerpt
        assert not citation.is_summary
    for citation in Citation.objects.all():
        citation.full_clean()


def test_protected_identities_have_a_pseudonym_and_nothing_more():
    generate(EVENTS, "--seed", 3)

    protected = Actor.objects.protected()
    assert protected.exists()
    assert not protected.filter(
        ~Q(aliases="") | ~Q(description="") | ~Q(url="") | Q(affiliation__isnull=False)
    ).exists()
    assert Actor.objects.filter(protected_identity=False).exclude(description="").exists()


def test_dates_are_partial_stored_by_first_day_and_ranges_never_end_before_they_start():
    generate(EVENTS * 4, "--seed", 4)

    events = list(Event.objects.all())
    assert {event.start_precision for event in events} == {1, 2, 3}
    assert any(event.start_approximate for event in events)
    assert any(event.end_date for event in events)
    for event in events:
        assert event.start_date == PartialDate(event.start_date, event.start_precision).date
        assert event.start.first_day.year in (2016, 2017, 2018)
        if event.end_date:
            assert event.end_date >= event.start_date
        event.full_clean()
    disputed = Event.objects.filter(verification=Verification.DISPUTED)
    assert disputed.exists()
    assert not disputed.filter(verification_note="").exists()


def test_generating_moves_the_record_generation():
    # bulk_create sends no signals: without a bump a running server would keep its old pages.
    from events.models import RecordState

    before = RecordState.objects.generation()
    generate(EVENTS, "--seed", 8)
    assert RecordState.objects.generation() > before


def test_text_search_finds_generated_events():
    generate(EVENTS, "--seed", 8)

    found = Event.objects.public().search("prison")
    assert 0 < found.count() < Event.objects.public().count()


def test_the_same_seed_gives_the_same_record_and_another_seed_another():
    generate(EVENTS, "--seed", 5)
    first = snapshot()

    generate(EVENTS, "--seed", 5, "--clear")
    assert snapshot() == first

    generate(EVENTS, "--seed", 6, "--clear")
    assert snapshot() != first


def test_refuses_to_add_to_an_existing_record_without_clear():
    generate(10, "--seed", 7)

    with pytest.raises(CommandError, match="--clear"):
        generate(10, "--seed", 7)
    assert Event.objects.count() == 10
