"""manage.py backup_record FILE: the whole record as one versionable JSON file.

Content (events, actors, statements, sources, citations, categories), its full edit history
(django-reversion) and the accounts and groups that history names. Output is sorted by model
and primary key with stable formatting, so successive backups diff cleanly under version
control, and `restore_record` into an empty database gives back byte-for-byte the same file.

The file holds curators' password hashes: store it encrypted, like any credential.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Order does not matter to loaddata (it defers constraint checks), but it keeps files stable.
RECORD = ["auth.group", "auth.user", "events", "reversion"]


class Command(BaseCommand):
    help = "Write the whole record, with its history, to a JSON file (- for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup, or - for standard output.")

    def handle(self, *args, path, **options):
        call_command(
            "dumpdata",
            *RECORD,
            format="record-json",  # JSON, with exact timestamps (events/backup_format.py)
            natural_foreign=True,
            exclude=["events.RecordState"],  # a cache-invalidation counter, not the record
            indent=2,
            output=None if path == "-" else path,
            stdout=self.stdout,
            verbosity=0,
        )
        if path != "-":
            self.stderr.write(f"Backed up {', '.join(RECORD)} to {path}.")
