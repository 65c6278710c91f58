"""The reader's filter forms: the one validator of filter parameters on every surface."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Actor, Category, Event, Place, SourceArticle, Verification
from .partial_dates import MAX_INPUT_LENGTH, PartialDateFormField
from .widgets import FastCheckboxes, FastSelect, SourceSelect

SEARCH_MAX_LENGTH = 200


def form_errors(form):
    """A form's errors as {field: [message, ...]}: what the API and the feed answer with."""
    return {
        field: [error["message"] for error in errors]
        for field, errors in form.errors.get_json_data().items()
    }


def _date_field(label, help_text):
    return PartialDateFormField(
        label=label, required=False, help_text=help_text,
        widget=forms.TextInput(
            attrs={"maxlength": MAX_INPUT_LENGTH, "size": 12, "placeholder": "YYYY-MM"}
        ),
    )


class FilterForm(forms.Form):
    """A list's filters: `filter(queryset)` hands the cleaned values to the QuerySet's
    `filter_by`, which holds what each filter means. The form is the only validator of these
    parameters, on the pages, the API, the exports and the feed; events/api.py documents them
    from its fields (api_parameters)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A queryset built at import is ordered in the language active then (modeltranslation
        # rewrites "name" to "name_ru"), which the first request after start-up chose for
        # every later one: each form orders its choices in its own request's language.
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.order_by(*field.queryset.model._meta.ordering)

    def filter(self, queryset):
        return queryset.filter_by(
            **{name: self.cleaned_data.get(name) for name in self.fields}
        )

    @property
    def is_filtered(self):
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)

    @property
    def active_count(self):
        """How many filters the reader set, as the form shows them: each ticked box counts."""
        if not self.is_bound:
            return 0
        getlist = getattr(self.data, "getlist", lambda name: [self.data.get(name)])
        return sum(
            1 for name in self.fields for value in getlist(name) if value and str(value).strip()
        )


class DateRangeMixin:
    """A date_from/date_to pair of partial dates, each end read as a whole period."""

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to.last_day < date_from.first_day:
            self.add_error("date_to", _("“To” is before “From”."))
        return cleaned_data


class EventFilterForm(DateRangeMixin, FilterForm):
    """The reader's filters of the chronology: the page, the API's events, the exports, the
    feed. Unknown slugs and malformed dates are form errors a reader can read.

    The querysets are built once, here: cloning one per form costs less than building it.
    """

    q = forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in titles, summaries, quotes or names."),
    )
    category = forms.ModelMultipleChoiceField(
        label=_("Category"), queryset=Category.objects.all(), to_field_name="slug",
        required=False, help_text=_("Events in any of these categories."),
        widget=FastCheckboxes(cache_name="category"),
    )
    actor = forms.ModelChoiceField(
        label=_("Actor"), queryset=Actor.objects.public(), to_field_name="slug", required=False,
        help_text=_("Events the actor takes part in or made a statement in."),
        empty_label=_("Any actor"), widget=FastSelect(cache_name="actor"),
    )
    actor_kind = forms.ChoiceField(
        label=_("Kind of actor"), required=False,
        choices=[("", _("Any kind")), *Actor.Kind.choices],
        help_text=_("Events with an actor of this kind among those involved."),
    )
    source = forms.ModelChoiceField(
        label=_("Source article"), queryset=SourceArticle.objects.all(), to_field_name="slug",
        required=False,
        help_text=_("Events citing this article, directly or through a statement."),
        empty_label=_("Any source"), widget=SourceSelect(cache_name="source"),
    )
    publisher = forms.ModelChoiceField(
        label=_("Publisher"), queryset=Actor.objects.publishers(), to_field_name="slug",
        required=False,
        help_text=_("Events citing any article of this publisher."),
        empty_label=_("Any publisher"), widget=FastSelect(cache_name="publisher"),
    )
    date_from = _date_field(
        _("From"),
        _("Events from the start of this day, month or year: 2017-04-01, 2017-04 or 2017."),
    )
    date_to = _date_field(
        _("To"),
        _("Events up to the end of this day, month or year: 2017-04-30, 2017-04 or 2017."),
    )
    verification = forms.MultipleChoiceField(
        label=_("Verification"), required=False, choices=Verification.choices,
        help_text=_("Any of these: reported, corroborated or disputed."), widget=FastCheckboxes,
    )
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=Place.objects.public(), to_field_name="slug", required=False,
        help_text=_("Events that happened at this place (a city, a country, a region)."),
        empty_label=_("Any place"), widget=FastSelect(cache_name="place"),
    )

    def render_choices_from(self, generation):
        """Lets the long choice lists be served from the cache for this record generation."""
        for name in ("category", "actor", "source", "publisher", "place"):
            self.fields[name].widget.generation = generation


class StatementFilterForm(DateRangeMixin, FilterForm):
    """The filters of the API's statements."""

    q = forms.CharField(
        required=False, max_length=SEARCH_MAX_LENGTH, help_text="Words in the quote."
    )
    speaker = forms.ModelChoiceField(
        queryset=Actor.objects.public(), to_field_name="slug", required=False,
        help_text=_("Statements this actor made."),
    )
    event = forms.ModelChoiceField(
        queryset=Event.objects.public(), to_field_name="slug", required=False,
        help_text=_("Statements belonging to this event."),
    )
    date_from = _date_field(
        _("From"),
        _("Said from the start of this day, month or year: 2017-04-01, 2017-04 or 2017."),
    )
    date_to = _date_field(
        _("To"),
        _("Said up to the end of this day, month or year: 2017-04-30, 2017-04 or 2017."),
    )


class ActorFilterForm(FilterForm):
    """The filters of the API's actors."""

    kind = forms.ChoiceField(
        required=False, choices=[("", _("Any kind")), *Actor.Kind.choices],
        help_text=_("Actors of this kind."),
    )
    q = forms.CharField(
        required=False, max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in names or other spellings."),
    )


class SourceFilterForm(FilterForm):
    """The filters of the API's sources."""

    publisher = forms.ModelChoiceField(
        queryset=Actor.objects.publishers(), to_field_name="slug", required=False,
        help_text=_("Articles this publisher published."),
    )


class ClaimFilterForm(FilterForm):
    """The filters of the API's claims (figures in dispute)."""

    q = forms.CharField(
        required=False, max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in the question or in what any source says."),
    )
    event = forms.ModelChoiceField(
        queryset=Event.objects.public(), to_field_name="slug", required=False,
        help_text=_("Claims belonging to this event."),
    )
    source = forms.ModelChoiceField(
        queryset=SourceArticle.objects.all(), to_field_name="slug", required=False,
        help_text=_("Claims on which this source article reports a value."),
    )
    headline = forms.TypedChoiceField(
        required=False, choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true", empty_value=None,
        help_text=_("true: only the headline figures shown on the chronology's page; false: "
        "only the others."),
    )
