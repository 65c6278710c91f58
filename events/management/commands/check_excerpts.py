"""manage.py check_excerpts FOLDER: are the citation excerpts really in the archived articles?

For every citation whose source names an archived text file, the excerpt must appear verbatim in
FOLDER/<archive_filename>: where it leaves words out with "[…]", each visible part, in order
(events/excerpts.py). Runs of whitespace are treated as one space (line breaks in an excerpt
are not a change of wording); nothing else is normalised, so a changed quote mark, corrected
typo or silently dropped word is reported.

A citation marked is_summary holds the curators' summary of its source, not a quotation, so it is
skipped; the summary line says how many were.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.excerpts import collapse_whitespace, read_kept_text
from events.models import Citation


class Command(BaseCommand):
    help = "Check that citation excerpts appear verbatim in the archived source texts."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The folder holding the archived text files.")

    def handle(self, *args, folder, **options):
        folder = Path(folder)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        summaries = Citation.objects.filter(is_summary=True).count()
        citations = Citation.objects.quoting_kept_texts()
        texts = {}
        failures = []
        checked = 0
        for citation in citations:
            filename = citation.source.archive_filename
            if filename not in texts:
                texts[filename] = read_kept_text(folder, filename)
            archived = texts[filename]
            checked += 1
            if archived is None:
                failures.append(
                    f"Citation {citation.pk} ({citation.source.slug}): "
                    f"the archived file {folder / filename} is missing or unreadable."
                )
            elif not citation.is_verbatim_in(archived):
                start = collapse_whitespace(citation.excerpt)[:60]
                failures.append(
                    f"Citation {citation.pk} ({citation.source.slug}): excerpt not found "
                    f"verbatim in {filename}: “{start}…”"
                )
        for failure in failures:
            self.stderr.write(failure)
        noun = "summary" if summaries == 1 else "summaries"
        skipped = f"{summaries} {noun} by the curators skipped (not quotations)"
        if failures:
            raise CommandError(
                f"{len(failures)} of {checked} excerpts failed the check; {skipped}."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"All {checked} excerpts appear verbatim in {len(texts)} archived files; "
                f"{skipped}."
            )
        )
