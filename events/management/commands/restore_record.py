"""manage.py restore_record FILE: load a backup_record file into an empty, migrated database.

Refuses a database that already holds any of the record or any account, so a restore can
never merge with, or silently overwrite, live data. All or nothing: one transaction. Reads
whatever backup_record wrote, whatever the file is called (or standard input, with -), and
answers a damaged file with one sentence saying what is wrong with it.
"""

import gzip
import json
import re
import sys
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from events.models import Actor, Category, Event, Place, SourceArticle, Statement


class Command(BaseCommand):
    help = "Restore a backup_record file into an empty database (run migrate first)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="The backup file written by backup_record, or - for standard input."
        )

    def handle(self, *args, path, **options):
        occupied = [
            str(model._meta.verbose_name_plural)
            for model in (Event, Statement, Actor, SourceArticle, Category, Place,
                          get_user_model())
            if model.objects.exists()
        ]
        if occupied:
            raise CommandError(
                "This database is not empty (it has " + ", ".join(occupied) + "). Restore into "
                "a new database: create it, run `manage.py migrate`, then restore."
            )
        text = _backup_text(path)
        # loaddata picks the format from the file name, so it reads a copy named .json.
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as copy:
            copy.write(text)
            copy.flush()
            try:
                with transaction.atomic():
                    call_command("loaddata", copy.name, verbosity=0)
                    Event.objects.refresh_search_vectors()  # derived, so not in the backup
            except (DeserializationError, DatabaseError, LookupError) as error:
                cause = error.__cause__ or error
                reason = " ".join(str(cause).split()) or type(cause).__name__
                # loaddata names its own copy of the file, which would only confuse.
                reason = re.sub(r"^Problem installing fixture '[^']*': ", "", reason)
                raise CommandError(
                    f"{path} is not a backup_record file this version can restore ({reason}); "
                    "nothing was written."
                ) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))


def _backup_text(path):
    """The backup's JSON text, or CommandError with one sentence on what is wrong with it."""
    try:
        data = _read_standard_input() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
    not_a_backup = f"{path} is not a backup_record file"
    if data[:2] == b"\x1f\x8b":  # gzip: what dumpdata wrote for a name ending in .gz
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise CommandError(f"{path} is a damaged or cut-short gzip file.") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"{not_a_backup}: it is not UTF-8 text.") from error
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise CommandError(
                f"{path} is cut short: it ends before the backup does (was it copied whole?)."
            ) from error
        raise CommandError(
            f"{not_a_backup}: it is not JSON (line {error.lineno}, column {error.colno})."
        ) from error
    if not isinstance(records, list) or not all(
        isinstance(record, dict) and "model" in record and "fields" in record
        for record in records
    ):
        raise CommandError(f"{not_a_backup}: it holds no list of records.")
    return text


def _read_standard_input():
    stream = getattr(sys.stdin, "buffer", None)
    return stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
