"""Curators add, change and view places and the places of events (no delete), as they do
the rest of the record (0002_curators_group)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["add", "change", "view"]
MODELS = ["place", "eventplace"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    curators.permissions.add(
        *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    for group in Group.objects.filter(name="Curators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0014_places_place")]

    operations = [migrations.RunPython(grant, revoke)]
