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
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
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
    VersionedInlineForm,
    short,
)
from .fields import ConcurrentEditError
from .models import (
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
)


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


class RecordAdmin(SafeAutocompleteMixin, VersionAdmin):
    """History (who changed what, when), revert and recover deleted items, for every part of
    the record; and a clear message when a save loses a race with another curator's."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConcurrentEditError as error:
            # Both curators passed the form check at the same instant and the other's UPDATE
            # won: the transaction was rolled back, nothing was overwritten.
            self.message_user(
                request,
                f"{error} Your save was not applied: nothing was overwritten. Reload to see "
                "their version, then make your change again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

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


class CitationInline(SafeAutocompleteMixin, admin.StackedInline):
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
    verbose_name_plural = "citations (numbered notes, in this order)"


class StatementCitationInline(CitationInline):
    fk_name = "statement"
    fields = ["source", "excerpt", "is_summary", "note", "opened_version"]


class EventActorInline(SafeAutocompleteMixin, admin.TabularInline):
    model = EventActor
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    extra = 1


class EventPlaceInline(SafeAutocompleteMixin, admin.TabularInline):
    model = EventPlace
    fields = ["place"]
    autocomplete_fields = ["place"]
    extra = 1


class StatementInline(SafeAutocompleteMixin, admin.StackedInline):
    model = Statement
    form = StatementInlineForm
    fk_name = "event"
    autocomplete_fields = ["speaker"]
    extra = 0
    show_change_link = True
    fields = [("speaker", "said_on", "status"), "venue", ("kind", "quote"),
              ("cite_source", "cite_excerpt"), "opened_version"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The citation fields are not model fields, so autocomplete is wired by hand.
        formset.form.base_fields["cite_source"].widget = SafeAutocompleteSelect(
            Citation._meta.get_field("source"), self.admin_site
        )
        return formset


class PublishActionsMixin:
    actions = ["publish", "unpublish"]

    @admin.action(description="Publish selected (those with a citation)", permissions=["change"])
    def publish(self, request, queryset):
        uncited = list(queryset.uncited().distinct())
        published = _set_status(queryset.exclude(pk__in=[obj.pk for obj in uncited]),
                                Status.PUBLISHED)
        if published:
            self.message_user(request, f"Published {published}.", messages.SUCCESS)
        if uncited:
            names = ", ".join(str(obj) for obj in uncited[:10])
            self.message_user(
                request,
                f"Not published, no citation yet: {names}{'…' if len(uncited) > 10 else ''}",
                messages.ERROR,
            )

    @admin.action(description="Unpublish selected (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = _set_status(queryset, Status.DRAFT)
        self.message_user(request, f"Moved {count} back to draft.", messages.SUCCESS)


def _set_status(queryset, status):
    """Saves each row with its new status, through the same path as the change form: its
    version moves, the history records it (the changelist runs actions inside a revision),
    and the signals move the record's generation and refresh the search document, which
    indexes quotes only once their event is published."""
    changed = 0
    for obj in queryset:
        obj.status = status
        obj.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed


@admin.register(Event)
class EventAdmin(PublishActionsMixin, RecordAdmin):
    form = EventAdminForm
    fieldsets = [
        (None, {"fields": ["title", "slug", ("start", "end"), ("sort_as", "day_order"),
                           "category", "location", "summary", "opened_version"]}),
        ("Publication and verification", {
            "fields": ["status", "verification", "verification_note", ("created_at", "updated_at")]
        }),
    ]
    readonly_fields = ["created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EventCitationInline, EventActorInline, EventPlaceInline, StatementInline]
    list_display = [
        "title", "date_column", "category", "status", "verification", "citation_count_column"
    ]
    list_filter = ["status", "verification", "category", "start_precision"]
    search_fields = ["title", "summary", "slug", "actors__name"]
    date_hierarchy = "start_date"
    list_select_related = ["category"]
    save_on_top = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_count()

    @admin.display(description="Date", ordering="sort_date")
    def date_column(self, event):
        return event.date_display

    @admin.display(description="Citations", ordering="citation_count")
    def citation_count_column(self, event):
        return event.citation_count

    def view_on_site(self, event):
        return event.get_absolute_url() if event.is_published else None


@admin.register(Statement)
class StatementAdmin(PublishActionsMixin, RecordAdmin):
    form = StatementAdminForm
    fields = ["kind", "quote", "speaker", "said_on", "venue", "event", "status", "opened_version"]
    autocomplete_fields = ["speaker", "event"]
    inlines = [StatementCitationInline]
    list_display = [
        "quote_column", "kind", "speaker", "date_column", "event", "status", "citations_column"
    ]
    list_filter = ["status", "kind", "speaker__kind"]
    search_fields = ["quote", "speaker__name", "venue"]
    list_select_related = ["speaker", "event"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="Words")
    def quote_column(self, statement):
        return short(statement.quote)

    @admin.display(description="Date", ordering="date")
    def date_column(self, statement):
        return statement.said_on

    @admin.display(description="Citations", ordering="citation_count")
    def citations_column(self, statement):
        return statement.citation_count

    def view_on_site(self, statement):
        if statement.event_id and statement.is_published:
            return statement.event.get_absolute_url()
        return None


@admin.register(SourceArticle)
class SourceArticleAdmin(RecordAdmin):
    form = SourceArticleAdminForm
    fields = [
        "title", "slug", "publisher", "source_type", "url", "published", "author", "language",
        "archive_filename", "notes", "cited_by", "opened_version",
    ]
    readonly_fields = ["cited_by"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher"]
    list_display = ["title", "publisher", "source_type", "date_column", "citations_column"]
    list_filter = ["source_type", "language", "publisher"]
    search_fields = ["title", "author", "url", "publisher__name"]
    list_select_related = ["publisher"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="Published", ordering="published_date")
    def date_column(self, source):
        return source.published or "—"

    @admin.display(description="Citations", ordering="citation_count")
    def citations_column(self, source):
        return source.citation_count

    @admin.display(description="What cites it")
    def cited_by(self, source):
        citations = source.citations.select_related("event", "statement__speaker")
        rows = []
        for citation in citations:
            target = citation.event or citation.statement
            meta = target._meta
            url = reverse(f"admin:events_{meta.model_name}_change", args=[target.pk])
            rows.append((url, meta.verbose_name.capitalize(), short(str(target))))
        if not rows:
            return "Nothing yet. A source that something cites cannot be deleted."
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}: {}</a></li>', rows)
        )


@admin.register(Actor)
class ActorAdmin(RecordAdmin):
    form = ActorAdminForm
    fields = ["name", "slug", "kind", "protected_identity", "naming", "naming_note",
              "aliases", "affiliation", "description", "url", "opened_version"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]
    list_display = ["name", "kind", "affiliation", "protected_identity", "naming"]
    list_filter = ["kind", "protected_identity", "naming"]
    search_fields = ["name", "aliases", "slug"]
    list_select_related = ["affiliation"]


@admin.register(Category)
class CategoryAdmin(RecordAdmin):
    form = CategoryAdminForm
    fields = ["name", "slug", "description", "opened_version"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name", "slug", "event_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("events"))

    @admin.display(description="Events", ordering="event_count")
    def event_count(self, category):
        return category.event_count


@admin.register(Citation)
class CitationAdmin(RecordAdmin):
    form = CitationAdminForm
    fields = ["source", "event", "statement", "excerpt", "is_summary", "note", "opened_version"]
    autocomplete_fields = ["source", "event", "statement"]
    list_display = ["source", "cites", "excerpt_column"]
    search_fields = ["excerpt", "source__title", "event__title", "statement__quote"]
    list_select_related = ["source", "event", "statement__speaker"]

    @admin.display(description="Supports")
    def cites(self, citation):
        return citation.event or citation.statement

    @admin.display(description="Excerpt")
    def excerpt_column(self, citation):
        return short(citation.excerpt)


@admin.register(Place)
class PlaceAdmin(RecordAdmin):
    form = PlaceAdminForm
    fields = ["name", "slug", "kind", ("latitude", "longitude"), "radius_km", "sensitive",
              "aliases", "description", "opened_version"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name", "kind", "radius_km", "sensitive", "event_count"]
    list_filter = ["kind", "sensitive"]
    search_fields = ["name", "aliases", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("event_places"))

    @admin.display(description="Events", ordering="event_count")
    def event_count(self, place):
        return place.event_count


class ClaimValueInline(SafeAutocompleteMixin, admin.StackedInline):
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
class ClaimAdmin(PublishActionsMixin, RecordAdmin):
    form = ClaimAdminForm
    fields = ["question", "slug", "events", ("headline", "order"), "conclusion", "status",
              "opened_version"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["events"]
    inlines = [ClaimValueInline]
    list_display = ["question", "headline", "order", "status", "values_column"]
    list_filter = ["status", "headline"]
    search_fields = ["question", "slug", "values__value", "events__title"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(value_count=Count("values"))

    @admin.display(description="Values", ordering="value_count")
    def values_column(self, claim):
        return claim.value_count

    def view_on_site(self, claim):
        event = claim.events.public().first()
        return event.get_absolute_url() if event and claim.is_published else None
