"""Joins the branches of the record's schema (review, curation, places, claims) and keeps the
Editors group exactly what curators may do plus reviewing: each branch granted curators its
new models, and Editors were made (0015_review) before some of those existed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_ONLY = ["review_record"]


def sync_editors(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set([
        *curators.permissions.all(),
        *Permission.objects.filter(content_type__app_label="events", codename__in=EDITORS_ONLY),
    ])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_merge_20261201_1838"),
        ("events", "0017_curate_editors_permissions"),
    ]

    operations = [migrations.RunPython(sync_editors, migrations.RunPython.noop)]
