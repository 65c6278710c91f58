"""manage.py check_excerpts FOLDER: are the citation excerpts really in the archived articles?

For every citation (and every claim value) whose source names an archived text file, the excerpt must appear verbatim in
FOLDER/<archive_filename>: where it leaves words out with "[…]", each visible part, in order
(events/excerpts.py). Runs of whitespace are treated as one space (line breaks in an excerpt
are not a change of wording); nothing else is normalised, so a changed quote mark, corrected
typo or silently dropped word is reported.

A citation marked is_summary holds the curators' summary of its source, not a quotation, so it is
skipped; the summary line says how many were.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.audit import compare_excerpts
from events.models import Citation, ClaimValue


class Command(BaseCommand):
    help = "Check that citation excerpts appear verbatim in the archived source texts."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The folder holding the archived text files.")

    def handle(self, *args, folder, **options):
        folder = Path(folder)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        summaries = (Citation.objects.filter(is_summary=True).count()
                     + ClaimValue.objects.filter(is_summary=True).count())
        checked, texts, problems = compare_excerpts(folder)
        failures = [f"{'Citation' if isinstance(item, Citation) else 'Claim value'} {item.pk} "
                    f"({item.source.slug}): {problem}" for item, problem in problems]
        for failure in failures:
            self.stderr.write(failure)
        noun = "summary" if summaries == 1 else "summaries"
        skipped = f"{summaries} {noun} by the curators skipped (not quotations)"
        if failures:
            raise CommandError(
                f"{len(failures)} excerpts failed the check ({checked} compared); {skipped}."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"All {checked} excerpts appear verbatim in {texts} archived files; "
                f"{skipped}."
            )
        )
