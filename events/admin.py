"""The curators' admin: enter and correct the record quickly, without being able to break it.

Rules a curator can trip over come back as form errors: a published event or statement without
a citation, a disputed event without a note, an end before a start, a quote its excerpt does not
contain. Curators (the "Curators" group, see migration 0002) can add, change and view; they
cannot delete anything or manage users.
"""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from reversion.admin import VersionAdmin
from reversion.models import Revision

from .admin_forms import (
    ActorAdminForm,
    CategoryAdminForm,
    CitationAdminForm,
    CitationRequiredFormSet,
    ClaimAdminForm,
    ClaimValueInlineForm,
    EventAdminForm,
    PlaceAdminForm,
    SourceArticleAdminForm,
    StatementAdminForm,
    StatementInlineForm,
    TranslatedRowForm,
    VersionedInlineForm,
    short,
)
from .admin_review import ReviewedAdminMixin, StaleDraftFilter
from .admin_spreadsheets import SpreadsheetAdminMixin
from .curation_queue import russian_missing
from .fields import ConcurrentEditError
from .models import (
    Actor,
    ArchivedText,
    Category,
    Citation,
    Claim,
    ClaimValue,
    CorrectionReport,
    Event,
    EventActor,
    EventPlace,
    Place,
    SourceArticle,
    Statement,
    Status,
)
from .review import keep_translation_flag


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget puts the submitted id straight into a query when it
    re-renders a form with errors, so a malformed id ("1; DROP…") raised a 500 instead of
    showing "Select a valid choice". Values the key field cannot hold are dropped first."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key_field = remote.model._meta.get_field(remote.field_name)
        valid = []
        for item in value:
            try:
                key_field.run_validators(key_field.to_python(item))  # type and range
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RecordAdmin(SafeAutocompleteMixin, TranslationAdmin, VersionAdmin):
    """History (who changed what, when), revert and recover deleted items, for every part of
    the record; and a clear message when a save loses a race with another curator's.

    Every translated field shows one input per language (title [en], title [ru]:
    django-modeltranslation's admin, events/translation.py); the English is required where the
    field is, the Russian never is. Side by side rather than modeltranslation's tabs: those need
    jQuery UI from a CDN, which the Content-Security-Policy refuses (events/middleware.py)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConcurrentEditError as error:
            # Both curators passed the form check at the same instant and the other's UPDATE
            # won: the transaction was rolled back, nothing was overwritten.
            request._concurrent_edit = True
            self.message_user(
                request,
                gettext("%(error)s Your save was not applied: nothing was overwritten. Reload "
                        "to see their version, then make your change again.") % {"error": error},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        given = "outdated_language" in form.changed_data
        request._outdated_language_given = given
        if given:
            keep_translation_flag(obj, form.cleaned_data["outdated_language"])

    def _reversion_revisionform_view(self, request, version, *args, **kwargs):
        # django-reversion reverts with delete=True: rows added since the version (citations,
        # actors, statements) are deleted, checking only the change permission. Someone who may
        # not delete them gets a revert that leaves them in place: the revert form lists them,
        # and removing one stays a separate act for someone allowed to. The form itself is the
        # change form, so the revert is validated and version-checked like any save.
        if not _may_delete_anything_in_the_record(request.user):
            revision = version.revision
            revision.revert = lambda delete=False: Revision.revert(revision, delete=False)
        return super()._reversion_revisionform_view(request, version, *args, **kwargs)


def _may_delete_anything_in_the_record(user):
    return user.has_perms(
        f"{model._meta.app_label}.delete_{model._meta.model_name}"
        for model in reversion.get_registered_models()
    )


class CitationInline(SafeAutocompleteMixin, TranslationStackedInline):
    model = Citation
    form = VersionedInlineForm
    formset = CitationRequiredFormSet
    fields = ["source", "excerpt", "is_summary", "note", "opened_version"]
    autocomplete_fields = ["source"]
    extra = 1
    min_num = 0

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj and obj.citations.exists() else 1


class EventCitationInline(CitationInline):
    fk_name = "event"
    verbose_name_plural = _("citations (numbered notes, in this order)")


class StatementCitationInline(CitationInline):
    fk_name = "statement"
    fields = ["source", "excerpt", "is_summary", "note", "opened_version"]


class EventActorInline(SafeAutocompleteMixin, TranslationTabularInline):
    model = EventActor
    form = TranslatedRowForm
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    extra = 1


class EventPlaceInline(SafeAutocompleteMixin, admin.TabularInline):
    model = EventPlace
    fields = ["place"]
    autocomplete_fields = ["place"]
    extra = 1


class StatementInline(SafeAutocompleteMixin, TranslationStackedInline):
    model = Statement
    form = StatementInlineForm
    fk_name = "event"
    autocomplete_fields = ["speaker"]
    extra = 0
    show_change_link = True
    fields = [("speaker", "said_on", "status"), "venue", ("kind", "quote"),
              ("cite_source", "cite_excerpt"), "opened_version"]

    # A published event's statements are edited on their own pages, where a change waits for
    # review like any other (a save of the event proposes changes to the event alone).
    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_published) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_published) and super().has_change_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The citation fields are not model fields, so autocomplete is wired by hand.
        formset.form.base_fields["cite_source"].widget = SafeAutocompleteSelect(
            Citation._meta.get_field("source"), self.admin_site
        )
        return formset


class ClaimsFilter(admin.SimpleListFilter):
    """Events with or without a published per-source claim (the attention queue lists disputed
    events without one: events/curation_queue.py)."""

    title = _("per-source claims")
    parameter_name = "claims"

    def lookups(self, request, model_admin):
        return [("yes", _("with a published claim")), ("none", _("without a published claim"))]

    def queryset(self, request, queryset):
        with_claims = Q(claims__status=Status.PUBLISHED)
        if self.value() == "yes":
            return queryset.filter(with_claims).distinct()
        if self.value() == "none":
            return queryset.exclude(with_claims)
        return queryset


class TranslationOutdatedFilter(admin.SimpleListFilter):
    """The attention queue's "translation out of date" lines (events/curation_queue.py): the
    language left behind when only the other one changed."""

    title = _("translation out of date")
    parameter_name = "outdated"

    def lookups(self, request, model_admin):
        return [("ru", _("Russian")), ("en", _("English"))]

    def queryset(self, request, queryset):
        if self.value() in ("ru", "en"):
            return queryset.filter(outdated_language=self.value())
        return queryset


class RussianMissingFilter(admin.SimpleListFilter):
    """The attention queue's "not yet translated into Russian" lines: the item's main text
    (title, name, question) has no Russian yet."""

    title = _("Russian translation")
    parameter_name = "russian"

    def lookups(self, request, model_admin):
        return [("missing", _("not yet written"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return russian_missing(queryset)
        return queryset


@admin.register(Event)
class EventAdmin(SpreadsheetAdminMixin, ReviewedAdminMixin, RecordAdmin):
    form = EventAdminForm
    actions = ["submit_for_review", "takedown"]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("start", "end"), ("sort_as", "day_order"),
                           "category", "location", "summary", "opened_version"]}),
        (_("Publication and verification"), {
            "fields": ["status", "verification", "verification_note", ("created_at", "updated_at")]
        }),
        (_("Translation"), {"fields": ["outdated_language"]}),
        (_("Review"), {"fields": list(ReviewedAdminMixin.review_fields)}),
    ]
    readonly_fields = ["created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EventCitationInline, EventActorInline, EventPlaceInline, StatementInline]
    list_display = [
        "title", "date_column", "category", "status", "verification", "citation_count_column"
    ]
    list_filter = ["status", StaleDraftFilter, "verification", ClaimsFilter, "category",
                   "start_precision", TranslationOutdatedFilter, RussianMissingFilter]
    search_fields = ["title", "summary", "slug", "actors__name"]
    date_hierarchy = "start_date"
    list_select_related = ["category"]
    save_on_top = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_count()

    @admin.display(description=_("Date"), ordering="sort_date")
    def date_column(self, event):
        return event.date_display

    @admin.display(description=_("Citations"), ordering="citation_count")
    def citation_count_column(self, event):
        return event.citation_count

    def view_on_site(self, event):
        return event.get_absolute_url() if event.is_published else None


@admin.register(Statement)
class StatementAdmin(ReviewedAdminMixin, RecordAdmin):
    form = StatementAdminForm
    actions = ["submit_for_review", "takedown"]
    fields = ["kind", "quote", "spoken_language", "rendering", "speaker", "said_on", "venue",
              "event", "status",
              "outdated_language", "opened_version", *ReviewedAdminMixin.review_fields]
    autocomplete_fields = ["speaker", "event"]
    inlines = [StatementCitationInline]
    list_display = [
        "quote_column", "kind", "speaker", "date_column", "event", "status", "citations_column"
    ]
    list_filter = ["status", StaleDraftFilter, "kind", "speaker__kind",
                   TranslationOutdatedFilter]
    search_fields = ["quote", "speaker__name", "venue"]
    list_select_related = ["speaker", "event"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("Words"))
    def quote_column(self, statement):
        return short(statement.quote)

    @admin.display(description=_("Date"), ordering="date")
    def date_column(self, statement):
        return statement.said_on

    @admin.display(description=_("Citations"), ordering="citation_count")
    def citations_column(self, statement):
        return statement.citation_count

    def view_on_site(self, statement):
        if statement.event_id and statement.is_published:
            return statement.event.get_absolute_url()
        return None


class SourceMissingFilter(admin.SimpleListFilter):
    """What the attention queue lists of sources (events/curation_queue.py)."""

    title = _("missing")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("type", _("type")), ("copy", _("archived copy")), ("text", _("archived text"))]

    def queryset(self, request, queryset):
        missing = {"type": {"source_type": ""}, "copy": {"archive_url": ""},
                   "text": {"archived_text__isnull": True}}.get(self.value())
        return queryset.filter(**missing) if missing else queryset


class ExcerptVerifiedFilter(admin.SimpleListFilter):
    """Excerpts checked at save against their source's archived text, or not (no text)."""

    title = _("excerpt verified against an archived text")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no: the source has no archived text")),
                ("summary", _("a summary (not compared)"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "summary":
            return queryset.filter(is_summary=True)
        if value in ("yes", "no"):
            return queryset.filter(is_summary=False,
                                   source__archived_text__isnull=value == "no")
        return queryset


class ArchivedTextInline(admin.StackedInline):
    """The source's archived full text: curators only (no public surface reads it)."""

    model = ArchivedText
    fields = ["text", ("captured_on", "captured_from"), ("sha256", "filename")]
    readonly_fields = ["sha256", "filename"]
    extra = 0
    max_num = 1
    can_delete = False
    verbose_name_plural = _("archived text (curators only, never shown to readers)")


@admin.register(SourceArticle)
class SourceArticleAdmin(RecordAdmin):
    form = SourceArticleAdminForm
    inlines = [ArchivedTextInline]
    fields = [
        "title", "english_gloss", "slug", "publisher", "source_type", "url",
        ("archive_url", "archived_on"), "published", "author", "language", "archive_filename",
        "notes", "outdated_language", "cited_by", "opened_version",
    ]
    readonly_fields = ["cited_by"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher"]
    list_display = ["title", "publisher", "source_type", "date_column", "citations_column"]
    list_filter = ["source_type", SourceMissingFilter, "language", "publisher",
                   TranslationOutdatedFilter, RussianMissingFilter]
    search_fields = ["title", "author", "url", "publisher__name"]
    list_select_related = ["publisher"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("Published"), ordering="published_date")
    def date_column(self, source):
        return source.published or "—"

    @admin.display(description=_("Citations"), ordering="citation_count")
    def citations_column(self, source):
        return source.citation_count

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ArchivedText and formset.has_changed():
            _warn_of_unverified_excerpts(request, self, form.instance)

    @admin.display(description=_("What cites it"))
    def cited_by(self, source):
        citations = source.citations.select_related("event", "statement__speaker")
        rows = []
        for citation in citations:
            target = citation.event or citation.statement
            meta = target._meta
            url = reverse(f"admin:events_{meta.model_name}_change", args=[target.pk])
            rows.append((url, meta.verbose_name.capitalize(), short(str(target))))
        if not rows:
            return gettext("Nothing yet. A source that something cites cannot be deleted.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}: {}</a></li>', rows)
        )


@admin.register(Actor)
class ActorAdmin(RecordAdmin):
    form = ActorAdminForm
    fields = ["name", "slug", "kind", "protected_identity", "naming", "naming_note",
              "aliases", "affiliation", "description", "url", "outdated_language",
              "opened_version"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]
    list_display = ["name", "kind", "affiliation", "protected_identity", "naming"]
    list_filter = ["kind", "protected_identity", "naming", TranslationOutdatedFilter,
                   RussianMissingFilter]
    search_fields = ["name", "aliases", "slug"]
    list_select_related = ["affiliation"]


@admin.register(Category)
class CategoryAdmin(RecordAdmin):
    form = CategoryAdminForm
    fields = ["name", "slug", "description", "outdated_language", "opened_version"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name", "slug", "event_count"]
    list_filter = [TranslationOutdatedFilter, RussianMissingFilter]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("events"))

    @admin.display(description=_("Events"), ordering="event_count")
    def event_count(self, category):
        return category.event_count


@admin.register(Citation)
class CitationAdmin(ReviewedAdminMixin, RecordAdmin):
    form = CitationAdminForm
    fields = ["source", "event", "statement", "excerpt", "is_summary", "note", "opened_version",
              "review_state", "review_note"]
    autocomplete_fields = ["source", "event", "statement"]
    list_display = ["source", "cites", "excerpt_column"]
    list_filter = [ExcerptVerifiedFilter]
    search_fields = ["excerpt", "source__title", "event__title", "statement__quote"]
    list_select_related = ["source", "event", "statement__speaker"]

    @admin.display(description=_("Supports"))
    def cites(self, citation):
        return citation.event or citation.statement

    @admin.display(description=_("Excerpt"))
    def excerpt_column(self, citation):
        return short(citation.excerpt)


def _warn_of_unverified_excerpts(request, model_admin, source):
    """A changed archived text is saved whatever it does to the excerpts already cited from
    it (the text is the evidence; a wrongly captured one must be fixable), but the curator is
    told at once which excerpts it no longer holds. The attention queue lists them too."""
    text = source.kept_text()
    if text is None:
        return
    broken = [citation for citation in source.citations.filter(is_summary=False)
              if citation.archive_problem(text)]
    if broken:
        listed = ", ".join(gettext("citation %(number)s") % {"number": citation.pk}
                           for citation in broken[:10])
        listed += "…" if len(broken) > 10 else ""
        model_admin.message_user(
            request,
            ngettext("The archived text no longer holds %(count)d excerpt cited from this "
                     "source (%(listed)s): correct it, or the text.",
                     "The archived text no longer holds %(count)d excerpts cited from this "
                     "source (%(listed)s): correct them, or the text.",
                     len(broken)) % {"count": len(broken), "listed": listed},
            messages.WARNING,
        )


@admin.register(CorrectionReport)
class CorrectionReportAdmin(admin.ModelAdmin):
    """Readers' reports: read, act on, tick handled. They come only from the public form;
    each is deleted at the end of the retention period (settings.CORRECTION_RETENTION_DAYS)."""

    list_display = ["received_at", "event", "message_column", "source_column", "handled"]
    list_filter = ["handled"]
    list_select_related = ["event"]
    search_fields = ["message", "event__title"]
    fields = ["event_link", "received_at", "message", "source_link", "contact", "handled"]
    readonly_fields = ["event_link", "received_at", "message", "source_link", "contact"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("What is wrong"))
    def message_column(self, report):
        return short(report.message)

    @admin.display(description=_("Source given"), boolean=True)
    def source_column(self, report):
        return bool(report.source_url)

    @admin.display(description=_("Event"))
    def event_link(self, report):
        url = reverse("admin:events_event_change", args=[report.event_id])
        return format_html('<a href="{}">{}</a>', url, report.event)

    @admin.display(description=_("Source showing it"))
    def source_link(self, report):
        if not report.source_url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>',
                           report.source_url, report.source_url)


@admin.register(Place)
class PlaceAdmin(RecordAdmin):
    form = PlaceAdminForm
    fields = ["name", "slug", "kind", ("latitude", "longitude"), "radius_km", "sensitive",
              "aliases", "description", "outdated_language", "opened_version"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name", "kind", "radius_km", "sensitive", "event_count"]
    list_filter = ["kind", "sensitive", TranslationOutdatedFilter, RussianMissingFilter]
    search_fields = ["name", "aliases", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("event_places"))

    @admin.display(description=_("Events"), ordering="event_count")
    def event_count(self, place):
        return place.event_count


class ClaimValueInline(SafeAutocompleteMixin, TranslationStackedInline):
    model = ClaimValue
    form = ClaimValueInlineForm
    formset = CitationRequiredFormSet
    fk_name = "claim"
    fields = [("source", "reported"), "value", "relies_on", ("excerpt", "is_summary"),
              "supersedes", "opened_version"]
    autocomplete_fields = ["source"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only a report of the same claim can be superseded; a new claim's values can be
        # linked once they are saved.
        earlier = ClaimValue.objects.filter(claim=obj) if obj else ClaimValue.objects.none()
        formset.form.base_fields["supersedes"].queryset = earlier.select_related("source")
        return formset


@admin.register(Claim)
class ClaimAdmin(ReviewedAdminMixin, RecordAdmin):
    form = ClaimAdminForm
    fields = ["question", "slug", "events", ("headline", "order"), "conclusion", "status",
              "outdated_language", "opened_version"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["events"]
    inlines = [ClaimValueInline]
    list_display = ["question", "headline", "order", "status", "values_column"]
    list_filter = ["status", "headline", TranslationOutdatedFilter, RussianMissingFilter]
    search_fields = ["question", "slug", "values__value", "events__title"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(value_count=Count("values"))

    @admin.display(description=_("Values"), ordering="value_count")
    def values_column(self, claim):
        return claim.value_count

    def view_on_site(self, claim):
        event = claim.events.public().first()
        return event.get_absolute_url() if event and claim.is_published else None
