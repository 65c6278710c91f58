"""The filter forms (the one validator of filter parameters) and the cached widgets."""

import pytest
from django.http import QueryDict

from events.forms import (
    ActorFilterForm,
    EventFilterForm,
    SourceFilterForm,
    StatementFilterForm,
    form_errors,
)
from events.models import Actor, Event, RecordState, SourceArticle, Statement
from events.partial_dates import PartialDate

from .factories import CategoryFactory, MediaOutletFactory

pytestmark = pytest.mark.django_db


def bound(form_class, query):
    return form_class(QueryDict(query))


class TestEventFilterForm:
    def test_cleans_every_filter_to_what_filter_by_takes(self, record):
        form = bound(
            EventFilterForm,
            "q=+HBO+&category=denials&actor=ramzan-kadyrov&actor_kind=person"
            "&source=hbo-interview&publisher=novaya-gazeta&date_from=2017-04&date_to=c.+2017"
            "&verification=disputed",
        )
        assert form.is_valid(), form.errors
        data = form.cleaned_data
        assert data["q"] == "HBO"
        assert list(data["category"]) == [record.denials]
        assert (data["actor"], data["source"], data["publisher"]) == (
            record.kadyrov, record.hbo, record.novaya
        )
        assert data["date_from"] == PartialDate.parse("2017-04")
        assert data["date_to"] == PartialDate.parse("c. 2017")
        assert data["verification"] == ["disputed"]
        assert form.is_filtered

    def test_an_empty_form_filters_nothing(self, record):
        form = bound(EventFilterForm, "q=&actor=&date_from=")
        assert form.is_valid()
        assert not form.is_filtered
        assert form.filter(Event.objects.public()).count() == 3

    def test_a_range_that_ends_before_it_starts_is_the_to_fields_error(self, record):
        form = bound(EventFilterForm, "date_from=2017-05&date_to=2017-04-30")
        assert not form.is_valid()
        assert form_errors(form) == {"date_to": ["“To” is before “From”."]}

    def test_a_range_within_one_month_is_valid(self, record):
        assert bound(EventFilterForm, "date_from=2017-04&date_to=2017-04-01").is_valid()

    def test_choices_are_the_public_record(self, record):
        form = EventFilterForm()
        assert record.draft_only not in form.fields["actor"].queryset
        assert record.kadyrov in form.fields["actor"].queryset
        assert list(form.fields["publisher"].queryset) == [record.novaya]

    def test_a_category_added_later_is_a_valid_choice_at_once(self, record):
        CategoryFactory(name="Asylum", slug="asylum")
        assert bound(EventFilterForm, "category=asylum").is_valid()

    def test_form_errors_flattens_every_field(self, record):
        form = bound(EventFilterForm, "actor=nobody&verification=sure&date_from=x")
        assert not form.is_valid()
        errors = form_errors(form)
        assert set(errors) == {"actor", "verification", "date_from"}
        assert all(isinstance(message, str) for messages in errors.values()
                   for message in messages)


class TestTheOtherLists:
    def test_statements_by_speaker_event_words_and_dates(self, record):
        form = bound(
            StatementFilterForm, "speaker=anzor&event=novaya-gazeta-reports&q=pipes"
            "&date_from=2017-04&date_to=2017-04"
        )
        assert form.is_valid(), form.errors
        assert list(form.filter(Statement.objects.public())) == [record.testimony]

    def test_statements_of_a_draft_event_are_not_a_choice(self, record):
        form = bound(StatementFilterForm, "event=draft-event")
        assert not form.is_valid() and "event" in form.errors

    def test_actors_by_kind_and_words(self, record):
        form = bound(ActorFilterForm, "kind=person&q=Ramazan")
        assert form.is_valid()
        assert list(form.filter(Actor.objects.public())) == [record.kadyrov]
        assert not bound(ActorFilterForm, "kind=alien").is_valid()

    def test_sources_by_publisher(self, record):
        form = bound(SourceFilterForm, "publisher=novaya-gazeta")
        assert form.is_valid()
        assert list(form.filter(SourceArticle.objects.all())) == [record.expose]
        other = MediaOutletFactory(slug="only-an-outlet")  # publishes nothing public
        assert not bound(SourceFilterForm, f"publisher={other.slug}").is_valid()


class TestCachedWidgets:
    def render(self, query=""):
        form = bound(EventFilterForm, query)
        form.render_choices_from(RecordState.objects.generation())
        form.is_valid()
        return form

    def test_select_marks_the_readers_choice_only(self, record):
        html = str(self.render("actor=anzor")["actor"])
        assert html.count(" selected>") == 1
        assert '<option value="anzor" selected>Anzor</option>' in html
        assert '<option value="">Any actor</option>' in html

    def test_select_escapes_names(self, record):
        record.kadyrov.name = "Kadyrov <b>"
        record.kadyrov.save()
        html = str(self.render()["actor"])
        assert "Kadyrov &lt;b&gt;" in html and "<b>" not in html

    def test_choices_are_read_once_per_generation(self, record, django_assert_num_queries):
        def render_choices():
            form = self.render()
            return [str(form[name]) for name in ("category", "actor", "source", "publisher",
                                                 "place")]

        with django_assert_num_queries(6):  # the generation, then each list once
            first = render_choices()
        with django_assert_num_queries(1):  # the generation only
            assert render_choices() == first

    def test_a_change_to_the_record_shows_at_once(self, record):
        str(self.render()["category"])
        CategoryFactory(name="Asylum <abroad>", slug="asylum")
        html = str(self.render()["category"])
        assert 'value="asylum"' in html and "Asylum &lt;abroad&gt;" in html

    def test_checkboxes_tick_the_readers_choices_only(self, record):
        html = str(self.render("verification=disputed&verification=reported")["verification"])
        assert html.count(" checked>") == 2
        assert 'value="disputed" id="id_verification_2" checked>' in html
        assert 'value="corroborated" id="id_verification_1">' in html
