"""manage.py generate_synthetic: the benchmark's made-up record obeys the record's rules."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from events.audit import audit_record
from events.models import (
    Actor,
    Category,
    Citation,
    Claim,
    ClaimValue,
    Event,
    EventActor,
    EventPlace,
    Place,
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
        list(Place.objects.order_by("slug").values_list(
            "slug", "name", "name_ru", "kind", "latitude", "longitude", "radius_km", "sensitive"
        )),
        list(EventPlace.objects.order_by("event__slug", "place__slug").values_list(
            "event__slug", "place__slug"
        )),
        list(Claim.objects.order_by("slug").values_list(
            "slug", "question", "question_ru", "headline", "status", "conclusion"
        )),
        list(Claim.events.through.objects.order_by("claim__slug", "event__slug").values_list(
            "claim__slug", "event__slug"
        )),
        sorted(ClaimValue.objects.values_list(
            "claim__slug", "value", "value_ru", "source__slug", "reported_date", "excerpt",
            "supersedes__value",
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


def test_places_with_coordinates_on_about_three_events_in_four():
    generate(EVENTS * 4, "--seed", 9)

    placed = Event.objects.filter(event_places__isnull=False).distinct().count()
    assert EVENTS * 4 * 0.6 <= placed <= EVENTS * 4 * 0.9
    assert Place.objects.public().count() >= 20
    assert set(Place.objects.values_list("kind", flat=True)) >= {"city", "region", "country"}
    # A place is where its event's location says, most of the time.
    grozny = Event.objects.filter(location="Grozny, Chechnya")
    assert grozny.filter(places__slug="grozny").count() > grozny.count() / 2
    assert Place.objects.exclude(name_ru="").filter(name_ru__isnull=False).exists()
    sensitive = Place.objects.filter(sensitive=True)
    assert sensitive.exists()
    for place in Place.objects.all():
        place.full_clean()
        if place.sensitive:  # stored only rounded, as Place.save() keeps them
            assert (place.latitude, place.longitude) == place.snapped_coordinates()


def test_claims_on_a_share_of_events_some_with_several_and_values_that_follow_the_rules():
    generate(EVENTS * 8, "--seed", 10)

    with_claims = Event.objects.public().filter(claims__isnull=False).distinct().count()
    assert 0.02 * EVENTS * 8 <= with_claims <= 0.1 * EVENTS * 8
    per_event = Event.objects.annotate(n=Count("claims")).order_by("-n")
    assert per_event[0].n >= 2
    public = Claim.objects.public()
    assert public.count() > 0 and not public.uncited().exists()
    assert Claim.objects.filter(headline=True).count() == 5
    assert len(set(public.headline().values_list("question", flat=True))) == 5
    assert not Claim.objects.filter(question_ru__isnull=True).exists()
    values = ClaimValue.objects.select_related("source", "supersedes__source")
    assert 2 <= values.count() / Claim.objects.count() <= 6
    assert values.filter(supersedes__isnull=False).exists()
    assert values.filter(value_ru__isnull=False).exclude(value_ru="").exists()
    for value in values:
        value.full_clean()  # a later report dated no earlier than the one it supersedes


def test_the_audit_finds_nothing_wrong_with_places_and_claims():
    generate(EVENTS * 2, "--seed", 11)

    findings = audit_record(texts=None).findings
    assert not [finding for finding in findings
                if finding.startswith(("Place", "Claim", "Claim value"))]
