"""The "Curators" group: add, change and view the record; no delete, no users or groups.

Deleting is left to administrators so that no curator action can remove part of the record;
a correction is an edit. Permissions are created here rather than waiting for post_migrate,
so the group is complete on a fresh database in one `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED_MODELS = ["actor", "category", "citation", "event", "eventactor", "sourcearticle",
                  "statement"]
ACTIONS = ["add", "change", "view"]


def create_curators(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    codenames = [f"{action}_{model}" for model in CURATED_MODELS for action in ACTIONS]
    curators.permissions.set(
        Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
    )


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
