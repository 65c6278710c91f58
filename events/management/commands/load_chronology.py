"""manage.py load_chronology [PATH] [--if-empty | --upgrade] [--archive FOLDER]: load the curated
chronology data file.

By default only missing rows are created; existing ones (possibly edited by curators) are left
alone, so the command is safe to run again, e.g. on every deploy with --if-empty or after the
file grows. --upgrade brings a database loaded from an earlier bundled file to this one: every
bundled item no curator has touched takes the file's corrected values, with a public reason in
its event's corrections log; items curators edited are listed for review and left as they are
(the command then exits with status 2); withdrawn events are unpublished, never deleted.
--archive FOLDER then attaches the archived texts of the sources that name a file in FOLDER
(events/archives.py); an excerpt its text does not hold makes the command exit with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.archives import attach_archived_texts
from events.chronology import (
    DEFAULT_PATH,
    KINDS,
    ChronologyDataError,
    load_chronology,
    upgrade_chronology,
)
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
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any event exists already (for first-run setup scripts).",
        )
        mode.add_argument(
            "--upgrade",
            action="store_true",
            help="Apply the file's corrections to every bundled item no curator has edited; "
            "list the edited ones for review.",
        )
        parser.add_argument(
            "--archive",
            metavar="FOLDER",
            help="Attach the archived texts of the sources (their archive_filename) from this "
            "folder, e.g. ../shared/seeds; texts already attached are never replaced.",
        )

    def handle(self, *args, path, if_empty, upgrade, archive, **options):
        if archive and not Path(archive).is_dir():
            raise CommandError(f"Nothing was loaded: {archive} is not a folder.")
        if if_empty and Event.objects.exists():
            self.stdout.write("The database already holds events: nothing loaded (--if-empty).")
        else:
            self.load(path, upgrade)
        if archive:
            self.attach(archive)

    def load(self, path, upgrade):
        try:
            if upgrade:
                return self.upgrade(path)
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

    def upgrade(self, path):
        report = upgrade_chronology(path)
        for label, reasons in report.updated:
            self.stdout.write(f"Corrected: {label}: {' '.join(reasons)}")
        for label in report.created:
            self.stdout.write(f"Added: {label}")
        for label in report.withdrawn:
            self.stdout.write(f"Withdrawn (unpublished): {label}")
        for label, changes in report.for_review:
            self.stdout.write(
                f"For review: {label} was edited by a curator since it was loaded; the file "
                f"changes its {', '.join(changes)}. Nothing was changed: compare and correct "
                "it by hand."
            )
        summary = (
            f"Upgraded from {path}: {len(report.updated)} corrected, {len(report.created)} "
            f"added, {len(report.withdrawn)} withdrawn, {len(report.for_review)} for review, "
            f"{report.translated} given their Russian."
        )
        if report.for_review:
            raise CommandError(summary, returncode=2)
        self.stdout.write(self.style.SUCCESS(summary))

    def attach(self, folder):
        report = attach_archived_texts(folder)
        for slug in report.differs:
            self.stdout.write(f"Not replaced: the archived text of {slug} differs from the "
                              "file; the attached one is kept (compare them by hand).")
        for missing in report.missing:
            self.stdout.write(f"Missing: {missing} is not a readable file in {folder}.")
        for mismatch in report.mismatches:
            self.stderr.write(mismatch)
        summary = (f"Archived texts from {folder}: {len(report.attached)} attached, "
                   f"{len(report.unchanged)} already attached, {len(report.differs)} differing "
                   f"(kept), {len(report.missing)} missing.")
        if report.mismatches:
            raise CommandError(f"{summary} {len(report.mismatches)} excerpts are not verbatim "
                               "in their archived texts.")
        self.stdout.write(self.style.SUCCESS(summary))
