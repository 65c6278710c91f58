"""The reader's filter forms: the one validator of filter parameters on every surface."""

import functools

from django import forms

from .models import Actor, Category, Event, SourceArticle, Verification
from .partial_dates import PartialDateFormField
from .widgets import FastCheckboxes, FastSelect


# Building these querysets (subqueries and all) costs more than cloning them: once a process.
@functools.cache
def _public_actors():
    return Actor.objects.public()


@functools.cache
def _publishers():
    return Actor.objects.public().filter(kind=Actor.Kind.MEDIA)


class DateRangeMixin:
    """A date_from/date_to pair of partial dates, each end read as a whole period."""

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to.last_day < date_from.first_day:
            self.add_error("date_to", "“To” is before “From”.")
        return cleaned_data


class EventFilterForm(DateRangeMixin, forms.Form):
    """The reader's filters, validated once for the pages, the API and the exports.

    `filter(queryset)` hands the cleaned values to EventQuerySet.filter_by, which holds what
    each filter means. Unknown slugs and malformed dates are form errors a reader can read.
    """

    q = forms.CharField(
        label="Search", required=False, max_length=200,
        help_text="Words in titles, summaries, quotes or names.",
    )
    category = forms.ModelMultipleChoiceField(
        label="Category", queryset=None, to_field_name="slug", required=False,
        widget=FastCheckboxes(cache_name="category"),
    )
    actor = forms.ModelChoiceField(
        label="Actor", queryset=None, to_field_name="slug", required=False,
        empty_label="Any actor", widget=FastSelect(cache_name="actor"),
    )
    actor_kind = forms.ChoiceField(label="Kind of actor", required=False)
    source = forms.ModelChoiceField(
        label="Source article", queryset=None, to_field_name="slug", required=False,
        empty_label="Any source", widget=FastSelect(cache_name="source", label_field="title"),
    )
    publisher = forms.ModelChoiceField(
        label="Publisher", queryset=None, to_field_name="slug", required=False,
        empty_label="Any publisher", widget=FastSelect(cache_name="publisher"),
    )
    date_from = PartialDateFormField(
        label="From", required=False, help_text="2017-04-01, 2017-04 or 2017"
    )
    date_to = PartialDateFormField(
        label="To", required=False, help_text="2017-04-30, 2017-04 or 2017"
    )
    verification = forms.MultipleChoiceField(
        label="Verification", required=False, widget=FastCheckboxes
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["actor"].queryset = _public_actors()
        self.fields["actor_kind"].choices = [("", "Any kind"), *Actor.Kind.choices]
        self.fields["source"].queryset = SourceArticle.objects.all()
        self.fields["publisher"].queryset = _publishers()
        self.fields["verification"].choices = Verification.choices
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs.update(size=12, placeholder="YYYY-MM")

    def render_choices_from(self, generation):
        """Lets the long choice lists be served from the cache for this record generation."""
        for name in ("category", "actor", "source", "publisher"):
            self.fields[name].widget.generation = generation

    def filter(self, events):
        data = self.cleaned_data
        return events.filter_by(
            q=data.get("q", ""),
            categories=data.get("category") or (),
            actor=data.get("actor"),
            actor_kind=data.get("actor_kind", ""),
            source=data.get("source"),
            publisher=data.get("publisher"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            verification=data.get("verification") or (),
        )

    @property
    def is_filtered(self):
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)


class StatementFilterForm(DateRangeMixin, forms.Form):
    """The API's statement filters, validated as the event filters are."""

    q = forms.CharField(required=False, max_length=200)
    speaker = forms.ModelChoiceField(queryset=None, to_field_name="slug", required=False)
    event = forms.ModelChoiceField(queryset=None, to_field_name="slug", required=False)
    date_from = PartialDateFormField(required=False)
    date_to = PartialDateFormField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = Actor.objects.public()
        self.fields["event"].queryset = Event.objects.public()

    def filter(self, statements):
        data = self.cleaned_data
        return statements.filter_by(
            q=data.get("q", ""),
            speaker=data.get("speaker"),
            event=data.get("event"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
