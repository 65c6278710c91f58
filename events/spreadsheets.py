"""The spreadsheet round trip: events with their citations, actors and statements out to CSV or
XLSX, and a filled sheet back in as changes awaiting review.

The formats are tablib's (CSV and, through openpyxl, XLSX): this module only maps rows to the
record. A sheet is read in two passes. `read_sheet` checks every row and cell against the
record's own rules (the models' clean(), the partial dates, the excerpt and quote checks a
save makes) and returns a `SheetPlan` with every problem in plain words, writing nothing: the
dry run. `SheetPlan.apply` writes a plan with no problems, through events/review.py: new
items are drafts submitted for review, changes to published items are proposals; nothing
becomes public without an editor.

Two layouts are read:

- **this site's sheet** (what `export_sheet` writes): one row per thing, its kind in the first
  column: an `event` row (its fields), then `citation` rows (a source and excerpt supporting
  the event), `actor` rows (an actor involved and their role) and `statement` rows (words
  said, with the source and excerpt that carry them), each naming its event by slug;
- **Knight Lab's TimelineJS Google Sheets template** (Year, Month, Day, ..., Headline, Text,
  Media, ..., Group): each row a new draft event; Group names the category. TimelineJS has no
  citations, so these drafts need their sources added in the admin before they can be
  approved.

An import adds and changes; it never removes (a row missing from the sheet is left alone):
removing a citation or an actor is done in the admin, where it is reviewed like any change.

Spreadsheets run formulas: a cell of ours that starts with = + - @ (or a tab or carriage
return) is written with a leading apostrophe, so that no spreadsheet runs it; such an
apostrophe is removed again on import. A formula cell in an imported sheet is refused (its
value would be whatever the spreadsheet last computed, or nothing).
"""

import io
import re
from dataclasses import dataclass, field

import openpyxl
import reversion
import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import slugify

from . import review
from .excerpts import visible_parts
from .models import (
    Actor,
    Category,
    Citation,
    Event,
    EventActor,
    SourceArticle,
    Statement,
    StatementKind,
    Status,
    Verification,
)
from .partial_dates import PartialDate

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# (key, the column's heading in the sheet)
COLUMNS = [
    ("kind", "Kind"),
    ("event", "Event"),
    ("title", "Title"),
    ("date", "Date"),
    ("end", "End date"),
    ("category", "Category"),
    ("location", "Location"),
    ("summary", "Summary"),
    ("verification", "Verification"),
    ("verification_note", "Verification note"),
    ("actor", "Actor"),
    ("role", "Role"),
    ("speaker", "Speaker"),
    ("statement_kind", "Statement kind"),
    ("words", "Words"),
    ("said_on", "Said on"),
    ("venue", "Venue"),
    ("source", "Source"),
    ("excerpt", "Excerpt"),
    ("is_summary", "Excerpt is a summary"),
    ("note", "Note"),
]
LABELS = dict(COLUMNS)
KINDS = ("event", "citation", "actor", "statement")

TIMELINEJS_COLUMNS = [
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
    "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
    "Media Thumbnail", "Type", "Group", "Background",
]

# What a spreadsheet may take for a formula (OWASP's list for CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# On import: a cell a spreadsheet would run. "-3" or "+44 20…" are values, not formulas.
FORMULA_CELL = re.compile(r"^(?:[=@]|[+\-](?![\d\s.]))")
YES = {"yes", "y", "true", "1", "x", "summary"}
NO = {"", "no", "n", "false", "0"}


class SheetError(ValueError):
    """The file cannot be read as a sheet at all: the message says why, in plain words."""


# Export


def escape_cell(value):
    """A value as a spreadsheet cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unescape_cell(text):
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def export_queryset(events):
    """What export_sheet needs of each event, in a fixed number of queries."""
    return events.select_related("category").prefetch_related(
        "citations__source",
        "participations__actor",
        "statements__speaker",
        "statements__citations__source",
    ).order_by(*Event.CHRONOLOGICAL_ORDER)


def export_rows(events):
    for event in events:
        yield {
            "kind": "event", "event": event.slug, "title": event.title,
            "date": event.start.display(), "end": event.end.display() if event.end else "",
            "category": event.category.slug, "location": event.location,
            "summary": event.summary, "verification": event.verification,
            "verification_note": event.verification_note,
        }
        for citation in event.citations.all():
            yield {"kind": "citation", "event": event.slug, **_citation_cells(citation)}
        for participation in event.participations.all():
            yield {"kind": "actor", "event": event.slug, "actor": participation.actor.slug,
                   "role": participation.role}
        for statement in event.statements.all():
            cells = {
                "kind": "statement", "event": event.slug, "speaker": statement.speaker.slug,
                "statement_kind": statement.kind, "words": statement.quote,
                "said_on": statement.said_on.display(), "venue": statement.venue,
            }
            citations = list(statement.citations.all())
            # One row per citation: the statement's cells repeat, and the import joins them.
            for citation in citations or [None]:
                yield {**cells, **(_citation_cells(citation) if citation else {})}


def _citation_cells(citation):
    return {"source": citation.source.slug, "excerpt": citation.excerpt,
            "is_summary": "yes" if citation.is_summary else "", "note": citation.note}


def export_sheet(events, file_format):
    """The events as a sheet, bytes in `file_format` ("csv" or "xlsx")."""
    dataset = tablib.Dataset(headers=[label for _, label in COLUMNS], title="Chronology")
    for row in export_rows(export_queryset(events)):
        dataset.append([escape_cell(row.get(key, "")) for key, _ in COLUMNS])
    data = dataset.export(file_format)
    return data.encode("utf-8") if isinstance(data, str) else data


# Import: reading and checking


@dataclass
class Problem:
    row: int  # as the spreadsheet numbers it: the headings are row 1
    column: str
    message: str

    def __str__(self):
        where = f"Row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class StatementPlan:
    row: int
    statement: Statement
    existing: Statement | None
    citations: list = field(default_factory=list)  # unsaved Citations, new


@dataclass
class EventPlan:
    row: int
    slug: str
    event: Event  # as it would be: the existing row with the sheet's values, or a new one
    existing: Event | None
    changed: dict = field(default_factory=dict)  # field name -> new value (existing only)
    citations: list = field(default_factory=list)  # unsaved Citations, new
    participations: list = field(default_factory=list)  # (actor, role, existing row or None)
    statements: dict = field(default_factory=dict)  # (speaker pk, words) -> StatementPlan


@dataclass
class SheetPlan:
    filename: str
    layout: str = ""
    events: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    rows: int = 0

    def problem(self, row, column, message):
        self.problems.append(Problem(row, column, message))

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        new = sum(1 for plan in self.events.values() if plan.existing is None)
        changed = sum(1 for plan in self.events.values() if plan.existing and _has_changes(plan))
        unchanged = len(self.events) - new - changed
        return (f"{self.rows} rows: {new} new events, {changed} events with changes, "
                f"{unchanged} unchanged.")

    def apply(self, author):
        """Write the plan through the review workflow; returns the reviews made, or None
        when review refuses one of them: then nothing is written and the refusal is among
        the problems."""
        if not self.ok:
            raise ValueError("A sheet with problems is never written.")
        try:
            return _apply(self, author)
        except _Refused as refused:
            self.problem(refused.row, "", refused.message)
            return None


def read_sheet(content, filename):
    """Check a sheet completely and plan what it would change, writing nothing."""
    plan = SheetPlan(filename=filename)
    try:
        dataset, formula_cells = _load(content, filename)
    except SheetError as error:
        plan.problem(1, "", str(error))
        return plan
    headers = [str(h or "").strip() for h in (dataset.headers or [])]
    plan.rows = dataset.height
    if dataset.height > MAX_ROWS:
        plan.problem(1, "", f"The sheet has {dataset.height} rows; import at most {MAX_ROWS} "
                            "at a time.")
        return plan
    if _is_timelinejs(headers):
        plan.layout = "TimelineJS template"
        reader = _TimelineJSReader(plan, headers)
    else:
        plan.layout = "this site's sheet"
        reader = _SheetReader(plan, headers)
        if plan.problems:
            return plan
    for index, values in enumerate(dataset, start=2):
        cells = {}
        for heading, value in zip(headers, values, strict=False):
            if not heading:
                continue
            text = _cell_text(value)
            if (index, heading) in formula_cells or FORMULA_CELL.match(text):
                plan.problem(index, heading, f"the cell holds a formula ({_short(text)}); "
                             "type the value itself.")
                text = ""
            cells[heading] = unescape_cell(text)
        if not any(cells.values()):
            continue
        reader.read_row(index, cells)
    reader.finish()
    return plan


def _load(content, filename):
    if len(content) > MAX_BYTES:
        raise SheetError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    name = filename.lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        return _load_xlsx(content)
    if name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        return _load_csv(content)
    raise SheetError("Upload the sheet as CSV (.csv) or Excel (.xlsx); "
                     f"“{filename}” is neither.")


def _load_csv(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError("The CSV file is not UTF-8 text: save it as “CSV UTF-8”.") from None
    if not text.strip():
        raise SheetError("The file is empty.")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # tablib raises several kinds for a malformed file
        raise SheetError(f"The CSV file cannot be read: {error}.") from None
    return dataset, set()


def _load_xlsx(content):
    try:
        dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        formula_cells = _xlsx_formula_cells(content, dataset.headers or [])
    except Exception:  # not a zip, not a workbook, a damaged one: all the same to a curator
        raise SheetError("The Excel file cannot be read: save it again as .xlsx.") from None
    return dataset, formula_cells


def _xlsx_formula_cells(content, headers):
    """(row, heading) of every formula cell of the first sheet: tablib reads the values a
    spreadsheet last computed, so formulas are found in a second, formula-keeping read."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        sheet = workbook.active  # the sheet tablib reads
        cells = set()
        for row_number, row in enumerate(sheet.iter_rows(min_row=2), start=2):
            for column, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f" and column < len(headers):
                    cells.add((row_number, str(headers[column] or "").strip()))
        return cells
    finally:
        workbook.close()


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):  # a date cell of a spreadsheet
        value = value.isoformat()[:10]
    return str(value).strip()


def _short(text, length=40):
    text = " ".join(text.split())
    return "“" + (text if len(text) <= length else text[: length - 1] + "…") + "”"


def _is_timelinejs(headers):
    return {"Year", "Headline"} <= set(headers)


class _Lookup:
    """Actors, sources and categories named in a sheet, each found once."""

    def __init__(self):
        self.cache = {}

    def actor(self, text):
        return self._find(("actor", text), lambda: _one(
            Actor.objects.filter(slug=text) or Actor.objects.filter(name__iexact=text)
            or [a for a in Actor.objects.filter(aliases__icontains=text)
                if text.lower() in (alias.lower() for alias in a.alias_list)]))

    def source(self, text):
        return self._find(("source", text), lambda: _one(
            SourceArticle.objects.filter(slug=text) or SourceArticle.objects.filter(url=text)
            or SourceArticle.objects.filter(title__iexact=text)))

    def category(self, text):
        return self._find(("category", text), lambda: _one(
            Category.objects.filter(slug=text) or Category.objects.filter(name__iexact=text)
            or Category.objects.filter(slug=slugify(text))))

    def _find(self, key, find):
        if key not in self.cache:
            self.cache[key] = find()
        return self.cache[key]


def _one(rows):
    """The one row found, or None when none or several are (a name two actors share)."""
    rows = list(rows)[:2]
    return rows[0] if len(rows) == 1 else None


class _Reader:
    def __init__(self, plan):
        self.plan = plan
        self.lookup = _Lookup()
        self.new_slugs = set()

    def problem(self, row, key, message):
        self.plan.problem(row, LABELS.get(key, key), message)

    def partial_date(self, row, key, text, required=True):
        if not text:
            if required:
                self.problem(row, key, "the date is missing.")
            return None
        try:
            return PartialDate.parse(text)
        except ValueError as error:
            self.problem(row, key, str(error))
            return None

    def event_plan(self, row, slug, values, exclude=()):
        """Check an event's values against the model's rules; plan it as new or changed."""
        existing = Event.objects.filter(slug=slug).first()
        event = Event.objects.get(pk=existing.pk) if existing else Event(slug=slug)
        for name, value in values.items():
            setattr(event, name, value)
        if not existing:
            event.status = Status.DRAFT
        try:
            event.full_clean(exclude=["sort_date", *exclude], validate_unique=not existing)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = {"start_date": "date", "end_date": "end", "__all__": ""}.get(name, name)
                for message in messages:
                    self.problem(row, key, message)
        plan = EventPlan(row=row, slug=slug, event=event, existing=existing)
        if existing:
            for name, value in values.items():
                if name in ("start", "end"):
                    if getattr(existing, name) != value:
                        plan.changed[name] = value
                elif getattr(existing, name) != value:
                    plan.changed[name] = value
        return plan

    def check_citation(self, row, citation, statement=None):
        if not citation.excerpt:
            self.problem(row, "excerpt", "a citation needs its excerpt.")
            return False
        if not citation.is_summary and not visible_parts(citation.excerpt):
            self.problem(row, "excerpt", "an excerpt needs words, not only elisions.")
            return False
        problem = statement.citation_problem(citation) if statement is not None else None
        problem = problem or citation.archive_problem()
        if problem:
            self.problem(row, "excerpt", problem)
            return False
        return True


class _SheetReader(_Reader):
    def __init__(self, plan, headers):
        super().__init__(plan)
        known = {label.lower(): key for key, label in COLUMNS} | {key: key for key, _ in COLUMNS}
        self.columns = {}
        for heading in headers:
            if not heading:
                continue
            key = known.get(heading.lower())
            if key is None:
                plan.problem(1, heading, "this column is not one of this site's sheet ("
                             + ", ".join(label for _, label in COLUMNS)
                             + ") nor of the TimelineJS template.")
            else:
                self.columns[heading] = key
        for key in ("kind", "event"):
            if key not in self.columns.values():
                plan.problem(1, LABELS[key], "the sheet has no such column, and needs it.")
        self.pending = []  # rows of events defined further down, read after every event row

    def read_row(self, row, cells):
        values = {self.columns[h]: v for h, v in cells.items() if h in self.columns}
        kind = values.get("kind", "").lower()
        if kind not in KINDS:
            self.problem(row, "kind", f"{_short(values.get('kind', ''))} is not one of "
                         f"{', '.join(KINDS)}.")
            return
        if not values.get("event"):
            self.problem(row, "event", "say which event this row belongs to (its slug).")
            return
        if kind == "event":
            self.read_event(row, values)
        else:
            self.pending.append((row, kind, values))

    def finish(self):
        for row, kind, values in self.pending:
            plan = self.plan_of(row, values["event"])
            if plan is None:
                continue
            getattr(self, f"read_{kind}")(row, values, plan)

    def plan_of(self, row, slug):
        plan = self.plan.events.get(slug)
        if plan is None:
            existing = Event.objects.filter(slug=slug).first()
            if existing is None:
                self.problem(row, "event", f"no event {_short(slug)} in the record or in this "
                             "sheet's event rows.")
                return None
            plan = self.plan.events[slug] = EventPlan(
                row=row, slug=slug, event=existing, existing=existing)
        return plan

    def read_event(self, row, values):
        slug = values["event"]
        if slug in self.plan.events:
            self.problem(row, "event", f"the event {_short(slug)} has two event rows "
                         f"(also row {self.plan.events[slug].row}).")
            return
        if slugify(slug) != slug:
            self.problem(row, "event", f"{_short(slug)} is not a slug: use lower-case "
                         f"letters, digits and hyphens, such as {_short(slugify(slug))}.")
            return
        fields = {}
        for key in ("title", "summary", "location", "verification_note"):
            fields[key] = values.get(key, "")
        for key in ("title", "summary"):
            if not fields[key]:
                self.problem(row, key, f"an event needs its {LABELS[key].lower()}.")
        start = self.partial_date(row, "date", values.get("date", ""))
        end = self.partial_date(row, "end", values.get("end", ""), required=False)
        category = None
        if values.get("category"):
            category = self.lookup.category(values["category"])
            if category is None:
                self.problem(row, "category", f"no category {_short(values['category'])}: "
                             "use one of " + ", ".join(Category.objects.values_list(
                                 "slug", flat=True)) + ".")
        else:
            self.problem(row, "category", "an event needs its category.")
        verification = (values.get("verification") or Verification.REPORTED).lower()
        if verification not in Verification.values:
            self.problem(row, "verification", f"{_short(verification)} is not one of "
                         + ", ".join(Verification.values) + ".")
            verification = None
        if start is None or verification is None:
            return
        fields.update(start=start, end=end, verification=verification)
        if category is None:  # the other cells are still checked
            self.event_plan(row, slug, fields, exclude=["category"])
            return
        fields["category"] = category
        self.plan.events[slug] = self.event_plan(row, slug, fields)

    def read_citation(self, row, values, plan):
        source = self.source(row, values)
        is_summary = self.yes_no(row, values)
        if source is None or is_summary is None:
            return
        excerpt = values.get("excerpt", "")
        if plan.existing and plan.existing.citations.filter(
                source=source, excerpt=excerpt).exists():
            return  # already cited so
        citation = Citation(source=source, excerpt=excerpt, is_summary=is_summary,
                            note=values.get("note", ""))
        if self.check_citation(row, citation):
            plan.citations.append(citation)

    def read_actor(self, row, values, plan):
        name = values.get("actor", "")
        actor = self.lookup.actor(name) if name else None
        if actor is None:
            self.problem(row, "actor", f"nobody called {_short(name)} is in the record: add "
                         "the actor in the admin first, or write its slug." if name else
                         "say which actor (its slug or name).")
            return
        role = values.get("role", "")
        existing = plan.existing.participations.filter(actor=actor).first() \
            if plan.existing else None
        if existing and existing.role == role:
            return
        if any(a == actor for a, _, _ in plan.participations):
            self.problem(row, "actor", f"{actor.name} is listed twice for this event.")
            return
        plan.participations.append((actor, role, existing))

    def read_statement(self, row, values, plan):
        name = values.get("speaker", "")
        speaker = self.lookup.actor(name) if name else None
        if speaker is None:
            self.problem(row, "speaker", f"nobody called {_short(name)} is in the record: add "
                         "the actor in the admin first, or write its slug." if name else
                         "say who said it (an actor's slug or name).")
        kind = (values.get("statement_kind") or StatementKind.QUOTE).lower()
        if kind not in StatementKind.values:
            self.problem(row, "statement_kind", f"{_short(kind)} is not one of quote, reported.")
        words = values.get("words", "")
        if not words:
            self.problem(row, "words", "a statement needs its words.")
        said_on = self.partial_date(row, "said_on", values.get("said_on", ""))
        if speaker is None or kind not in StatementKind.values or not words or said_on is None:
            return
        key = (speaker.pk, words)
        statement_plan = plan.statements.get(key)
        if statement_plan is None:
            existing = plan.existing.statements.filter(speaker=speaker, quote=words).first() \
                if plan.existing else None
            statement = existing or Statement(
                kind=kind, quote=words, speaker=speaker, said_on=said_on,
                venue=values.get("venue", ""), status=Status.DRAFT, event=plan.event)
            problem = statement.date_contradicts_event() if existing is None else ""
            if problem:
                self.problem(row, "said_on", problem)
                return
            statement_plan = plan.statements[key] = StatementPlan(row, statement, existing)
        if not values.get("source") and not values.get("excerpt"):
            return
        source = self.source(row, values)
        is_summary = self.yes_no(row, values)
        if source is None or is_summary is None:
            return
        excerpt = values.get("excerpt", "")
        if statement_plan.existing and statement_plan.existing.citations.filter(
                source=source, excerpt=excerpt).exists():
            return
        citation = Citation(source=source, excerpt=excerpt, is_summary=is_summary,
                            note=values.get("note", ""))
        if self.check_citation(row, citation, statement_plan.statement):
            statement_plan.citations.append(citation)

    def source(self, row, values):
        text = values.get("source", "")
        source = self.lookup.source(text) if text else None
        if source is None:
            self.problem(row, "source", f"no source {_short(text)} in the record: add it in "
                         "the admin first, or write its slug or web address." if text else
                         "say which source (its slug or web address).")
        return source

    def yes_no(self, row, values):
        text = values.get("is_summary", "").lower()
        if text in YES:
            return True
        if text in NO:
            return False
        self.problem(row, "is_summary", f"{_short(text)}: write yes, or leave it empty.")
        return None


class _TimelineJSReader(_Reader):
    """Knight Lab's template: each slide a new draft event; the title slide and eras skipped."""

    IGNORED = ("Time", "End Time", "Display Date", "Media", "Media Credit", "Media Caption",
               "Media Thumbnail", "Background")

    def __init__(self, plan, headers):
        super().__init__(plan)
        unknown = [h for h in headers if h and h not in TIMELINEJS_COLUMNS]
        for heading in unknown:
            plan.problem(1, heading, "this column is not one of the TimelineJS template's ("
                         + ", ".join(TIMELINEJS_COLUMNS) + ").")
        self.ignored = set()

    def read_row(self, row, cells):
        kind = cells.get("Type", "").lower()
        if kind in ("title", "era"):
            self.plan.notes.append(f"Row {row}: the {kind} slide is not an event; skipped.")
            return
        self.ignored.update(h for h in self.IGNORED if cells.get(h))
        start = self.date(row, cells, "")
        end = self.date(row, cells, "End ", required=False)
        headline = strip_tags(cells.get("Headline", "")).strip()
        summary = strip_tags(cells.get("Text", "")).strip()
        if not headline:
            self.plan.problem(row, "Headline", "an event needs its headline (its title).")
        if not summary:
            self.plan.problem(row, "Text", "an event needs its text (its summary).")
        group = cells.get("Group", "")
        category = self.lookup.category(group) if group else None
        if category is None:
            self.plan.problem(row, "Group", (
                f"no category {_short(group)}: use one of " if group else
                "the group names the event's category: use one of ")
                + ", ".join(Category.objects.values_list("name", flat=True)) + ".")
        if start is None or not headline or not summary or category is None:
            return
        if Event.objects.filter(title=headline, start_date=start.date).exists():
            self.plan.notes.append(f"Row {row}: “{headline}” is already in the record; "
                                   "skipped.")
            return
        slug = self.new_slug(headline)
        self.plan.events[slug] = self.event_plan(row, slug, {
            "title": headline, "summary": summary, "start": start, "end": end,
            "category": category, "verification": Verification.REPORTED,
        })

    def date(self, row, cells, prefix, required=True):
        year, month, day = (cells.get(f"{prefix}{part}", "") for part in ("Year", "Month", "Day"))
        if not year:
            if required or month or day:
                self.plan.problem(row, f"{prefix}Year", "the year is missing.")
            return None
        if day and not month:
            self.plan.problem(row, f"{prefix}Month", "a day needs its month.")
            return None
        text = "-".join(part.zfill(2) if i else part.zfill(4)
                        for i, part in enumerate(p for p in (year, month, day) if p))
        try:
            return PartialDate.parse(text)
        except ValueError as error:
            self.plan.problem(row, f"{prefix}Year", f"{year}/{month or '-'}/{day or '-'}: "
                              f"{error}")
            return None

    def new_slug(self, headline):
        base = slugify(headline)[:190] or "event"
        slug, number = base, 1
        while slug in self.new_slugs or Event.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        self.new_slugs.add(slug)
        return slug

    def finish(self):
        if self.ignored:
            self.plan.notes.append(
                "Not imported (the record has no place for them): "
                + ", ".join(sorted(self.ignored)) + ". TimelineJS rows have no sources: add "
                "each event's citations in the admin before it can be approved.")


def _has_changes(plan):
    return plan.existing is None or bool(
        plan.changed or plan.citations or plan.participations
        or any(sp.existing is None or sp.citations for sp in plan.statements.values()))


# Import: writing


class _Refused(Exception):
    def __init__(self, row, message):
        super().__init__(message)
        self.row, self.message = row, message


def _apply(plan, author):
    comment = f"Imported from the spreadsheet {plan.filename}."
    reviews = []
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(author)
        reversion.set_comment(comment)
        for event_plan in plan.events.values():
            if not _has_changes(event_plan):
                continue
            try:
                reviews += _apply_event(event_plan, author, comment)
            except ValidationError as error:  # review's refusal, or a rule only a save sees
                raise _Refused(event_plan.row, " ".join(error.messages)) from None
    return reviews


def _apply_event(event_plan, author, comment):
    reviews = []
    event = event_plan.existing
    if event is None:
        event = event_plan.event
        event.save()
        _add_rows(event, event_plan)
        reviews.append(review.submit_new(event, author, comment))
    elif event.status == Status.PUBLISHED:
        changes = dict(event_plan.changed)
        if event_plan.citations:
            changes["citations"] = [{"id": c.pk} for c in event.citations.all()] + [
                {"source": c.source, "excerpt": c.excerpt, "is_summary": c.is_summary,
                 "note": c.note} for c in event_plan.citations]
        if event_plan.participations:
            changed = {actor.pk: role for actor, role, _ in event_plan.participations}
            changes["participations"] = [
                {"id": p.pk, "role": changed.pop(p.actor_id, p.role)}
                for p in event.participations.all()
            ] + [{"actor": actor, "role": role}
                 for actor, role, existing in event_plan.participations
                 if existing is None]
        if changes:
            reviews.append(review.propose_change(event, changes, author, comment))
    else:
        for name, value in event_plan.changed.items():
            setattr(event, name, value)
        event.save()
        _add_rows(event, event_plan)
        if review.pending_review(event) is None:
            reviews.append(review.submit_new(event, author, comment))
    reviews += _apply_statements(event, event_plan, author, comment)
    return reviews


def _add_rows(event, event_plan):
    for citation in event_plan.citations:
        citation.event = event
        citation.save()
    for actor, role, existing in event_plan.participations:
        if existing is None:
            EventActor.objects.create(event=event, actor=actor, role=role)
        else:
            existing.role = role
            existing.save()


def _apply_statements(event, event_plan, author, comment):
    reviews = []
    for statement_plan in event_plan.statements.values():
        statement = statement_plan.existing
        if statement is None:
            statement = statement_plan.statement
            statement.event = event
            statement.save()
            for citation in statement_plan.citations:
                citation.statement = statement
                citation.save()
            reviews.append(review.submit_new(statement, author, comment))
        elif statement_plan.citations:
            if statement.status == Status.PUBLISHED:
                reviews.append(review.propose_change(statement, {"citations": [
                    {"id": c.pk} for c in statement.citations.all()] + [
                    {"source": c.source, "excerpt": c.excerpt, "is_summary": c.is_summary,
                     "note": c.note} for c in statement_plan.citations]}, author, comment))
            else:
                for citation in statement_plan.citations:
                    citation.statement = statement
                    citation.save()
    return reviews
