"""manage.py audit_record: every mechanically checkable rule, on whichever database runs.

Each broken item below is one the database accepts (rules clean() states, rows saved around
it), so only the audit can find it."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Event, Place, Statement, Status
from events.partial_dates import PartialDate

from .factories import (
    CitationFactory,
    EventFactory,
    MediaOutletFactory,
    PlaceFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
    StatementFactory,
)


def source(**fields):
    """A source as the record requires one: with its publisher."""
    return SourceArticleFactory(publisher=MediaOutletFactory(), **fields)

pytestmark = pytest.mark.django_db


def audit(texts):
    output = StringIO()
    try:
        call_command("audit_record", "--texts", str(texts), stdout=output)
    except CommandError as error:
        return str(error), output.getvalue()
    return None, output.getvalue()


@pytest.fixture
def kept_texts(tmp_path):
    (tmp_path / "article.txt").write_text("The quick brown fox\njumps over the lazy dog.")
    return tmp_path


def test_a_clean_record_passes(kept_texts):
    PublishedEventFactory(citation__source=source(), citation__is_summary=True)
    PublishedStatementFactory(citation__source=source(archive_filename="article.txt"),
                              quote="brown fox", citation__excerpt="quick […] brown fox jumps")
    # Reported speech (our words of what was said) may rest on a curators' summary.
    reported = StatementFactory(kind=Statement.Kind.REPORTED, status=Status.PUBLISHED,
                                quote="that no fox was ever there")
    CitationFactory(statement=reported, source=source(), is_summary=True,
                    excerpt="The outlet reports him denying any fox.")

    error, output = audit(kept_texts)

    assert error is None, output
    assert "1 excerpts compared with 1 kept texts" in output
    assert "2 summaries by the curators skipped" in output
    assert "The record keeps every rule the audit checks." in output


def broken_record():
    """One item breaking each rule, saved the ways that skip clean(); returns what the audit
    must say about each (a fragment of its line)."""
    day = datetime.date
    cited = {"citation__source": source()}
    EventFactory(slug="uncited", status=Status.PUBLISHED)
    silent = StatementFactory(status=Status.PUBLISHED, event=None)
    SourceArticleFactory(slug="unsourced", publisher=None, source_type="")
    kept = source(slug="kept", archive_filename="article.txt")
    reworded = CitationFactory(source=kept, event=PublishedEventFactory(**cited),
                               excerpt="quick brown fox leaps")
    out_of_order = CitationFactory(source=kept, event=PublishedEventFactory(**cited),
                                   excerpt="lazy dog. […] The quick")
    quote = PublishedStatementFactory(quote="We were never there.", **cited)
    misquoted = CitationFactory(source=source(), statement=quote, excerpt="We were not there.")
    ended = PublishedEventFactory(slug="one-day", start=PartialDate.parse("2017-04-03"), **cited)
    elsewhere = PublishedStatementFactory(event=ended, date=day(2017, 4, 19), **cited)
    estimated = PublishedEventFactory(slug="estimated-in-may", start=PartialDate.parse("2017-04"),
                                      **cited)
    Event.objects.filter(pk=estimated.pk).update(sort_as=day(2017, 5, 2))
    summarised = PublishedStatementFactory(quote="No fox.", citation__is_summary=True,
                                           citation__excerpt="He denied any fox.", **cited)
    stale = PublishedEventFactory(slug="stale", **cited)
    Event.objects.filter(pk=stale.pk).update(sort_date=day(2017, 12, 1))
    site = PlaceFactory(slug="site", sensitive=True, latitude=43.3, longitude=45.9)
    Place.objects.filter(pk=site.pk).update(latitude=43.29171, longitude=45.87223)
    return [
        "Place site: a sensitive place stored more precisely than its town",
        "Event uncited: A published event needs at least one citation",
        f"Statement {silent.pk} ({silent.speaker.slug}): A published statement needs at least "
        "one citation",
        "Source unsourced: has no publisher.",
        "Source unsourced: source_type: This field cannot be blank.",
        f"Citation {reworded.pk} of kept: excerpt not verbatim",
        f"Citation {out_of_order.pk} of kept: excerpt not verbatim",
        f"Citation {misquoted.pk} of {misquoted.source.slug}: excerpt: The excerpt must "
        "contain the statement's quote verbatim",
        f"Statement {elsewhere.pk} ({elsewhere.speaker.slug}): date: Said 19 April 2017, a day "
        "outside its event's (3 April 2017)",
        "Event estimated-in-may: sort_as: The best estimate must fall within the event's dates",
        "Event estimated-in-may: listed at 2017-04-30, but its date places it at 2017-05-02",
        "Event stale: listed at 2017-12-01, but its date places it at 2017-04-01",
        f"Statement {summarised.pk} ({summarised.speaker.slug}): kind: A verbatim quote cannot "
        "rest on a summary citation",
        f"Statement {summarised.pk} ({summarised.speaker.slug}): The quote is not verbatim in "
        "any of its citations' excerpts.",
        f"Citation {summarised.citations.get().pk} of {summarised.citations.get().source.slug}: "
        "is_summary: A verbatim quote's citation must quote the source",
    ]


def test_each_broken_rule_is_listed_and_the_command_fails(kept_texts):
    expected = broken_record()

    error, output = audit(kept_texts)

    lines = output.splitlines()
    for fragment in expected:
        assert any(line.startswith(fragment) for line in lines), (fragment, output)
    findings = [line for line in lines if not line.startswith("2 excerpts compared")]
    assert len(findings) == len(expected)
    assert error == f"{len(expected)} problems found in the record."


def test_without_the_kept_texts_the_excerpt_check_says_it_was_skipped(tmp_path):
    PublishedEventFactory(citation__source=source(archive_filename="article.txt"),
                          citation__excerpt="not in any text")

    error, output = audit(tmp_path / "missing")

    assert error is None
    assert "Excerpts were NOT checked against the kept source texts" in output
