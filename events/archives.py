"""Attaching archived source texts from a folder: `load_chronology --archive FOLDER`.

Each source that names an `archive_filename` gets the file's text as its ArchivedText
(curators only), with the text's SHA-256. A text already attached is never replaced: if the
file differs from it, the command says so and leaves the curators' copy alone. Every excerpt
cited from a source whose text was attached is then checked against it, with the same check
a citation's save makes (Citation.archive_problem), and each mismatch is listed.
"""

from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.db import transaction

from .models import ArchivedText, SourceArticle, text_digest


@dataclass
class ArchiveReport:
    attached: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    differs: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)


def read_archived_file(folder, filename):
    """The file's text exactly as stored, or None if missing, unreadable or outside the
    folder (a file name is data a curator typed)."""
    folder = Path(folder).resolve()
    path = (folder / filename).resolve()
    if folder not in path.parents:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def attach_archived_texts(folder):
    report = ArchiveReport()
    sources = SourceArticle.objects.exclude(archive_filename="").select_related(
        "archived_text").order_by("slug")
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(f"Archived texts attached from {Path(folder).name}.")
        for source in sources:
            text = read_archived_file(folder, source.archive_filename)
            if text is None:
                report.missing.append(f"{source.slug}: {source.archive_filename}")
                continue
            kept = source.kept_text()
            if kept is None:
                ArchivedText.objects.create(
                    source=source, text=text, filename=source.archive_filename,
                    captured_from=source.url,
                )
                report.attached.append(source.slug)
            elif text_digest(kept) == text_digest(text):
                report.unchanged.append(source.slug)
                continue
            else:
                report.differs.append(source.slug)
                continue
            for citation in source.citations.filter(is_summary=False).order_by("pk"):
                problem = citation.archive_problem(text)
                if problem:
                    report.mismatches.append(f"Citation {citation.pk} ({source.slug}): {problem}")
    return report
