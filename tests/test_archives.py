"""Archived source texts: the excerpt check at save, loading texts from a folder, Robust Links,
and the archived text kept out of every public output."""

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from events.audit import audit_record
from events.chronology import load_chronology
from events.models import ArchivedText, Citation, SourceArticle, Statement

from .factories import EventFactory
from .helpers import SEEDS_FOLDER, inline_management, needs_seeds

pytestmark = pytest.mark.django_db

# What the kept text holds that no excerpt shows: the public record must never carry it.
WITHHELD = "He was held in the cellar of the house on Zavodskaya street for eleven days"
ARCHIVED = (
    "Novaya Gazeta reports that more than a hundred men were detained in Argun.\n\n"
    f"{WITHHELD}, one survivor said. “They beat us with pipes,” he told the paper. The "
    "authorities denied everything. The supporting passage. He said: “They beat us with "
    "pipes.”"
)


@pytest.fixture
def archived(record):
    """The exposé's archived text, and a snapshot of it in a web archive."""
    source = record.expose
    source.archive_url = "https://web.archive.org/web/20170402000000/https://novayagazeta.example/expose"
    source.archived_on = datetime.date(2017, 4, 2)
    source.save()
    return ArchivedText.objects.create(
        source=source, text=ARCHIVED, captured_on=datetime.date(2017, 4, 2)
    )


def citation_form(event, source, excerpt, **overrides):
    return {"source": source.pk, "event": event.pk, "excerpt": excerpt, "note": "",
            **overrides}


class TestExcerptCheckedAtSave:
    def test_the_admin_refuses_an_excerpt_the_archived_text_does_not_hold(
        self, curator_client, record, archived
    ):
        response = curator_client.post(
            reverse("admin:events_citation_add"),
            citation_form(record.draft, record.expose, "more than two hundred men were detained"),
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["excerpt_en"]
        assert "Not verbatim in the archived text of “Honour killing”" in errors[0]
        assert "“more than two hundred men were detained”" in errors[0]
        assert not Citation.objects.filter(excerpt__contains="two hundred").exists()

    @pytest.mark.parametrize("excerpt", [
        "more than a hundred men […] “They beat us with pipes,” he told the paper.",
        "more than a hundred men [...] The authorities denied everything.",
        "Novaya Gazeta reports that\nmore than a hundred   men",  # line breaks are not words
    ])
    def test_elisions_and_line_breaks_are_accepted(self, curator_client, record, archived,
                                                   excerpt):
        response = curator_client.post(
            reverse("admin:events_citation_add"),
            citation_form(record.draft, record.expose, excerpt),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Citation.objects.filter(excerpt=excerpt, event=record.draft).exists()

    def test_parts_out_of_order_are_refused(self, curator_client, record, archived):
        excerpt = "The authorities denied everything. […] more than a hundred men"
        response = curator_client.post(
            reverse("admin:events_citation_add"),
            citation_form(record.draft, record.expose, excerpt),
        )
        assert response.status_code == 200
        assert "“more than a hundred men” is not there" in (
            response.context["adminform"].form.errors["excerpt_en"][0])

    def test_a_summary_or_a_source_without_archived_text_is_not_compared(
        self, curator_client, record, archived
    ):
        for data in (
            citation_form(record.draft, record.expose, "Our own words.", is_summary="on"),
            citation_form(record.draft, record.hbo, "Words the HBO text may or may not hold."),
        ):
            response = curator_client.post(reverse("admin:events_citation_add"), data)
            assert response.status_code == 302

    def test_an_event_inline_citation_is_checked(self, curator_client, record, archived):
        event = EventFactory(title="A draft", slug="a-draft", category=record.reporting)
        data = {
            "title": "A draft", "slug": "a-draft", "start": "2 April 2017", "end": "",
            "category": record.reporting.pk, "location": "", "summary": "Something.",
            "status": "draft", "verification": "reported", "verification_note": "",
            "day_order": "0", "opened_version": str(event.version),
            **inline_management("citations", 1),
            "citations-0-source": record.expose.pk,
            "citations-0-excerpt": "more than a thousand men",
            **inline_management("participations", 0),
            **inline_management("statements", 0),
        }
        response = curator_client.post(
            reverse("admin:events_event_change", args=[event.pk]), data)
        assert response.status_code == 200
        assert "Not verbatim in the archived text" in response.content.decode()
        assert not event.citations.exists()

    def test_a_statement_inline_citation_is_checked(self, curator_client, record, archived):
        event = record.draft
        statement = Statement(quote="They beat us with sticks.", speaker=record.survivor)
        citation = Citation(source=record.expose, excerpt="“They beat us with sticks,” he told")
        assert statement.citation_problem(citation)  # the quote check...
        assert citation.archive_problem()  # ...and the archive's, both at save
        from events.admin_forms import StatementInlineForm

        form = StatementInlineForm(data={
            "kind": "reported", "quote": "that they were beaten", "speaker": record.survivor.pk,
            "said_on": "2 April 2017", "venue": "", "status": "draft",
            "cite_source": record.expose.pk, "cite_excerpt": "They were beaten with sticks",
        }, instance=Statement(event=event))
        assert not form.is_valid()
        assert "Not verbatim in the archived text" in form.errors["cite_excerpt"][0]


class TestAuditAndCheck:
    def test_check_excerpts_reads_the_archived_texts_without_a_folder(self, record, archived):
        out = io.StringIO()
        call_command("check_excerpts", stdout=out)
        assert "appear verbatim in 1 archived files" in out.getvalue()
        # A row saved past validation (a raw update) is caught.
        Citation.objects.filter(source=record.expose).update(excerpt="two hundred men")
        with pytest.raises(CommandError, match="excerpts failed the check"):
            call_command("check_excerpts", stdout=io.StringIO(), stderr=io.StringIO())

    def test_the_audit_reports_a_mismatch_once(self, record, archived, tmp_path):
        citation = Citation.objects.filter(source=record.expose).first()
        Citation.objects.filter(pk=citation.pk).update(excerpt="two hundred men")
        findings = [f for f in audit_record(tmp_path / "absent").findings
                    if f.startswith(f"Citation {citation.pk} ")]
        assert len(findings) == 1
        assert "Not verbatim in the archived text" in findings[0]


class TestLoadingArchivedTexts:
    def test_texts_are_attached_from_a_folder_and_never_replaced(self, record, tmp_path):
        SourceArticle.objects.filter(pk=record.expose.pk).update(archive_filename="expose.txt")
        (tmp_path / "expose.txt").write_text(ARCHIVED, encoding="utf-8")
        out = io.StringIO()
        call_command("load_chronology", str(tmp_path / "none.json"), "--if-empty",
                     "--archive", str(tmp_path), stdout=out)
        kept = ArchivedText.objects.get(source=record.expose)
        assert kept.text == ARCHIVED
        assert kept.sha256 == hashlib.sha256(ARCHIVED.encode()).hexdigest()
        assert kept.filename == "expose.txt"
        assert "1 attached" in out.getvalue()

        (tmp_path / "expose.txt").write_text(ARCHIVED + " A later edit.", encoding="utf-8")
        out = io.StringIO()
        call_command("load_chronology", str(tmp_path / "none.json"), "--if-empty",
                     "--archive", str(tmp_path), stdout=out)
        assert "Not replaced: the archived text of novaya-expose differs" in out.getvalue()
        assert ArchivedText.objects.get(source=record.expose).text == ARCHIVED

    def test_an_excerpt_the_attached_text_lacks_fails_the_command(self, record, tmp_path):
        SourceArticle.objects.filter(pk=record.expose.pk).update(archive_filename="expose.txt")
        (tmp_path / "expose.txt").write_text("A different article altogether.", encoding="utf-8")
        with pytest.raises(CommandError, match="excerpts are not verbatim"):
            call_command("load_chronology", str(tmp_path / "none.json"), "--if-empty",
                         "--archive", str(tmp_path), stdout=io.StringIO(),
                         stderr=io.StringIO())

    def test_a_file_name_cannot_leave_the_folder(self, record, tmp_path):
        folder = tmp_path / "texts"
        folder.mkdir()
        (tmp_path / "secret.txt").write_text("not an archive", encoding="utf-8")
        SourceArticle.objects.filter(pk=record.expose.pk).update(
            archive_filename="../secret.txt")
        out = io.StringIO()
        call_command("load_chronology", str(tmp_path / "none.json"), "--if-empty",
                     "--archive", str(folder), stdout=out)
        assert "Missing: novaya-expose: ../secret.txt" in out.getvalue()
        assert not ArchivedText.objects.exists()

    def test_a_missing_folder_is_refused_before_anything_is_loaded(self, db, tmp_path):
        with pytest.raises(CommandError, match="is not a folder"):
            call_command("load_chronology", "--archive", str(tmp_path / "nowhere"))

    @needs_seeds
    def test_the_bundled_sources_take_the_five_seed_texts(self, db):
        load_chronology()
        out = io.StringIO()
        call_command("load_chronology", "--if-empty", "--archive", str(SEEDS_FOLDER), stdout=out)
        assert "5 attached" in out.getvalue()
        for kept in ArchivedText.objects.select_related("source"):
            raw = (SEEDS_FOLDER / kept.source.archive_filename).read_bytes()
            assert kept.sha256 == hashlib.sha256(raw).hexdigest()
        # Every bundled excerpt of them stands in its text, by the check a save makes.
        out = io.StringIO()
        call_command("check_excerpts", stdout=out)
        assert "in 5 archived files" in out.getvalue()


class TestPublicOutput:
    def test_citation_links_are_robust_links(self, client, record, archived):
        page = client.get(record.exposé_event.get_absolute_url()).content.decode()
        assert ('<a href="https://novayagazeta.example/expose" rel="noopener noreferrer '
                'nofollow" data-versionurl="https://web.archive.org/web/20170402000000/'
                'https://novayagazeta.example/expose" data-versiondate="2017-04-02">Original</a>'
                ) in page
        assert ('<a href="https://web.archive.org/web/20170402000000/https://novayagazeta.'
                'example/expose" rel="noopener noreferrer nofollow" data-originalurl="https://'
                'novayagazeta.example/expose" data-versiondate="2017-04-02">Archived copy of '
                '<time datetime="2017-04-02">2 April 2017</time></a>') in page
        source_page = client.get(record.expose.get_absolute_url()).content.decode()
        assert 'data-versionurl="https://web.archive.org/web/20170402000000/' in source_page

    def test_an_archived_copy_needs_its_date(self, curator_client, record):
        response = curator_client.get(
            reverse("admin:events_sourcearticle_change", args=[record.hbo.pk]))
        assert response.status_code == 200
        source = SourceArticle(title="x", slug="x", language="en", source_type="wire",
                               archive_url="https://web.archive.org/web/2017/https://x.example")
        with pytest.raises(Exception, match="archived copy was taken"):
            source.full_clean()

    def test_the_archived_text_is_in_no_public_output(self, client, curator_client, record,
                                                      archived):
        # Edited through the admin too, so its history holds versions of it.
        data = {
            "title": record.expose.title, "slug": record.expose.slug,
            "publisher": record.novaya.pk, "source_type": record.expose.source_type,
            "url": record.expose.url, "archive_url": record.expose.archive_url,
            "archived_on": "2017-04-02", "published": "1 April 2017", "author": "",
            "language": "en", "archive_filename": "", "notes": "",
            "opened_version": str(SourceArticle.objects.get(pk=record.expose.pk).version),
            **inline_management("archived_text", 1, initial=1),
            "archived_text-0-id": archived.pk, "archived_text-0-source": record.expose.pk,
            "archived_text-0-text": ARCHIVED + " Edited.",
            "archived_text-0-captured_on": "2017-04-02", "archived_text-0-captured_from": "",
        }
        response = curator_client.post(
            reverse("admin:events_sourcearticle_change", args=[record.expose.pk]), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        digest = ArchivedText.objects.get().sha256
        client.logout()
        urls = [
            "/", "/about/", "/feed/", "/api/v1/events?limit=200", "/api/v1/sources?limit=200",
            "/api/v1/statements?limit=200", "/api/v1/exports/timelinejs",
            "/api/v1/exports/events.csv", f"/api/v1/sources/{record.expose.slug}",
            record.expose.get_absolute_url(), record.novaya.get_absolute_url(),
            record.reporting.get_absolute_url(), "/?q=cellar", "/api/v1/events?q=cellar",
        ]
        for event in (record.exposé_event, record.condemnation):
            urls += [event.get_absolute_url(), f"/api/v1/events/{event.slug}",
                     reverse("events:event_correction", args=[event.slug])]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert "Zavodskaya" not in body, url
            assert digest not in body, url
        # The public search does not find events by words only the archived text holds.
        assert client.get("/api/v1/events?q=Zavodskaya").json()["count"] == 0
