"""manage.py purge_correction_reports: delete readers' correction reports kept longer than
settings.CORRECTION_RETENTION_DAYS (DJANGO_CORRECTION_RETENTION_DAYS).

Each new report also deletes the expired ones, so on a site that receives reports this only
matters when none have come for a while; run it daily (cron, a systemd timer) to keep the
promise the about page makes whatever the traffic.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from events.models import CorrectionReport


class Command(BaseCommand):
    help = "Delete readers' correction reports older than the retention period."

    def handle(self, *args, **options):
        deleted = CorrectionReport.objects.purge_expired()
        days = settings.CORRECTION_RETENTION_DAYS
        self.stdout.write(f"Deleted {deleted} correction reports older than {days} days.")
