"""Editors may do what curators may: the archived texts and readers' reports of 0014_curate
too (0015_review made Editors from the record's models before those existed)."""

from django.db import migrations

PERMISSIONS = [
    "add_archivedtext", "change_archivedtext", "view_archivedtext",
    "change_correctionreport", "view_correctionreport",
]


def grant_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(
        content_type__app_label="events", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("events", "0016_merge_curate_review")]

    operations = [migrations.RunPython(grant_editors, migrations.RunPython.noop)]
