"""The rules of the record, checked on whichever database DATABASE_URL names (CI runs both)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from events.models import Actor, Citation, Event, SourceArticle, Statement, Status, Verification
from events.partial_dates import PartialDate, Precision

from .factories import (
    ActorFactory,
    CategoryFactory,
    CitationFactory,
    EventFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestEventDates:
    def test_end_before_start_is_refused_by_validation_and_database(self):
        event = EventFactory.build(category=CategoryFactory(), start_date=D(2017, 4, 3),
                                   end_date=D(2017, 4, 1))
        with pytest.raises(ValidationError) as error:
            event.full_clean()
        assert "end_date" in error.value.message_dict
        assert_refused_by_database(event.save)

    def test_end_within_a_month_that_starts_before_the_start_day_is_allowed(self):
        # "3 April - April 2017": the end month contains days after the start.
        event = EventFactory(start=PartialDate.parse("2017-04-03"))
        event.end = PartialDate.parse("2017-04-20")
        event.full_clean()

    def test_partial_dates_are_saved_as_their_period(self):
        event = EventFactory(start_date=D(2017, 4, 17), start_precision=Precision.MONTH,
                             start_approximate=True)
        event.refresh_from_db()
        assert event.start_date == D(2017, 4, 1)
        assert event.start == PartialDate(D(2017, 4, 1), Precision.MONTH, approximate=True)
        assert event.date_display == "c. April 2017"

    def test_range_display(self):
        event = EventFactory(start=PartialDate.parse("2017-04-01"))
        event.end = PartialDate.parse("2017-04-03")
        assert event.date_display == "1-3 April 2017"


def test_disputed_event_needs_a_note():
    event = EventFactory.build(category=CategoryFactory(), verification=Verification.DISPUTED)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "verification_note" in error.value.message_dict
    assert_refused_by_database(event.save)
    event.verification_note = "Novaya Gazeta says two prisons, GCN six."
    event.full_clean()
    event.save()


def test_slugs_are_unique():
    EventFactory(slug="the-expose")
    assert_refused_by_database(lambda: EventFactory(slug="the-expose"))
    ActorFactory(slug="kadyrov")
    assert_refused_by_database(lambda: ActorFactory(slug="kadyrov"))
    SourceArticleFactory(slug="gcn")
    assert_refused_by_database(lambda: SourceArticleFactory(slug="gcn"))


class TestCitations:
    def test_cites_exactly_one_of_event_or_statement(self):
        source = SourceArticleFactory()
        assert_refused_by_database(lambda: Citation.objects.create(source=source, excerpt="x"))
        event, statement = EventFactory(), StatementFactory()
        assert_refused_by_database(
            lambda: Citation.objects.create(source=source, event=event, statement=statement,
                                            excerpt="x")
        )
        with pytest.raises(ValidationError):
            Citation(source=source, excerpt="x").full_clean()

    def test_a_cited_source_cannot_be_deleted(self):
        citation = CitationFactory(event=EventFactory())
        with pytest.raises(ProtectedError):
            citation.source.delete()
        assert SourceArticle.objects.filter(pk=citation.source.pk).exists()
        uncited = SourceArticleFactory()
        uncited.delete()

    def test_a_statement_citation_must_contain_the_quote(self):
        statement = StatementFactory(quote="We don’t have any gays.")
        citation = Citation(source=SourceArticleFactory(), statement=statement,
                            excerpt="He denied everything.")
        with pytest.raises(ValidationError) as error:
            citation.full_clean()
        assert "excerpt" in error.value.message_dict
        citation.excerpt = "“This is nonsense. We don’t have\nany gays.” he said"
        citation.full_clean()  # the same words across a line break still count


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/a", "data:text/html,hi", "//example.org"]
)
def test_source_urls_must_be_http(url):
    source = SourceArticleFactory.build(url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict


def test_non_http_source_url_is_refused_by_the_database_too():
    assert_refused_by_database(lambda: SourceArticleFactory(url="javascript:alert(1)"))


class TestProtectedIdentities:
    def test_a_protected_actor_has_a_pseudonym_and_nothing_more(self):
        ahmed = Actor(name="Ahmed", slug="ahmed", protected_identity=True,
                      description="A man in his 30s from Argun")
        with pytest.raises(ValidationError, match="pseudonym and nothing more"):
            ahmed.full_clean()
        assert_refused_by_database(ahmed.save)

    @pytest.mark.parametrize("field", ["aliases", "url", "affiliation"])
    def test_each_revealing_field_is_refused_in_the_database(self, field):
        values = {"aliases": "Real Name", "url": "https://example.org",
                  "affiliation": ActorFactory(kind=Actor.Kind.ORGANISATION)}
        actor = Actor(name="Anzor", slug="anzor", protected_identity=True,
                      **{field: values[field]})
        assert_refused_by_database(actor.save)

    def test_a_pseudonym_alone_is_fine(self):
        anzor = Actor(name="Anzor", slug="anzor", protected_identity=True)
        anzor.full_clean()
        anzor.save()

    @pytest.mark.parametrize(("name", "typed", "kept"), [
        ("Rustik", "rustam-probaev", "rustik"),
        ("Anonymous survivor (AP interview)", "anonymous-survivor-ap", "anonymous-survivor-ap"),
        ("Anzor", "anzor-magomedov", "anzor-2"),  # "anzor" is taken below
    ])
    def test_a_protected_slug_holds_only_words_of_the_pseudonym(self, name, typed, kept):
        ActorFactory(name="Anzor", slug="anzor")
        actor = Actor(name=name, slug=typed, protected_identity=True)
        actor.save()
        assert Actor.objects.get(pk=actor.pk).slug == kept


def test_an_actor_cannot_be_affiliated_to_itself():
    actor = ActorFactory()
    actor.affiliation = actor
    with pytest.raises(ValidationError):
        actor.full_clean()
    assert_refused_by_database(actor.save)


class TestQuerySets:
    def test_public_events_are_the_published_ones(self):
        published = PublishedEventFactory()
        EventFactory(status=Status.DRAFT)
        assert list(Event.objects.public()) == [published]

    def test_chronological_order(self):
        category = CategoryFactory()
        for title, date in [("Zeta in April", "2017-04"), ("Alpha on the 2nd", "2017-04-02"),
                            ("Alpha in April", "2017-04"), ("On the 1st", "2017-04-01"),
                            ("The year", "2017"), ("End of March", "2017-03-31")]:
            EventFactory(title=title, start=PartialDate.parse(date), category=category)
        assert [event.title for event in Event.objects.chronological()] == [
            "The year", "End of March", "On the 1st", "Alpha in April", "Zeta in April",
            "Alpha on the 2nd",
        ]
        assert list(Event.objects.all()) == list(Event.objects.chronological())

    def test_public_statements_exclude_those_of_unpublished_events(self):
        visible = PublishedStatementFactory(event=PublishedEventFactory())
        standalone = PublishedStatementFactory(event=None)
        PublishedStatementFactory(event=EventFactory(status=Status.DRAFT))
        StatementFactory(status=Status.DRAFT)
        assert set(Statement.objects.public()) == {visible, standalone}

    def test_uncited(self):
        cited = PublishedEventFactory()
        uncited = EventFactory()
        assert list(Event.objects.uncited()) == [uncited]
        assert Event.objects.with_citation_count().get(pk=cited.pk).citation_count == 1


def test_a_statement_citation_cannot_be_a_summary():
    statement = StatementFactory(quote="We don’t have any gays.")
    citation = Citation(source=SourceArticleFactory(), statement=statement, is_summary=True,
                        excerpt="He said: “We don’t have any gays.”")
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "is_summary" in error.value.message_dict
    assert_refused_by_database(citation.save)


def test_an_event_citation_may_be_a_summary():
    citation = Citation(source=SourceArticleFactory(), event=EventFactory(), is_summary=True,
                        excerpt="TASS reports the article appeared on 1 April 2017.")
    citation.full_clean()
    citation.save()


def test_non_http_actor_url_is_refused_by_the_database():
    assert_refused_by_database(lambda: ActorFactory(url="javascript:alert(1)"))
