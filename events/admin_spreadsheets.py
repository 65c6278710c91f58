"""The admin's spreadsheet round trip (events/spreadsheets.py): "Export" and "Import from a
spreadsheet" on the events list, for curators.

The import page checks the uploaded sheet first and writes nothing while any row has a
problem; "Check only" (the dry run) stops there whatever the result.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .spreadsheets import MAX_BYTES, export_sheet, read_sheet

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class SheetUploadForm(forms.Form):
    sheet = forms.FileField(
        label="Spreadsheet",
        help_text="CSV (UTF-8) or Excel .xlsx: this site's export, or a sheet made from "
        "Knight Lab's TimelineJS Google Sheets template.",
    )

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if sheet.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it.")
        return sheet


class SpreadsheetAdminMixin:
    """For the events' ModelAdmin."""

    change_list_template = "admin/events/event/change_list.html"

    def get_urls(self):
        own = [
            path("spreadsheet/import/", self.admin_site.admin_view(self.import_sheet_view),
                 name="events_event_import_sheet"),
            path("spreadsheet/export/<str:file_format>/",
                 self.admin_site.admin_view(self.export_sheet_view),
                 name="events_event_export_sheet"),
        ]
        return own + super().get_urls()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            for file_format in ("csv", "xlsx"):
                name = f"export_{file_format}"
                actions[name] = (
                    _export_action(file_format), name,
                    "Export selected with citations, actors and statements "
                    f"({file_format.upper()})",
                )
        return actions

    def export_sheet_view(self, request, file_format):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in CONTENT_TYPES:
            return HttpResponse("Export as csv or xlsx.", status=404, content_type="text/plain")
        return sheet_response(self.get_queryset(request), file_format)

    def import_sheet_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "Import events from a spreadsheet", "plan": None}
        form = SheetUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["sheet"]
            plan = read_sheet(upload.read(), upload.name)
            context["plan"] = plan
            if plan.ok and "import" in request.POST:
                reviews = plan.apply(request.user)
                self.message_user(
                    request,
                    f"Imported {upload.name}: {plan.summary()} {len(reviews)} items await "
                    "review by an editor; nothing is public until approved.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:events_event_changelist"))
        context["form"] = form
        status = 400 if context["plan"] and not context["plan"].ok else 200
        return TemplateResponse(request, "admin/events/event/import_sheet.html", context,
                                status=status)


def _export_action(file_format):
    def export(modeladmin, request, queryset):
        return sheet_response(queryset, file_format)
    export.__name__ = f"export_{file_format}"
    return export


def sheet_response(events, file_format):
    response = HttpResponse(export_sheet(events, file_format),
                            content_type=CONTENT_TYPES[file_format])
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="chronology-{stamp}.{file_format}"'
    return response



