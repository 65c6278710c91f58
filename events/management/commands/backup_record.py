"""manage.py backup_record FILE: the whole record as one versionable JSON file.

Content (events, actors, statements, sources, citations, categories), its full edit history
(django-reversion) and the accounts and groups that history names. Output is sorted by model
and primary key with stable formatting, so successive backups diff cleanly under version
control, and `restore_record` into an empty database gives back byte-for-byte the same file.

The file is always plain JSON whatever its name (dumpdata would pick a format, or a
compression, from the extension, and restore_record could not read a `.bak`), and is created
readable by its owner only: it holds curators' password hashes and every earlier wording of
the record. It is written under a temporary name and renamed when complete, so a backup that
fails half-way never replaces a good one.
"""

import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Order does not matter to loaddata (it defers constraint checks), but it keeps files stable.
RECORD = ["auth.group", "auth.user", "events", "reversion"]


class Command(BaseCommand):
    help = "Write the whole record, with its history, to a JSON file (- for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup, or - for standard output.")

    def handle(self, *args, path, **options):
        if path == "-":
            self._dump(self.stdout)
            return
        target = Path(path)
        descriptor, partial = tempfile.mkstemp(  # mode 0600
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                self._dump(file)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.stderr.write(f"Backed up {', '.join(RECORD)} to {path}.")

    def _dump(self, stream):
        call_command(
            "dumpdata",
            *RECORD,
            format="record-json",  # JSON, with exact timestamps (events/backup_format.py)
            natural_foreign=True,
            # A cache-invalidation counter, not the record; readers' reports are deleted at
            # the end of their retention period, which a backup must not outlive.
            exclude=["events.RecordState", "events.CorrectionReport"],
            indent=2,
            stdout=stream,
            verbosity=0,
        )
