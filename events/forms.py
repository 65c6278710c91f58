import functools

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import Actor, Category, Event, RecordState, SourceArticle, Verification
from .partial_dates import MAX_INPUT_LENGTH, PartialDate

PARTIAL_DATE_HELP = (
    "As precise as the evidence allows: “1 April 2017” or 2017-04-01 for a day, “April 2017” or "
    "2017-04 for a month, 2017 for a year. Prefix “c.” when approximate (“c. April 2017”)."
)


class PartialDateFormField(forms.Field):
    """One text box for a partial date; cleans to a PartialDate (or None when optional)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"maxlength": MAX_INPUT_LENGTH, "size": 20})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.display() if isinstance(value, PartialDate) else value

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class PartialDateFormMixin:
    """Edits a model's PartialDateAttributes through PartialDateFormFields of the same name.

    The three columns behind each attribute stay out of the form; `clean()` writes the parsed
    value onto the instance before model validation runs, so Model.clean() sees it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self._partial_date_names():
            self.initial.setdefault(name, getattr(self.instance, name))

    def _partial_date_names(self):
        return [
            name
            for name, field in self.fields.items()
            if isinstance(field, PartialDateFormField)
            and hasattr(type(self.instance), name)
        ]

    def clean(self):
        cleaned_data = super().clean()
        for name in self._partial_date_names():
            if name in cleaned_data:
                setattr(self.instance, name, cleaned_data[name])
        return cleaned_data

    def _update_errors(self, errors):
        # Model.clean() names the column ("end_date"); the form shows it as "end". Without
        # this, ModelForm raises ValueError for an error on a field it does not have.
        if hasattr(errors, "error_dict"):
            model = type(self.instance)
            for name in self._partial_date_names():
                column = getattr(model, name).date_field
                if column in errors.error_dict:
                    errors.error_dict.setdefault(name, []).extend(
                        errors.error_dict.pop(column)
                    )
        super()._update_errors(errors)


CHOICES_CACHE_SECONDS = 3600


class FastSelect(forms.Select):
    """A <select> of a model's rows, rendered in Python and cached, not one template per option.

    The chronology's actor and source filters list every actor and source in the public
    record: through Django's widget templates those options were half the page's render time.
    The options are rendered once per record generation (RecordState) and kept in the cache,
    so they are exactly as current as the record; each request only marks its selection.
    """

    def __init__(self, *args, cache_name, label_field="name", **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = f"select-options:{cache_name}"
        self.label_field = label_field
        self.generation = None  # the record's generation, set by the form (one read a request)

    def _options_html(self):
        def render_options():
            field = self.choices.field
            rows = field.queryset.values_list(field.to_field_name or "pk", self.label_field)
            return "".join(
                f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in rows
            )

        return _per_generation(self, render_options)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        empty_label = self.choices.field.empty_label
        options = f'<option value="">{escape(empty_label)}</option>' if empty_label else ""
        options += self._options_html()
        if value not in (None, ""):
            marker = f'<option value="{escape(value)}">'
            options = options.replace(marker, marker[:-1] + " selected>", 1)
        return format_html("<select{}>{}</select>", flatatt(attrs), mark_safe(options))  # noqa: S308 - every part escaped above


class FastCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes rendered in Python, each in its label, as FastSelect renders options.

    Through Django's widget templates the chronology's category and verification boxes cost a
    template render each, a third of a page's fixed cost; the markup is the same. A model
    field's choices (cache_name given) are read once per record generation and cached.
    """

    def __init__(self, *args, cache_name=None, label_field="name", **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = f"checkbox-choices:{cache_name}" if cache_name else None
        self.label_field = label_field
        self.generation = None

    def _rows(self):
        if self.cache_key is None:
            return [(str(value), str(label)) for value, label in self.choices]
        field = self.choices.field
        return _per_generation(self, lambda: list(
            field.queryset.values_list(field.to_field_name or "pk", self.label_field)
        ))

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(item) for item in (value or ())}
        attrs = {**self.attrs, **(attrs or {})}
        id_ = attrs.pop("id", None)
        extra = flatatt(attrs)  # aria-invalid="true" on a field with errors, as Django adds
        boxes = []
        for index, (option_value, label) in enumerate(self._rows()):
            boxes.append(format_html(
                '<label class="check"><input type="checkbox" name="{}" value="{}"{}{}{}> {}'
                "</label>",
                name,
                option_value,
                format_html(' id="{}_{}"', id_, index) if id_ else "",
                extra,
                mark_safe(" checked") if str(option_value) in selected else "",  # noqa: S308
                label,
            ))
        return mark_safe("".join(boxes))  # noqa: S308 - each box built by format_html


def _per_generation(widget, build):
    """build(), kept in the cache under the widget's key until the record's generation moves."""
    generation = widget.generation
    if generation is None:
        generation = widget.generation = RecordState.objects.generation()
    cached = cache.get(widget.cache_key)
    if cached is None or cached[0] != generation:
        cached = (generation, build())
        cache.set(widget.cache_key, cached, CHOICES_CACHE_SECONDS)
    return cached[1]


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
