"""Widgets rendered in Python and cached per record generation: a fast path past Django's
widget templates for the chronology's long filter lists (docs/architecture.md says why)."""

from django import forms
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .axis import shortened
from .models import RecordState

CHOICES_CACHE_SECONDS = 3600


class FastSelect(forms.Select):
    """A <select> of a model's rows, rendered in Python and cached, not one template per option.

    The chronology's actor and source filters list every actor and source in the public
    record: through Django's widget templates those options dominated the page's render time.
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
                f'<option value="{escape(value)}">{escape(label)}</option>'
                for value, label in rows
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


class SourceSelect(FastSelect):
    """The sources as "Publisher, date", the article's title added only where a publisher has
    several on one day: the full titles (195 of them, many long) were two thirds of the filter
    form's weight on every first load of /, and the date and publisher are what a reader looks
    a source up by. The full title is on the source's own page and in the bibliography."""

    TITLE_CHARACTERS = 40

    def _options_html(self):
        def render_options():
            field = self.choices.field
            sources = list(field.queryset.select_related("publisher").only(
                "slug", "title", "title_en", "title_ru", "language", "published_date",
                "published_precision", "published_approximate", "publisher__name",
                "publisher__name_en", "publisher__name_ru",
            ))
            labels = [self._label(source) for source in sources]
            repeated = {label for label in labels if labels.count(label) > 1}
            options = []
            for source, label in zip(sources, labels, strict=True):
                if label in repeated:
                    label = f"{label}: {shortened(source.headline, self.TITLE_CHARACTERS)}"
                options.append(f'<option value="{escape(source.slug)}">{escape(label)}</option>')
            return "".join(options)

        return _per_generation(self, render_options)

    @staticmethod
    def _label(source):
        parts = [source.publisher.name if source.publisher else source.headline]
        if source.published_date:
            parts.append(source.published.display())
        return ", ".join(parts)


class FastCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes rendered in Python, each in its label, as FastSelect renders options.

    Through Django's widget templates the chronology's category and verification boxes cost a
    template render each, a large part of a page's fixed cost; the markup is the same. A model
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
    # Per language: the labels are the names in the page's language (modeltranslation).
    key = f"{widget.cache_key}:{get_language()}"
    cached = cache.get(key)
    if cached is None or cached[0] != generation:
        cached = (generation, build())
        cache.set(key, cached, CHOICES_CACHE_SECONDS)
    return cached[1]
