"""Curators add, change and view claims and their values, as they do the rest of the record
(0002_curators_group); deleting stays with administrators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLAIM_MODELS = ["claim", "claimvalue"]
ACTIONS = ["add", "change", "view"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    codenames = [f"{action}_{model}" for model in CLAIM_MODELS for action in ACTIONS]
    curators.permissions.add(
        *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CLAIM_MODELS for action in ACTIONS]
    for curators in Group.objects.filter(name="Curators"):
        curators.permissions.remove(
            *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_claims_claim"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
