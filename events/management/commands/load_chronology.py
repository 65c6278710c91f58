"""manage.py load_chronology [PATH] [--if-empty]: load the curated chronology data file.

Only missing rows are created; existing ones (possibly edited by curators) are left alone, so the
command is safe to run again, e.g. on every deploy with --if-empty or after the file grows.
"""

from django.core.management.base import BaseCommand, CommandError

from events.chronology import DEFAULT_PATH, KINDS, ChronologyDataError, load_chronology
from events.models import Event


class Command(BaseCommand):
    help = "Load the chronology data file, creating only what the database lacks."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_PATH),
            help="The JSON data file (default: events/fixtures/chronology.json).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any event exists already (for first-run setup scripts).",
        )

    def handle(self, *args, path, if_empty, **options):
        if if_empty and Event.objects.exists():
            self.stdout.write("The database already holds events: nothing loaded (--if-empty).")
            return
        try:
            counts = load_chronology(path)
        except ChronologyDataError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        for kind in KINDS:
            created, existing = counts[kind]["created"], counts[kind]["existing"]
            self.stdout.write(
                f"{kind.replace('_', ' ').capitalize()}: "
                f"{created} created, {existing} already existed."
            )
        total = sum(count["created"] for count in counts.values())
        self.stdout.write(self.style.SUCCESS(f"Loaded {path}: {total} rows created."))
