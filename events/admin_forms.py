"""The curators' forms: what the admin validates before a save.

Each rule a curator can trip over comes back as a form error: an edit over someone else's
newer save, a published event or statement without a citation, a statement whose excerpt does
not contain its quote.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .history import changes_since
from .languages import DEFAULT, translated_fields
from .models import (
    Actor,
    Category,
    Citation,
    Claim,
    ClaimValue,
    Event,
    Place,
    SourceArticle,
    Statement,
    Status,
)
from .partial_dates import PartialDateFormField, PartialDateFormMixin


class PlainNamesMeanEnglish:
    """The admin's forms show a translated field once per language (title_en, title_ru:
    django-modeltranslation). Data that gives a field by its plain name ("title"), as a
    client written before the record was translated does, is read as its English, the
    record's default language, as review.propose_change reads it. A browser never sends one
    (the form has no such input), so where both are given the plain name is the one the
    client changed."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = self._plain_names_as_default_language(data, kwargs.get("prefix"))
        super().__init__(data, *args, **kwargs)

    def _plain_names_as_default_language(self, data, prefix):
        translated = translated_fields(self._meta.model)
        renamed = None
        for name in translated:
            plain = f"{prefix}-{name}" if prefix else name
            default = f"{plain}_{DEFAULT}"
            if plain in data:
                renamed = renamed if renamed is not None else data.copy()
                renamed[default] = data[plain]
        return data if renamed is None else renamed

    def _update_errors(self, errors):
        # The model's rules name the plain field ({"verification_note": ...}): shown on its
        # English input, the one they check.
        if hasattr(errors, "error_dict"):
            translated = translated_fields(self._meta.model)
            for name in [name for name in errors.error_dict if name in translated
                         and name not in self.fields]:
                default = f"{name}_{DEFAULT}"
                key = default if default in self.fields else NON_FIELD_ERRORS
                errors.error_dict.setdefault(key, []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)


class VersionedModelForm(PlainNamesMeanEnglish, forms.ModelForm):
    """Carries the version the curator opened, so a save over someone else's is refused.

    The check here gives a form error that lists what the other curator changed, with the
    curator's own edits kept in the form; Versioned._do_update repeats it in the UPDATE itself
    for the moment between this check and the save.
    """

    # Not named "version": Django refuses a form field named after a non-editable model field.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["opened_version"] = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk or not self._saves_the_instance():
            return cleaned_data
        opened = cleaned_data.get("opened_version")
        if opened != self.instance.version:
            raise ValidationError(self._conflict_message(opened), code="concurrent_edit")
        self.instance.expected_version = opened
        return cleaned_data

    def _conflict_message(self, opened):
        message = gettext(
            "Someone else saved this %(item)s after you opened it (you opened version "
            "%(opened)s; it is now at version %(now)s). Nothing of yours has been saved yet and "
            "your edits are still in the form below. "
        ) % {"item": self.instance._meta.verbose_name, "opened": opened,
             "now": self.instance.version}
        changes = changes_since(self.instance, opened) if opened else None
        if changes:
            listed = "; ".join(
                gettext("%(field)s: now “%(value)s”") % {"field": name,
                                                         "value": short(str(value), 120)}
                for name, value in changes
            )
            message += gettext("They changed %(changes)s. ") % {"changes": listed}
        message += gettext(
            "Open the current version in another tab, bring your changes in line with it, then "
            "reload this page and save again."
        )
        return message

    def _saves_the_instance(self):
        return True


class TranslatedRowForm(PlainNamesMeanEnglish, forms.ModelForm):
    """An inline row with translated fields and no version of its own (an event's actors)."""


class VersionedInlineForm(VersionedModelForm):
    """A row of an inline carries its version too. A formset saves only the rows whose data
    differ from the database's, so only those are checked: a row that someone else changed
    since the form was opened differs, and is refused rather than written back over theirs."""

    def _saves_the_instance(self):
        return any(name != "opened_version" for name in self.changed_data)

def short(text, length=80):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class CitationRequiredFormSet(BaseInlineFormSet):
    """Refuses to leave a published event or statement without a citation (the model's rule)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        problem = self.instance.uncited_problem(cited=bool(kept))
        if problem:
            raise ValidationError(problem, code="citation_required")


class StatementInlineForm(PartialDateFormMixin, VersionedInlineForm):
    """A statement entered with its event, and the citation that carries its quote."""

    said_on = PartialDateFormField(label=_("Date"))
    cite_source = forms.ModelChoiceField(
        queryset=SourceArticle.objects.all(),
        required=False,
        label=_("Cited in"),
        help_text=_("The source article the quote is taken from."),
    )
    cite_excerpt = forms.CharField(
        required=False,
        label=_("Excerpt"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The passage of that source containing the quote, verbatim (for reported "
                    "speech, the passage that reports it)."),
    )

    class Meta:
        model = Statement
        fields = ["kind", "quote", "speaker", "said_on", "venue", "status"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned_data = super().clean()
        source, excerpt = cleaned_data.get("cite_source"), cleaned_data.get("cite_excerpt", "")
        if bool(source) != bool(excerpt.strip()):
            raise ValidationError(gettext("Give both the source and the excerpt, or neither."))
        quote = cleaned_data.get("quote", "")
        # The statement's own rules, asked of the statement and its citation as this form
        # would save them: the citation must carry a quote (Statement.citation_problem), and a
        # published statement needs a citation (CitedToPublish.uncited_problem).
        as_saved = Statement(quote=quote, kind=cleaned_data.get("kind") or Statement.Kind.QUOTE,
                             status=cleaned_data.get("status"))
        if source and excerpt.strip():
            citation = Citation(source=source, excerpt=excerpt)
            # The citation's own check against its source's archived text, as its form does.
            problem = (as_saved.citation_problem(citation) if quote else None) or \
                citation.archive_problem()
            if problem:
                self.add_error("cite_excerpt", problem)
        already_cited = bool(self.instance.pk) and self.instance.citations.exists()
        problem = as_saved.uncited_problem(cited=bool(source) or already_cited)
        if problem:
            raise ValidationError(problem, code="citation_required")
        return cleaned_data

    def save(self, commit=True):
        statement = super().save(commit=commit)
        if commit:
            self._cite(statement)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_cite():
                save_m2m()
                self._cite(statement)

            self.save_m2m = save_m2m_and_cite
        return statement

    def _cite(self, statement):
        source = self.cleaned_data.get("cite_source")
        if source:
            Citation.objects.get_or_create(
                source=source, statement=statement, excerpt=self.cleaned_data["cite_excerpt"]
            )

class ReviewFields(forms.Form):
    """The review fields of a reviewed item's change form (events/admin_review.py)."""

    submit_for_review = forms.BooleanField(
        label=_("Submit for review"), required=False,
        help_text=_("Drafts: put this draft in the editors' queue when you save it. It is "
                    "published once an editor other than you approves it. (A published item "
                    "needs no tick: every save of it is a change that waits for review.)"),
    )
    review_note = forms.CharField(
        label=_("Note to the reviewer"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you changed and on what evidence (“Date corrected: the AP dates it 2 "
                    "April.”). The editor sees it; it is kept in the history."),
    )


class EventAdminForm(PartialDateFormMixin, ReviewFields, VersionedModelForm):
    start = PartialDateFormField(label=_("Date"))
    end = PartialDateFormField(
        label=_("End date"), required=False,
        help_text=_("Only for events that lasted; same format."),
    )
    day_order = forms.IntegerField(
        label=_("Order within the day"), required=False, min_value=0, max_value=32767,
        help_text=Event._meta.get_field("day_order").help_text,
    )

    def clean_day_order(self):
        # Empty means what the model's default means: the order within the day is not known.
        return self.cleaned_data["day_order"] or 0

    class Meta:
        model = Event
        fields = ["title", "slug", "start", "end", "sort_as", "day_order", "category",
                  "location", "summary", "status", "verification", "verification_note"]

class StatementAdminForm(PartialDateFormMixin, ReviewFields, VersionedModelForm):
    said_on = PartialDateFormField(label=_("Date"))

    class Meta:
        model = Statement
        fields = ["kind", "quote", "speaker", "said_on", "venue", "event", "status"]

class SourceArticleAdminForm(PartialDateFormMixin, VersionedModelForm):
    published = PartialDateFormField(label=_("Publication date"), required=False)

    class Meta:
        model = SourceArticle
        fields = ["title", "slug", "publisher", "source_type", "url", "archive_url",
                  "archived_on", "published", "author", "language", "archive_filename", "notes"]

class ActorAdminForm(VersionedModelForm):
    class Meta:
        model = Actor
        fields = ["name", "slug", "kind", "protected_identity", "naming", "naming_note",
                  "aliases", "affiliation", "description", "url"]


class CategoryAdminForm(VersionedModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "description", "outdated_language"]

    def clean_name_ru(self):
        # The Russian name is unique but optional: "not written yet" is NULL, so that two
        # categories without one are not taken for two with the same name.
        return self.cleaned_data.get("name_ru") or None


class PlaceAdminForm(VersionedModelForm):
    class Meta:
        model = Place
        fields = ["name", "slug", "kind", "latitude", "longitude", "radius_km", "sensitive",
                  "aliases", "description"]


class CitationAdminForm(VersionedModelForm):
    review_note = ReviewFields.base_fields["review_note"]

    class Meta:
        model = Citation
        fields = ["source", "event", "statement", "excerpt", "is_summary", "note"]

    def clean(self):
        cleaned_data = super().clean()
        parent = cleaned_data.get("event") or cleaned_data.get("statement")
        if self.instance.pk is None and parent is not None and (
                parent.status == Status.PUBLISHED):
            raise ValidationError(
                gettext("%(kind)s “%(item)s” is published: add the citation on its own page, "
                        "where the change waits for an editor's review.")
                % {"kind": parent._meta.verbose_name.capitalize(), "item": parent},
                code="reviewed",
            )
        return cleaned_data


class ClaimAdminForm(VersionedModelForm):
    class Meta:
        model = Claim
        fields = ["question", "slug", "events", "conclusion", "headline", "order", "status"]


class ClaimValueInlineForm(PartialDateFormMixin, VersionedInlineForm):
    """One source's value of a claim; its date defaults to the source's publication date."""

    reported = PartialDateFormField(
        label=_("Date"), required=False,
        help_text=_("When the source said it, if not its publication date (leave empty "
                    "then). Same format as every date: 2017-04-01, April 2017, c. April 2017."),
    )

    class Meta:
        model = ClaimValue
        fields = ["source", "value", "reported", "relies_on", "excerpt", "is_summary",
                  "supersedes"]
        widgets = {"excerpt": forms.Textarea(attrs={"rows": 3})}
