"""manage.py audit_record [--texts FOLDER]: every mechanically checkable rule the record breaks.

Lists each finding (events/audit.py says what is checked) and exits with status 1 if there is
any, so a deploy or CI step can stop on it. --texts is the folder of kept source texts the
excerpts are compared with (default: ../shared/seeds beside the project); if it is missing,
that part is skipped and the output says so.
"""

from django.core.management.base import BaseCommand, CommandError

from events.audit import DEFAULT_TEXTS, audit_record


class Command(BaseCommand):
    help = "List every mechanically checkable rule of the record that an item breaks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--texts",
            default=str(DEFAULT_TEXTS),
            help=f"Folder of the kept source texts (default: {DEFAULT_TEXTS}).",
        )

    def handle(self, *args, texts, **options):
        audit = audit_record(texts)
        for finding in audit.findings:
            self.stdout.write(finding)
        for note in audit.notes:
            self.stdout.write(note)
        if audit.findings:
            raise CommandError(f"{len(audit.findings)} problems found in the record.")
        self.stdout.write(self.style.SUCCESS("The record keeps every rule the audit checks."))
