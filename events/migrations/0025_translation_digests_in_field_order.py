"""The translation fingerprints taken again, in the model's field order.

`en_digest`/`ru_digest` were taken over the translated fields in the order of a set, which
followed each process's hash seed (events.languages.translated_fields now gives the model's
order). Taken again here from the texts as they are stored, which is what they stand for:
without this, the first save of each item after the upgrade would see both languages
changed and clear its outdated flag. The flags themselves are left as they are."""

from django.db import migrations


def fingerprint_again(apps, schema_editor):
    from django.apps import apps as live_apps

    from events.languages import _digest, translated_fields

    for name in ("Category", "Actor", "Place", "SourceArticle", "Event", "Statement", "Claim"):
        live = live_apps.get_model("events", name)
        if not translated_fields(live):
            continue
        model = apps.get_model("events", name)
        changed = []
        for row in model.objects.all().iterator(chunk_size=2000):
            en, ru = _digest(row, "en", live), _digest(row, "ru", live)
            if (row.en_digest, row.ru_digest) != (en, ru):
                row.en_digest, row.ru_digest = en, ru
                changed.append(row)
        model.objects.bulk_update(changed, ["en_digest", "ru_digest"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0024_generation_from_the_clock"),
    ]

    operations = [
        migrations.RunPython(fingerprint_again, migrations.RunPython.noop),
    ]
