import django.contrib.postgres.search
from django.db import migrations

# As in 0007: the GIN index and the backfill exist on PostgreSQL only (SQLite has no
# tsvector), so the index is not in Event.Meta.indexes.
INDEX = "event_search_vector_ru_gin"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON events_event USING gin (search_vector_ru)"
    )
    # Both documents are rebuilt after migrate (signals.fill_search_vectors: every event's
    # search_vector_ru is empty now), with the live search code once every column exists.


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0021_protected_in_every_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="search_vector_ru",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.RunPython(add_index, drop_index),
    ]
