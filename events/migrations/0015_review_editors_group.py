"""The "Editors" group: what curators may do, and review others' changes (four eyes).

Made as migration 0002 made Curators: permissions created here, so the group is complete on
a fresh database in one `migrate`. Curators gain seeing the review queue (their own changes
and others'); only editors may approve or send back, never their own change (events/review.py).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED_MODELS = ["actor", "category", "citation", "event", "eventactor", "sourcearticle",
                  "statement"]
ACTIONS = ["add", "change", "view"]


def create_editors(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    events = Permission.objects.filter(content_type__app_label="events")
    record = [f"{action}_{model}" for model in CURATED_MODELS for action in ACTIONS]
    curators, _ = Group.objects.get_or_create(name="Curators")
    curators.permissions.add(*events.filter(codename="view_review"))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(events.filter(codename__in=[*record, "view_review", "review_record"]))


def remove_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Editors").delete()
    for curators in Group.objects.filter(name="Curators"):
        curators.permissions.remove(*curators.permissions.filter(codename="view_review"))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_review_reviews"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
