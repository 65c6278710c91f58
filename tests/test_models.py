"""The rules of the record, checked on whichever database DATABASE_URL names (CI runs both)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from events.models import (
    Actor,
    Citation,
    Event,
    SourceArticle,
    SourceType,
    Statement,
    Status,
    Verification,
)
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
        ahmed = Actor(name="Ahmed", slug="ahmed", protected_identity=True, naming="pseudonym",
                      description="A man in his 30s from Argun")
        with pytest.raises(ValidationError, match="its name and nothing more"):
            ahmed.full_clean()
        assert_refused_by_database(ahmed.save)

    @pytest.mark.parametrize("field", ["aliases", "url", "affiliation"])
    def test_each_revealing_field_is_refused_in_the_database(self, field):
        values = {"aliases": "Real Name", "url": "https://example.org",
                  "affiliation": ActorFactory(kind=Actor.Kind.ORGANISATION)}
        actor = Actor(name="Anzor", slug="anzor", protected_identity=True, naming="pseudonym",
                      **{field: values[field]})
        assert_refused_by_database(actor.save)

    @pytest.mark.parametrize("naming", ["pseudonym", "first_name", "anonymous"])
    def test_a_name_and_its_kind_alone_are_fine(self, naming):
        anzor = Actor(name="Anzor", slug="anzor", protected_identity=True, naming=naming)
        anzor.full_clean()
        anzor.save()

    def test_a_protected_identity_must_say_what_its_name_is(self):
        anzor = Actor(name="Anzor", slug="anzor", protected_identity=True)
        with pytest.raises(ValidationError) as error:
            anzor.full_clean()
        assert "naming" in error.value.message_dict
        assert_refused_by_database(anzor.save)

    def test_only_a_protected_identity_has_a_kind_of_name(self):
        lavrov = Actor(name="Sergey Lavrov", slug="lavrov", naming="pseudonym")
        with pytest.raises(ValidationError, match="Only a protected identity"):
            lavrov.full_clean()
        assert_refused_by_database(lavrov.save)

    def test_the_name_shown_says_what_kind_of_name_it_is(self):
        anzor = Actor(name="Anzor", protected_identity=True, naming="first_name",
                      naming_note="as the AP printed it")
        label = Actor(name="Anonymous survivor (CNN interview)", protected_identity=True,
                      naming="anonymous")
        assert anzor.name_with_naming == "Anzor (first name only, as the AP printed it)"
        assert label.name_with_naming == "Anonymous survivor (CNN interview) (anonymous)"
        assert Actor(name="Sergey Lavrov").name_with_naming == "Sergey Lavrov"

    @pytest.mark.parametrize(("name", "naming", "typed", "kept"), [
        ("Rustik", "pseudonym", "rustam-probaev", "rustik"),
        ("Anonymous survivor (AP interview)", "anonymous", "anonymous-survivor-ap",
         "anonymous-survivor-ap"),
        ("Anzor", "first_name", "anzor-magomedov", "anzor-2"),  # "anzor" is taken below
    ])
    def test_a_protected_slug_holds_only_words_of_the_name_shown(self, name, naming, typed,
                                                                 kept):
        ActorFactory(name="Anzor", slug="anzor")
        actor = Actor(name=name, slug=typed, protected_identity=True, naming=naming)
        actor.save()
        assert Actor.objects.get(pk=actor.pk).slug == kept


def test_an_actor_cannot_be_affiliated_to_itself():
    actor = ActorFactory()
    actor.affiliation = actor
    with pytest.raises(ValidationError):
        actor.full_clean()
    assert_refused_by_database(actor.save)


class TestBestEstimateOfTheDay:
    def event(self, date, sort_as, end=None):
        event = EventFactory.build(category=CategoryFactory(), start=PartialDate.parse(date),
                                   sort_as=sort_as)
        if end:
            event.end = PartialDate.parse(end)
        return event

    @pytest.mark.parametrize(("date", "sort_as", "end"), [
        ("2017-04", D(2017, 4, 15), None),
        ("2017", D(2017, 7, 14), None),
        ("2017-04", D(2017, 5, 2), "2017-05"),  # within a range
    ])
    def test_an_estimate_within_the_dates_of_an_event_without_a_known_day(
        self, date, sort_as, end
    ):
        event = self.event(date, sort_as, end)
        event.full_clean()
        event.save()
        assert event.sort_date == sort_as

    @pytest.mark.parametrize(("date", "sort_as", "message"), [
        ("2017-04-03", D(2017, 4, 3), "day is known"),
        ("2017-04", D(2017, 5, 2), "within the event's dates"),
        ("2017-04", D(2017, 3, 31), "within the event's dates"),
    ])
    def test_an_estimate_that_contradicts_the_date_is_refused(self, date, sort_as, message):
        with pytest.raises(ValidationError, match=message):
            self.event(date, sort_as).full_clean()

    @pytest.mark.parametrize(("date", "sort_as"), [
        ("2017-04-03", D(2017, 4, 3)),  # the day is known
        ("2017-04", D(2017, 3, 31)),  # before the month
    ])
    def test_the_database_refuses_it_too(self, date, sort_as):
        assert_refused_by_database(self.event(date, sort_as).save)

    def test_every_save_keeps_the_sort_date_in_step(self):
        event = self.event("2017-04", None)
        event.save()
        assert event.sort_date == D(2017, 4, 30)
        event.sort_as = D(2017, 4, 9)
        event.save()
        assert Event.objects.get(pk=event.pk).sort_date == D(2017, 4, 9)


class TestQuerySets:
    def test_public_events_are_the_published_ones(self):
        published = PublishedEventFactory()
        EventFactory(status=Status.DRAFT)
        assert list(Event.objects.public()) == [published]

    def test_chronological_order(self):
        category = CategoryFactory()
        for title, date, sort_as in [
            ("Zeta in April", "2017-04", None), ("Alpha on the 2nd", "2017-04-02", None),
            ("Alpha in April", "2017-04", None), ("On the 1st", "2017-04-01", None),
            ("The year", "2017", None), ("End of March", "2017-03-31", None),
            ("Aardvark, estimated", "c. 2017-04", D(2017, 4, 2)), ("Last of April", "2017-04-30", None),
        ]:
            EventFactory(title=title, start=PartialDate.parse(date), sort_as=sort_as,
                         category=category)
        events = list(Event.objects.chronological())
        # Known days in day order; an estimate at its day, after that day's known events;
        # events known only to the month after the month's dated ones, the year's after all.
        assert [(event.title, event.month_label, event.date_display) for event in events] == [
            ("End of March", "March 2017", "31 March 2017"),
            ("On the 1st", "April 2017", "1 April 2017"),
            ("Alpha on the 2nd", "April 2017", "2 April 2017"),
            ("Aardvark, estimated", "April 2017", "c. 2 April 2017"),
            ("Last of April", "April 2017", "30 April 2017"),
            ("Alpha in April", "April 2017, day not known", "April 2017"),
            ("Zeta in April", "April 2017, day not known", "April 2017"),
            ("The year", "2017, month not known", "2017"),
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
    # The rule depends on the statement's kind (reported speech may cite a summary), a column
    # of another table: the model, the loader and audit_record enforce it, not a constraint.


def test_an_event_citation_may_be_a_summary():
    citation = Citation(source=SourceArticleFactory(), event=EventFactory(), is_summary=True,
                        excerpt="TASS reports the article appeared on 1 April 2017.")
    citation.full_clean()
    citation.save()


def test_non_http_actor_url_is_refused_by_the_database():
    assert_refused_by_database(lambda: ActorFactory(url="javascript:alert(1)"))


class TestSourceTypeAndPublisher:
    def test_a_source_needs_a_type(self):
        source = SourceArticleFactory.build(source_type="")
        with pytest.raises(ValidationError) as error:
            source.full_clean()
        assert "source_type" in error.value.message_dict

    def test_the_database_refuses_a_type_that_is_not_one(self):
        assert_refused_by_database(lambda: SourceArticleFactory(source_type="rumour"))

    def test_a_person_cannot_be_a_publisher(self):
        source = SourceArticleFactory.build(publisher=ActorFactory(kind=Actor.Kind.PERSON))
        with pytest.raises(ValidationError, match="outlet, an organisation or an official body"):
            source.full_clean()

    def test_an_official_body_can_publish(self):
        parliament = ActorFactory(name="UK House of Commons", kind=Actor.Kind.GOVERNMENT)
        source = SourceArticleFactory.build(publisher=parliament, source_type=SourceType.OFFICIAL)
        source.full_clean()
        assert source.credit == "UK House of Commons; official document or statement; English"

    def test_the_audit_names_a_missing_publisher(self):
        source = SourceArticleFactory(publisher=None)
        assert source.record_problems() == ["has no publisher"]
        source.publisher = ActorFactory(kind=Actor.Kind.MEDIA)
        assert source.record_problems() == []


class TestElidedExcerpts:
    QUOTE = "They beat us with pipes."

    def citation(self, excerpt, quote=QUOTE):
        statement = StatementFactory(quote=quote)
        return Citation(source=SourceArticleFactory(), statement=statement, excerpt=excerpt)

    def test_a_quote_may_sit_in_an_elided_excerpt(self):
        self.citation("He said, near […]: They beat us with pipes. […] It went on.").full_clean()

    def test_a_quote_cannot_straddle_an_elision(self):
        with pytest.raises(ValidationError, match="quote verbatim"):
            self.citation("They beat us […] with pipes.").full_clean()

    def test_an_elided_quote_matches_the_excerpt_elided_alike(self):
        self.citation("They beat us […] with pipes.", quote="They beat us […] with pipes.").full_clean()

    def test_an_excerpt_of_elisions_only_is_refused(self):
        citation = Citation(source=SourceArticleFactory(), event=EventFactory(), excerpt="[…]")
        with pytest.raises(ValidationError, match="only elisions"):
            citation.full_clean()
