"""manage.py restore_record FILE: load a backup_record file into an empty, migrated database.

Refuses a database that already holds any of the record or any account, so a restore can
never merge with, or silently overwrite, live data. All or nothing: one transaction.
"""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.models import Actor, Category, Event, SourceArticle, Statement


class Command(BaseCommand):
    help = "Restore a backup_record file into an empty database (run migrate first)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file written by backup_record.")

    def handle(self, *args, path, **options):
        occupied = [
            str(model._meta.verbose_name_plural)
            for model in (Event, Statement, Actor, SourceArticle, Category, get_user_model())
            if model.objects.exists()
        ]
        if occupied:
            raise CommandError(
                "This database is not empty (it has " + ", ".join(occupied) + "). Restore into "
                "a new database: create it, run `manage.py migrate`, then restore."
            )
        with transaction.atomic():
            call_command("loaddata", path, verbosity=0)
            Event.objects.refresh_search_vectors()  # derived, so not in the backup
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
