"""One sort key for the chronology: Event.sort_date, with a curator's optional sort_as.

An event known only to the month used to sort on the 1st, before the month's dated events.
sort_date is the day the event sits at: its day, the curator's estimate, or the last day of
its period (after the dated events). Existing rows get it computed here.
"""

import calendar

from django.db import migrations, models

DAY, MONTH = 1, 2


def chronology_date(start_date, precision):
    # Events.chronology_date() for rows that have no sort_as yet (the field is new).
    if precision == DAY:
        return start_date
    if precision == MONTH:
        return start_date.replace(day=calendar.monthrange(start_date.year, start_date.month)[1])
    return start_date.replace(month=12, day=31)


def place_events(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for pk, start_date, precision in Event.objects.values_list(
        "pk", "start_date", "start_precision"
    ).iterator():
        Event.objects.filter(pk=pk).update(sort_date=chronology_date(start_date, precision))


class Migration(migrations.Migration):
    dependencies = [("events", "0010_record_excerpt_elision_help")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="sort_as",
            field=models.DateField(
                blank=True,
                help_text="Only for an event known to the month or the year: the curators' best "
                "estimate of its day, from the evidence (say what in the note). It places the "
                "event at that day in the chronology, shown as “c. 15 April 2017”. Leave it "
                "empty when nothing supports an estimate: the event is then listed after the "
                "month's dated events, under “April 2017, day not known”.",
                null=True,
                verbose_name="sort as (best estimate of the day)",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="sort_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(place_events, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="event",
            name="sort_date",
            field=models.DateField(editable=False),
        ),
        migrations.AlterModelOptions(
            name="event",
            options={"ordering": ["sort_date", "start_precision", "title", "pk"]},
        ),
        migrations.RemoveIndex(model_name="event", name="event_public_chronology"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["status", "sort_date", "start_precision", "title"],
                name="event_public_chronology",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sort_as__isnull", True),
                    models.Q(("sort_as__gte", models.F("start_date")), ("start_precision__gt", 1)),
                    _connector="OR",
                ),
                name="event_sort_as_estimates_an_unknown_day",
                violation_error_message="A best estimate of the day is only for an event known "
                "to the month or the year, and falls within its dates.",
            ),
        ),
    ]
