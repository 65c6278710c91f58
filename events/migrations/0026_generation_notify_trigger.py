"""A trigger on RecordState's table that announces every change of the record's generation
on PostgreSQL (NOTIFY), for the listener in each server process (events/listener.py). Nothing
on SQLite, where the generation is read in-process."""

from django.db import migrations

from events.listener import CHANNEL, TRIGGER

CREATE = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON events_recordstate;
CREATE TRIGGER {TRIGGER}
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON events_recordstate
    FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}();
"""
DROP = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON events_recordstate;
DROP FUNCTION IF EXISTS {TRIGGER}();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0025_translation_digests_in_field_order"),
    ]

    operations = [migrations.RunPython(create, drop)]
