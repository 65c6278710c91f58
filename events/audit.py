"""The record's mechanically checkable rules, applied to every item: what `manage.py
audit_record` reports.

Every rule lives on the models (constraints, clean(), record_problems(), the QuerySets'
uncited()); this module only runs them over the whole record and words the findings. A row
the database holds can still break a rule clean() states: it was saved before the rule, by a
raw update, or through a path that skipped validation. Excerpts are compared with the kept
source texts (the seed articles today), from a folder that may be missing, in which case the
audit says that part was skipped.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from .excerpts import collapse_whitespace, read_kept_text
from .models import (
    Actor,
    Category,
    Citation,
    Claim,
    ClaimValue,
    Event,
    EventActor,
    EventPlace,
    Place,
    SourceArticle,
    Statement,
)

DEFAULT_TEXTS = Path(settings.BASE_DIR).parent / "shared" / "seeds"

# What to call each kind of row in a finding, and how to name one row.
ITEM_LABELS = {
    Category: ("Category", lambda row: row.slug),
    Actor: ("Actor", lambda row: row.slug),
    SourceArticle: ("Source", lambda row: row.slug),
    Event: ("Event", lambda row: row.slug),
    EventActor: ("Actor of event", lambda row: f"{row.event.slug}: {row.actor.slug}"),
    Statement: ("Statement", lambda row: f"{row.pk} ({row.speaker.slug})"),
    Citation: ("Citation", lambda row: f"{row.pk} of {row.source.slug}"),
    Place: ("Place", lambda row: row.slug),
    EventPlace: ("Place of event", lambda row: f"{row.event.slug}: {row.place.slug}"),
    Claim: ("Claim", lambda row: row.slug),
    ClaimValue: ("Claim value", lambda row: f"{row.pk} of {row.source.slug}"),
}


@dataclass
class Audit:
    findings: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def report(self, row, message):
        kind, name = ITEM_LABELS[type(row)]
        self.findings.append(f"{kind} {name(row)}: {message}")


def audit_record(texts=DEFAULT_TEXTS):
    audit = Audit()
    _model_rules(audit)
    _uncited(audit)
    _statement_kinds(audit)
    _sources(audit)
    _order(audit)
    _sensitive_places(audit)
    _excerpts(audit, Path(texts) if texts else None)
    return audit


def _rows():
    yield from Category.objects.order_by("pk")
    yield from Actor.objects.select_related("affiliation").order_by("pk")
    yield from SourceArticle.objects.select_related("publisher").order_by("pk")
    yield from Event.objects.order_by("pk")
    yield from EventActor.objects.select_related("event", "actor").order_by("pk")
    yield from Statement.objects.select_related("speaker", "event").prefetch_related(
        "citations").order_by("pk")
    yield from Citation.objects.select_related("statement", "source", "event").order_by("pk")
    yield from Place.objects.order_by("pk")
    yield from EventPlace.objects.select_related("event", "place").order_by("pk")
    yield from Claim.objects.order_by("pk")
    yield from ClaimValue.objects.select_related("source", "supersedes__source").order_by("pk")


def _model_rules(audit):
    """clean_fields() and clean() of every row: the rules the admin and the loader apply
    (protected identities hold their name and nothing more, a statement's quote is in its
    excerpt, a best estimate within its event's dates, statements said within their event).
    Uniqueness and the check constraints are the database's own: no row can break them."""
    for row in _rows():
        try:
            row.clean_fields()
            row.clean()
        except ValidationError as error:
            for message in _messages(error):
                audit.report(row, message)


def _messages(error):
    if hasattr(error, "message_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return error.messages


def _uncited(audit):
    for event in Event.objects.public().uncited().order_by("pk"):
        audit.report(event, event.uncited_problem(cited=False))
    for statement in Statement.objects.public().uncited().select_related("speaker").order_by("pk"):
        audit.report(statement, statement.uncited_problem(cited=False))
    for claim in Claim.objects.public().uncited().order_by("pk"):
        audit.report(claim, claim.uncited_problem(cited=False))


def _statement_kinds(audit):
    """Each statement by its kind's rule (Statement.rule_problems): a verbatim quote stands in
    one of its citations' quoting excerpts; reported speech is cited, a summary allowed."""
    # An uncited statement is _uncited's finding (if published): here, what its citations show.
    statements = Statement.objects.filter(citations__isnull=False).distinct()
    statements = statements.select_related("speaker").prefetch_related("citations")
    for statement in statements.order_by("pk"):
        for problem in statement.rule_problems():
            audit.report(statement, problem)


def _sources(audit):
    for source in SourceArticle.objects.order_by("pk"):
        for problem in source.record_problems():
            audit.report(source, problem + ".")


def _order(audit):
    for event in Event.objects.order_by("pk"):
        if event.sort_date != event.chronology_date():
            audit.report(
                event,
                f"listed at {event.sort_date}, but its date places it at "
                f"{event.chronology_date()}: save it again to put it back in order.",
            )


def _sensitive_places(audit):
    """A sensitive place is stored only rounded to its town (Place.save); a row written
    around save() (an update, a raw import) could hold the precise point. Pages never show it
    (published_coordinates rounds again), but the record must not keep it."""
    for place in Place.objects.filter(sensitive=True).order_by("pk"):
        if (place.latitude, place.longitude) != place.snapped_coordinates():
            audit.report(place, "a sensitive place stored more precisely than its town: "
                         "save it again to keep only the rounded point.")


def compare_excerpts(folder):
    """Every citation and claim value quoting a kept text, against that text in `folder`:
    (excerpts compared, kept texts read, [(citation or claim value, problem)]). check_excerpts
    and the audit both report it."""
    texts, checked, problems = {}, 0, []
    quoting = [*Citation.objects.quoting_kept_texts(), *ClaimValue.objects.quoting_kept_texts()]
    for citation in quoting:
        filename = citation.source.archive_filename
        if filename not in texts:
            texts[filename] = read_kept_text(folder, filename)
        text = texts[filename]
        if text is None:
            problems.append(
                (citation, f"the kept text {folder / filename} is missing or unreadable.")
            )
            continue
        checked += 1
        if not citation.is_verbatim_in(text):
            start = collapse_whitespace(citation.excerpt)[:60]
            problems.append((citation, "excerpt not verbatim (each visible part, in order) in "
                                       f"{filename}: “{start}…”"))
    return checked, len(texts), problems


def _excerpts(audit, folder):
    if folder is None or not folder.is_dir():
        audit.notes.append(
            f"Excerpts were NOT checked against the kept source texts: {folder} is not a "
            "folder (give one with --texts)."
        )
        return
    checked, texts, problems = compare_excerpts(folder)
    for citation, problem in problems:
        audit.report(citation, problem)
    summaries = (Citation.objects.filter(is_summary=True).count()
                 + ClaimValue.objects.filter(is_summary=True).count())
    audit.notes.append(
        f"{checked} excerpts compared with {texts} kept texts in {folder}; "
        f"{summaries} summaries by the curators skipped (not quotations)."
    )
