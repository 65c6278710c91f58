"""The spreadsheet round trip: export to CSV/XLSX, the import's dry run, and an import that
lands as changes awaiting review."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from events import review
from events.models import (
    ArchivedText,
    Citation,
    Event,
    EventActor,
    RecordState,
    Review,
    Statement,
    Status,
)
from events.spreadsheets import COLUMNS, export_sheet, read_sheet

pytestmark = pytest.mark.django_db

HEADINGS = [label for _, label in COLUMNS]
TIMELINEJS = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
              "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
              "Media Thumbnail", "Type", "Group", "Background"]


def csv_bytes(rows, headings=HEADINGS):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headings])
    return out.getvalue().encode()


def xlsx_bytes(rows, headings=HEADINGS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append([row.get(h) for h in headings])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def new_event_rows(record):
    """A new event with a citation, an actor and a quoted statement, as a curator types it."""
    return [
        {"Kind": "event", "Event": "duma-hearing", "Title": "A hearing in the Duma",
         "Date": "12 May 2017", "Category": "reporting", "Location": "Moscow",
         "Summary": "Deputies heard the newspaper's reporters.", "Verification": "reported"},
        {"Kind": "citation", "Event": "duma-hearing", "Source": record.expose.slug,
         "Excerpt": "Deputies heard the reporters."},
        {"Kind": "actor", "Event": "duma-hearing", "Actor": "Novaya Gazeta",
         "Role": "testified"},
        {"Kind": "statement", "Event": "duma-hearing", "Speaker": "ramzan-kadyrov",
         "Statement kind": "quote", "Words": "There is nothing to hear.", "Said on": "12 May 2017",
         "Venue": "to Interfax", "Source": record.expose.url,
         "Excerpt": "Kadyrov said: “There is nothing to hear.”"},
    ]


def record_counts():
    return (Event.objects.count(), Citation.objects.count(), Statement.objects.count(),
            EventActor.objects.count(), Review.objects.count(),
            RecordState.objects.generation())


class TestExport:
    def test_csv_holds_events_with_citations_actors_and_statements(self, record):
        rows = list(csv.DictReader(io.StringIO(
            export_sheet(Event.objects.filter(pk=record.exposé_event.pk), "csv").decode())))
        assert [row["Kind"] for row in rows] == ["event", "citation", "actor", "actor",
                                                 "statement"]
        event = rows[0]
        assert (event["Event"], event["Date"], event["End date"], event["Category"]) == (
            "novaya-gazeta-reports", "1 April 2017", "3 April 2017", "reporting")
        assert rows[2]["Actor"] == "novaya-gazeta" and rows[2]["Role"] == "reported"
        assert rows[4]["Words"] == "They beat us with pipes."
        assert rows[4]["Source"] == "novaya-expose"

    def test_formula_like_values_are_escaped_in_both_formats(self, record):
        Event.objects.filter(pk=record.exposé_event.pk).update(
            summary='=HYPERLINK("http://evil.example","click")', location="@SUM(A1)")
        events = Event.objects.filter(pk=record.exposé_event.pk)
        row = next(csv.DictReader(io.StringIO(export_sheet(events, "csv").decode())))
        assert row["Summary"] == '\'=HYPERLINK("http://evil.example","click")'
        assert row["Location"] == "'@SUM(A1)"
        sheet = openpyxl.load_workbook(io.BytesIO(export_sheet(events, "xlsx"))).active
        cells = [cell for cell in sheet[2] if cell.value]
        assert all(cell.data_type != "f" for cell in cells)
        assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in [c.value for c in cells]

    def test_an_exported_sheet_imports_back_unchanged(self, record):
        for file_format in ("csv", "xlsx"):
            plan = read_sheet(export_sheet(Event.objects.all(), file_format),
                              f"export.{file_format}")
            assert plan.ok, [str(p) for p in plan.problems]
            assert "0 new events, 0 events with changes, 4 unchanged" in plan.summary()

    def test_the_admin_exports_for_curators_only(self, curator_client, record):
        url = reverse("admin:events_event_export_sheet", args=["xlsx"])
        response = curator_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert openpyxl.load_workbook(io.BytesIO(response.content)).active["A1"].value == "Kind"
        assert Client().get(url).status_code == 302  # a reader: to the login page
        csv_export = curator_client.post(reverse("admin:events_event_changelist"), {
            "action": "export_csv", "_selected_action": [record.denial.pk]})
        assert csv_export.content.decode().splitlines()[1].startswith("event,kadyrov-denies-hbo")


class TestDryRun:
    def test_every_bad_row_and_cell_is_reported_and_nothing_written(self, record):
        before = record_counts()
        rows = [
            {"Kind": "event", "Event": "bad-date", "Title": "A", "Date": "31 February 2017",
             "Category": "reporting", "Summary": "S."},
            {"Kind": "event", "Event": "bad-end", "Title": "B", "Date": "5 May 2017",
             "End date": "1 May 2017", "Category": "nowhere", "Summary": "S."},
            {"Kind": "actor", "Event": "novaya-gazeta-reports", "Actor": "Ramzan Kadyrv"},
            {"Kind": "statement", "Event": "novaya-gazeta-reports", "Speaker": "anzor",
             "Words": "We were beaten.", "Said on": "2 April 2017",
             "Source": "novaya-expose", "Excerpt": "He said they were hurt."},
            {"Kind": "citation", "Event": "novaya-gazeta-reports", "Source": "novaya-expose",
             "Excerpt": "=HYPERLINK(\"http://evil.example\")"},
            {"Kind": "evnt", "Event": "x"},
            {"Kind": "citation", "Event": "no-such-event", "Source": "novaya-expose",
             "Excerpt": "x"},
        ]
        plan = read_sheet(csv_bytes(rows), "bad.csv")
        problems = [str(problem) for problem in plan.problems]
        assert "Row 2, Date: February 2017 has no day 31." in problems
        assert "Row 3, Category: no category “nowhere”: use one of " in problems[1]
        assert any(p.startswith("Row 3, End date: The end date cannot be before the start")
                   for p in problems)
        assert ("Row 4, Actor: nobody called “Ramzan Kadyrv” is in the record: add the actor "
                "in the admin first, or write its slug.") in problems
        assert ("Row 5, Excerpt: The excerpt must contain the statement's quote verbatim (an "
                "elision […] in the quote must be in the excerpt too).") in problems
        assert ("Row 6, Excerpt: the cell holds a formula "
                "(“=HYPERLINK(\"http://evil.example\")”); type the value itself.") in problems
        assert "Row 7, Kind: “evnt” is not one of event, citation, actor, statement." in problems
        assert ("Row 8, Event: no event “no-such-event” in the record or in this sheet's event "
                "rows.") in problems
        assert not plan.ok
        assert record_counts() == before

    def test_an_excerpt_its_archived_text_lacks_is_reported(self, record):
        ArchivedText.objects.create(source=record.expose, text="Only these words are kept.")
        plan = read_sheet(csv_bytes([
            {"Kind": "citation", "Event": "novaya-gazeta-reports", "Source": "novaya-expose",
             "Excerpt": "Words that are not kept."}]), "sheet.csv")
        assert [str(p) for p in plan.problems] == [
            "Row 2, Excerpt: Not verbatim in the archived text of “Honour killing”: “Words that "
            "are not kept.” is not there (after the parts before it). Copy the passage exactly, "
            "or leave words out with […]."]

    def test_formula_cells_of_an_xlsx_are_refused(self, record):
        rows = new_event_rows(record)
        rows[0]["Summary"] = "=CONCATENATE(\"a\",\"b\")"
        plan = read_sheet(xlsx_bytes(rows), "sheet.xlsx")
        assert [str(p) for p in plan.problems][0].startswith(
            "Row 2, Summary: the cell holds a formula")
        assert not Event.objects.filter(slug="duma-hearing").exists()

    @pytest.mark.parametrize("content,name,message", [
        (b"", "empty.csv", "The file is empty."),
        (b"\xff\xfe\x00bad", "latin.csv", "The CSV file is not UTF-8 text"),
        (b"PK\x03\x04 not really a workbook", "broken.xlsx", "The Excel file cannot be read"),
        (b"Kind,Event,Colour\n", "odd.csv", "Row 1, Colour: this column is not one of"),
        (b"a,b", "notes.pdf", "Upload the sheet as CSV (.csv) or Excel (.xlsx)"),
    ])
    def test_unreadable_files_get_one_plain_sentence(self, db, content, name, message):
        plan = read_sheet(content, name)
        assert message in str(plan.problems[0])


class TestImport:
    def test_a_good_sheet_lands_as_drafts_awaiting_review(self, client, curator, record):
        before = Event.objects.count()
        plan = read_sheet(csv_bytes(new_event_rows(record)), "new.csv")
        assert plan.ok, [str(p) for p in plan.problems]
        reviews = plan.apply(curator)
        assert Event.objects.count() == before + 1
        event = Event.objects.get(slug="duma-hearing")
        assert event.status == Status.DRAFT
        assert event.citations.get().excerpt == "Deputies heard the reporters."
        assert event.participations.get().actor == record.novaya
        statement = event.statements.get()
        assert statement.status == Status.DRAFT and statement.citations.count() == 1
        assert {(r.kind, r.state, r.author) for r in reviews} == {
            (Review.Kind.NEW, Review.State.PENDING, curator)}
        assert review.pending_review(event) and review.pending_review(statement)
        assert client.get(event.get_absolute_url()).status_code == 404  # not public

    def test_a_change_to_a_published_event_is_a_proposal(self, client, curator, record):
        rows = list(csv.DictReader(io.StringIO(export_sheet(
            Event.objects.filter(pk=record.denial.pk), "csv").decode())))
        rows[0]["Summary"] = "Kadyrov tells HBO Real Sports there are no gay men in Chechnya."
        rows.append({"Kind": "citation", "Event": "kadyrov-denies-hbo", "Source": "novaya-expose",
                     "Excerpt": "Our own account of the interview.",
                     "Excerpt is a summary": "yes"})
        plan = read_sheet(csv_bytes(rows), "changes.csv")
        assert plan.ok, [str(p) for p in plan.problems]
        [proposal] = plan.apply(curator)
        assert (proposal.kind, proposal.state) == (Review.Kind.CHANGE, Review.State.PENDING)
        record.denial.refresh_from_db()
        assert record.denial.summary == "Kadyrov tells HBO there are no such people in Chechnya."
        page = client.get(record.denial.get_absolute_url()).content.decode()
        assert "Real Sports there are no gay men" not in page
        assert record.denial.citations.count() == 1  # the new one waits in the proposal

    def test_a_timelinejs_template_sheet_imports_as_drafts(self, curator, record):
        rows = [
            {"Headline": "Chechnya 2017", "Text": "A timeline", "Type": "title"},
            {"Year": "2017", "Month": "4", "Day": "1", "Headline": "The exposé",
             "Text": "<p>Novaya Gazeta <b>reports</b> the detentions.</p>",
             "Media": "https://novayagazeta.example/expose", "Group": "Reporting"},
            {"Year": "2017", "Month": "7", "Headline": "An interview",
             "Text": "Kadyrov speaks to HBO.", "Group": "denials",
             "End Year": "2017", "End Month": "8"},
            {"Year": "2017", "Month": "13", "Headline": "Bad month", "Text": "x",
             "Group": "Reporting"},
            {"Year": "2017", "Headline": "No group", "Text": "x", "Group": "Nowhere"},
        ]
        for content, name in ((csv_bytes(rows, TIMELINEJS), "tl.csv"),
                              (xlsx_bytes(rows, TIMELINEJS), "tl.xlsx")):
            plan = read_sheet(content, name)
            assert plan.layout == "TimelineJS template"
            problems = [str(p) for p in plan.problems]
            assert problems[0] == ("Row 5, Year: 2017/13/-: There is no month 13: months run "
                                   "from 1 to 12.")
            assert problems[1].startswith("Row 6, Group: no category “Nowhere”: use one of")
            assert "Row 2: the title slide is not an event; skipped." in plan.notes
            assert any("Media" in note for note in plan.notes)
        good = read_sheet(csv_bytes(rows[:3], TIMELINEJS), "tl.csv")
        assert good.ok
        good.apply(curator)
        expose = Event.objects.get(slug="the-expose")
        assert (expose.status, expose.start.display(), expose.category) == (
            Status.DRAFT, "1 April 2017", record.reporting)
        assert expose.summary == "Novaya Gazeta reports the detentions."
        interview = Event.objects.get(slug="an-interview")
        assert (interview.start.display(), interview.end.display()) == ("July 2017",
                                                                        "August 2017")
        assert review.pending_review(interview).kind == Review.Kind.NEW

    def test_the_admin_checks_then_imports(self, curator_client, record):
        url = reverse("admin:events_event_import_sheet")
        assert curator_client.get(url).status_code == 200
        rows = new_event_rows(record)
        bad = [*rows, {"Kind": "actor", "Event": "duma-hearing", "Actor": "Nobody Known"}]
        response = curator_client.post(url, {
            "sheet": SimpleUploadedFile("bad.csv", csv_bytes(bad)), "import": "1"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "1 problem. Nothing was written." in body
        assert "Row 6, Actor: nobody called “Nobody Known”" in body
        assert not Event.objects.filter(slug="duma-hearing").exists()

        dry = curator_client.post(url, {"sheet": SimpleUploadedFile("ok.csv", csv_bytes(rows)),
                                        "check": "1"})
        assert dry.status_code == 200 and "no problems" in dry.content.decode()
        assert not Event.objects.filter(slug="duma-hearing").exists()  # a dry run

        done = curator_client.post(url, {"sheet": SimpleUploadedFile("ok.csv", csv_bytes(rows)),
                                         "import": "1"})
        assert done.status_code == 302
        assert Event.objects.get(slug="duma-hearing").status == Status.DRAFT

    def test_readers_cannot_import(self, client):
        assert client.get(reverse("admin:events_event_import_sheet")).status_code == 302
