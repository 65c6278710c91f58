"""Review in the admin (docs/review.md): saving a published item proposes a change instead of
writing it, drafts are submitted for review, editors approve or send back, urgent takedowns.

The rules themselves are events/review.py's; this module only wires them to the admin.
"""

import reversion as reversion_api
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion import revisions as reversion_state

from . import attention, preview, review
from .models import Review, Status


class _Captured(Exception):
    def __init__(self, response, state):
        self.response, self.state = response, state


class ReviewedAdminMixin:
    """For Event, Statement and Citation admins: nobody publishes directly (status is read
    only), and a save of a published item becomes a pending change.

    The save runs as usual (every form and formset rule applies), its result is read, then
    rolled back and stored as a proposal: readers keep the approved version."""

    review_fields = ("review_state", "submit_for_review", "review_note")

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "review_state"]
        if "status" in [f.name for f in self.model._meta.fields]:
            fields.append("status")
        return fields

    @admin.display(description=_("Review"))
    def review_state(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save as a draft, then submit for review.")
        pending = review.pending_review(obj)
        public = review.is_public(obj)
        if pending is None:
            return (gettext("Published. Saving proposes a change for an editor to review; "
                            "readers keep this version meanwhile.") if public else
                    gettext("Draft, not submitted for review."))
        return format_html(
            gettext('{kind} by {author} on {when}. <a href="{review}">Open the review</a> · '
                    '<a href="{preview}">Preview</a>'),
            kind=pending.get_kind_display(), author=pending.author.get_username(),
            when=date_format(pending.created_at, "DATETIME_FORMAT"),
            review=reverse("admin:events_review_change", args=[pending.pk]),
            preview=preview.review_preview_path(pending),
        )

    # Saving.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        run = super().changeform_view
        if request.method == "POST" and object_id and not getattr(request, "_review_capturing",
                                                                  False):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and review.is_public(obj):
                return self._proposed_instead(
                    request, obj, lambda: run(request, object_id, form_url, extra_context))
        return run(request, object_id, form_url, extra_context)

    def _reversion_revisionform_view(self, request, version, *args, **kwargs):
        run = super()._reversion_revisionform_view
        if request.method != "POST":
            return run(request, version, *args, **kwargs)
        obj = self.model._default_manager.filter(pk=version.object_id).first()
        if obj is not None and review.is_public(obj):
            return self._proposed_instead(request, obj,
                                          lambda: run(request, version, *args, **kwargs))
        response = run(request, version, *args, **kwargs)
        if obj is None and response.status_code == 302:
            self._recovered_as_draft(request, version.object_id)
        return response

    def _recovered_as_draft(self, request, pk):
        """A deleted item recovered from the history comes back as a draft submitted for
        review, never straight back in front of readers."""
        recovered = self.model._default_manager.filter(pk=pk).first()
        if recovered is None or getattr(recovered, "status", None) != Status.PUBLISHED:
            return
        with reversion_api.create_revision():
            reversion_api.set_user(request.user)
            reversion_api.set_comment("Recovered as a draft, submitted for review.")
            recovered.status = Status.DRAFT
            recovered.save()
        review.submit_new(recovered, request.user, "Recovered after deletion.")
        self.message_user(request, gettext("It was published before its deletion: it comes back "
                                           "as a draft, submitted for an editor's review."),
                          messages.WARNING)

    def _proposed_instead(self, request, obj, run):
        before = review.snapshot(obj)
        # VersionAdmin's revision around the view would still save the versions the rolled
        # back save added (they are kept in memory until the view returns): put them back.
        versions_before = (reversion_state._copy_db_versions(
            reversion_state._current_frame().db_versions) if reversion_state.is_active() else None)
        storage = messages.get_messages(request)
        queued = len(storage._queued_messages)
        request._review_capturing = True
        try:
            with transaction.atomic():
                response = run()
                # Form errors, or a save that lost a race (RecordAdmin): nothing was saved.
                if response.status_code != 302 or getattr(request, "_concurrent_edit", False):
                    return response
                raise _Captured(response, review.snapshot(obj))
        except _Captured as captured:
            response, after = captured.response, captured.state
        finally:
            request._review_capturing = False
        if versions_before is not None:
            reversion_state._update_frame(db_versions=versions_before)
        del storage._queued_messages[queued:]  # "changed successfully" is not true here
        changes = review.changes_between(before, after)
        if not getattr(request, "_outdated_language_given", False):
            # Only the save's own guess (events/languages.py): made again at approval.
            changes.pop("outdated_language", None)
        if not changes:
            self.message_user(request, gettext("Nothing changed: no review needed."),
                              messages.INFO)
            return response
        try:
            pending = review.propose_change(obj, changes, request.user,
                                            getattr(request, "_review_note", ""))
        except ValidationError as error:
            self.message_user(request, gettext("Not proposed: %(why)s") % {
                "why": " ".join(error.messages)}, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        self.message_user(request, format_html(
            gettext("Your change to “{item}” awaits review by an editor; readers see the "
                    'published version until it is approved. <a href="{preview}">Preview it</a>.'),
            item=obj, preview=preview.review_preview_path(pending)), messages.SUCCESS)
        return response

    def save_model(self, request, obj, form, change):
        request._review_note = form.cleaned_data.get("review_note", "")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(request, "_review_capturing", False):
            return
        if form.cleaned_data.get("submit_for_review"):
            self._submit(request, [form.instance], form.cleaned_data.get("review_note", ""))

    def _submit(self, request, objects, note=""):
        submitted, refused = [], []
        for obj in objects:
            if obj.status != Status.DRAFT:
                continue
            if not obj.citations.exists():  # CitedToPublish: it could not be published
                refused.append(obj)
                continue
            review.submit_new(obj, request.user, note)
            submitted.append(obj)
        if submitted:
            self.message_user(
                request, gettext("Submitted for review: %(items)s. An editor other than you "
                                 "publishes it.") % {"items": _listed(submitted)},
                messages.SUCCESS)
        if refused:
            self.message_user(
                request, gettext("Not submitted, no citation yet: %(items)s") % {
                    "items": _listed(refused)}, messages.ERROR)

    # Actions.

    @admin.action(description=_("Submit selected drafts for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._submit(request, list(queryset))

    @admin.action(description=_("Take down at once (to protect someone)…"),
                  permissions=["change"])
    def takedown(self, request, queryset):
        published = list(queryset.filter(status=Status.PUBLISHED))
        reason = request.POST.get("takedown_reason", "").strip()
        if "takedown_reason" in request.POST and reason and published:
            for obj in published:
                review.takedown(obj, request.user, reason)
            self.message_user(
                request, gettext("Taken down at once: %(items)s. Readers no longer see it; the "
                                 "reason is in its history.") % {"items": _listed(published)},
                messages.WARNING)
            return None
        if not published:
            self.message_user(request, gettext("None of the selected items is published."),
                              messages.INFO)
            return None
        return TemplateResponse(request, "admin/events/takedown.html", {
            **self.admin_site.each_context(request),
            "title": gettext("Take down at once"),
            "opts": self.model._meta,
            "objects": published,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "missing_reason": "takedown_reason" in request.POST,
        })

    # History: the item's reviews beside its saved versions.

    object_history_template = "admin/events/object_history_with_reviews.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}),
                         "reviews": list(review.reviews_of(obj)) if obj else []}
        return super().history_view(request, object_id, extra_context)


def _listed(items):
    return ", ".join(str(item) for item in items[:10])


class StaleDraftFilter(admin.SimpleListFilter):
    """The attention queue's "drafts untouched for a week" (events/attention.py)."""

    title = _("untouched")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        days = attention.stale_draft_days()
        return [("yes", ngettext("for %(days)d day or more", "for %(days)d days or more", days)
                 % {"days": days})]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return attention.stale_drafts_of(queryset)
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = _("whose")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("mine", _("Mine")), ("others", _("Others'"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(author=request.user)
        if self.value() == "others":
            return queryset.exclude(author=request.user)
        return queryset


class ReviewDecisionForm(forms.Form):
    checked = forms.MultipleChoiceField(
        label=_("What you checked"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(review.REVIEW_CHECKS.items()),
    )
    review_comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to send back: what the author must do. Kept in the history."),
    )


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "state", "author", "created_at", "reviewer", "reviewed_at"]
    list_filter = ["state", "kind", MineFilter]
    search_fields = ["label", "comment", "review_comment"]
    list_select_related = ["author", "reviewer"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # reviews are history

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        current = self.get_object(request, unquote(object_id))
        if current is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = ReviewDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            verdict = request.POST.get("verdict")
            comment = form.cleaned_data["review_comment"]
            try:
                if verdict == "approve":
                    review.approve(current, request.user, comment, form.cleaned_data["checked"])
                    self.message_user(request, gettext("Approved: readers now see “%(item)s”.")
                                      % {"item": current.label}, messages.SUCCESS)
                elif verdict == "send_back":
                    review.send_back(current, request.user, comment)
                    self.message_user(request, gettext("Sent back to %(author)s.") % {
                        "author": current.author.get_username()}, messages.SUCCESS)
                elif verdict == "withdraw":
                    review.withdraw(current, request.user)
                    self.message_user(request, gettext("Withdrawn."), messages.SUCCESS)
                else:
                    raise ValidationError(gettext("Choose approve, send back or withdraw."))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return HttpResponseRedirect(request.path)
        target = current.target
        pending = current.state == Review.State.PENDING
        context = {
            **self.admin_site.each_context(request),
            "title": str(current),
            "opts": self.opts,
            "original": current,
            "review": current,
            "target": target,
            "target_url": reverse(
                f"admin:events_{current.content_type.model}_change", args=[current.object_id]
            ) if target is not None else "",
            "changes": review.describe_changes(current) if pending else [],
            "form": form,
            "may_review": pending and review.is_editor(request.user)
            and current.author_id != request.user.pk,
            "own": current.author_id == request.user.pk,
            "pending": pending,
            "preview_path": preview.review_preview_path(current) if pending else "",
            "signed_preview_url": preview.signed_preview_url(current) if pending else "",
            "preview_hours": preview.link_hours(),
            "checks": review.REVIEW_CHECKS,
            "checked_labels": [review.REVIEW_CHECKS.get(k, k) for k in current.checked],
        }
        return TemplateResponse(request, "admin/events/review/review.html", context)
