"""Checks of the bundled chronology (events/fixtures/chronology.json): the facts the record
must never lose and the editorial rules every item meets (../shared/RECORD.md).

The chronology is loaded once for the module, in a transaction rolled back at the end; each
test runs in a savepoint inside it, as Django's TestCase.setUpTestData does. The loader itself
is tested in test_chronology.py.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from events.models import (
    Actor,
    Category,
    Citation,
    Event,
    EventActor,
    SourceArticle,
    Statement,
    Verification,
)
from events.partial_dates import Precision

from .helpers import SEEDS_FOLDER, needs_seeds


@pytest.fixture(scope="module")
def bundled(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_chronology", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _in_a_savepoint(bundled, db):
    """Each test gets the loaded chronology (and the db fixture's savepoint around it)."""


def collapse(text):
    return " ".join(text.split())


# Loading


def test_the_novaya_gazeta_expose_is_dated_1_april_2017_to_the_day(bundled):
    expose = Event.objects.get(slug="novaya-gazeta-expose")
    assert expose.start_date == datetime.date(2017, 4, 1)
    assert expose.start_precision == Precision.DAY
    assert not expose.start_approximate
    assert expose.citations.filter(source__archive_filename__startswith="000_").exists()


def test_toners_statements_are_dated_7_april_2017(bundled):
    toner = Statement.objects.filter(speaker__slug="mark-toner")
    assert toner.count() == 3
    for statement in toner:
        assert statement.date == datetime.date(2017, 4, 7)
        assert statement.date_precision == Precision.DAY
        assert statement.venue


def test_both_wordings_of_the_karimov_quote_are_kept_and_the_event_is_disputed(bundled):
    denial = Event.objects.get(slug="karimov-denies-to-interfax")
    assert denial.verification == Verification.DISPUTED
    quotes = {statement.quote: statement for statement in denial.statements.all()}
    wording_001 = next(quote for quote in quotes if quote.startswith("You cannot arrest"))
    wording_003 = next(quote for quote in quotes if quote.startswith("You cannot detain"))
    assert quotes[wording_001].citations.get().source.archive_filename.startswith("001_")
    assert quotes[wording_003].citations.get().source.archive_filename.startswith("003_")


def test_kadyrov_is_findable_by_both_spellings(bundled):
    kadyrov = Actor.objects.get(slug="ramzan-kadyrov")
    assert kadyrov.name == "Ramzan Kadyrov"
    assert "Ramazan Kadyrov" in kadyrov.alias_list


def test_affiliations_are_resolved(bundled):
    affiliations = dict(Actor.objects.values_list("slug", "affiliation__slug"))
    assert affiliations["mark-toner"] == "us-state-department"
    assert affiliations["elena-milashina"] == "novaya-gazeta"
    assert affiliations["dmitry-peskov"] == "kremlin"
    assert affiliations["tanya-lokshina"] == "human-rights-watch"
    assert affiliations["ekaterina-sokirianskaia"] == "international-crisis-group"
    for member in ("svetlana-zakharova", "tatyana-vinnichenko", "natalia-poplevskaia"):
        assert affiliations[member] == "russian-lgbt-network"


def test_every_published_event_and_statement_is_cited(bundled):
    assert not Event.objects.public().uncited().exists()
    assert not Statement.objects.public().uncited().exists()
    assert Event.objects.public().count() == Event.objects.count()


def test_every_quote_appears_verbatim_in_one_of_its_excerpts(bundled):
    for statement in Statement.objects.prefetch_related("citations"):
        excerpts = [collapse(citation.excerpt) for citation in statement.citations.all()]
        assert any(collapse(statement.quote) in excerpt for excerpt in excerpts), statement.quote


def test_every_event_is_dated_in_2017_or_late_2016(bundled):
    earliest, latest = datetime.date(2016, 9, 1), datetime.date(2017, 12, 31)
    for event in Event.objects.all():
        assert earliest <= event.start.first_day <= latest, event.slug
        if event.end:
            assert event.start.first_day <= event.end.last_day <= latest, event.slug


def test_protected_identities_hold_a_pseudonym_and_nothing_else(bundled):
    protected = Actor.objects.protected()
    assert {"anzor", "ahmed"} <= set(protected.values_list("slug", flat=True))
    for actor in protected:
        assert (actor.aliases, actor.description, actor.url, actor.affiliation_id) == ("", "", "", None)
        # One pseudonym ("Anzor"), or a neutral label that says how they spoke and nothing more.
        assert re.fullmatch(r"\w+", actor.name) or re.fullmatch(
            r"Anonymous survivor \([^)]*\)", actor.name
        ), actor.name


def test_no_protected_identity_is_described_by_age_or_hometown_in_summaries(bundled):
    for event in Event.objects.filter(participations__actor__protected_identity=True).distinct():
        assert not re.search(r"\bin his \d0s\b|\bArgun\b", event.summary), event.slug


def test_disputed_events_say_what_is_disputed(bundled):
    disputed = Event.objects.filter(verification=Verification.DISPUTED)
    assert disputed.exists()
    for event in disputed:
        assert len(event.verification_note.strip()) > 40, event.slug


INTERNAL_SOURCE_NAME = re.compile(r"\b00[0-4]\b|\bseed", re.IGNORECASE)

READER_FACING_FIELDS = {
    Event: ("title", "summary", "verification_note", "location"),
    SourceArticle: ("title", "notes"),
    Citation: ("note",),
    Category: ("name", "description"),
    Actor: ("name", "description"),
    Statement: ("venue",),
    EventActor: ("role",),
}


def test_reader_facing_text_never_names_sources_by_internal_seed_file_numbers(bundled):
    # Readers see these fields on the site; "001 says…" or "the seeds" means nothing to them.
    # Sources are named as the site shows them (publisher and/or title). The archive file
    # names (000_….txt) are internal and are not checked here.
    offending = [
        f"{model.__name__} {obj.pk} {field}: {getattr(obj, field)!r}"
        for model, fields in READER_FACING_FIELDS.items()
        for obj in model.objects.all()
        for field in fields
        if INTERNAL_SOURCE_NAME.search(getattr(obj, field))
    ]
    assert not offending, "\n".join(offending)


# An outside source named in an event's verification note must be cited on that event: the note
# may only lean on what the event's own citations show. Names are matched as the notes write them
# (case-sensitive, whole words); each maps to the slugs of the sources that name may refer to.
OUTSIDE_SOURCE_NAMES = {
    r"TASS": {"tass-2017-04-14-kremlin-investigation", "tass-2017-04-17-prosecutors"},
    r"Interfax": {
        "interfax-2017-04-03-peskov",
        "interfax-2017-04-03-karimov",
        "interfax-2017-04-19-kadyrov-putin",
    },
    r"Hansard": {"hansard-2017-04-20-chechnya"},
    r"UN Human Rights Office": {"ohchr-2017-04-13-un-experts"},
    r"On Top Magazine": {"ontopmag-2017-04-21-clinton"},
    r"The Advocate": {"advocate-2017-04-24-lavrov"},
    r"RFE/RL": {"rferl-2017-07-15-kadyrov-hbo"},
    r"Out": {"out-2017-04-19-cnn-interviews", "out-2017-04-21-milashina"},
    r"The Independent": {"independent-2017-05-02-ap-chechen-gays"},
    r"Eurasia Times": {"eurasiatimes-2017-04-26-kadyrov-ramadan"},
    r"ITV": {"itv-2017-04-18-london-protest"},
    r"PinkNews": {"pinknews-2017-04-13-london-protest"},
    r"Newsweek": {"newsweek-2017-04-25-six-prisons"},
    r"Human Rights Watch|HRW": {"hrw-2017-05-26-they-have-long-arms"},
}


def test_outside_sources_named_in_a_verification_note_are_cited_on_that_event(chronology_data):
    sources = {source["slug"] for source in chronology_data["sources"]}
    for slugs in OUTSIDE_SOURCE_NAMES.values():
        assert slugs <= sources, slugs - sources
    missing = []
    for event in chronology_data["events"]:
        cited = {citation["source"] for citation in event["citations"]}
        for name, slugs in OUTSIDE_SOURCE_NAMES.items():
            if re.search(rf"\b(?:{name})(?![\w/])", event["verification_note"]) and not cited & slugs:
                missing.append(f"{event['slug']}: names {name} but cites none of {sorted(slugs)}")
    assert not missing, "\n".join(missing)


def test_corroborated_events_cite_at_least_two_sources(chronology_data):
    # "corroborated" means independent sources agree; one source, however often quoted, is not that.
    for event in chronology_data["events"]:
        if event["verification"] == "corroborated":
            assert len({citation["source"] for citation in event["citations"]}) >= 2, event["slug"]


def all_citations_in_file(chronology_data):
    """(owner kind, owner label, citation) for every citation in the data file."""
    for event in chronology_data["events"]:
        for citation in event["citations"]:
            yield "event", event["slug"], citation
        for statement in event["statements"]:
            for citation in statement["citations"]:
                yield "statement", statement["quote"][:50], citation


def summaries_in_file(chronology_data):
    return sum(1 for _, _, citation in all_citations_in_file(chronology_data) if citation.get("is_summary"))


def test_citations_of_outside_sources_are_summaries_and_statement_citations_quote(bundled, chronology_data):
    # A source with no archived text is an outside reference that is not quoted here: its
    # citations hold the curators' summaries. A statement's citation must always quote.
    outside = {source["slug"] for source in chronology_data["sources"] if not source.get("archive_filename")}
    assert outside
    for kind, owner, citation in all_citations_in_file(chronology_data):
        if kind == "statement":
            assert not citation.get("is_summary", False), owner
            assert citation["source"] not in outside, owner
        elif citation["source"] in outside:
            assert citation.get("is_summary") is True, (owner, citation["source"])

    assert not Citation.objects.filter(source__archive_filename="", is_summary=False).exists()
    assert not Citation.objects.filter(statement__isnull=False, is_summary=True).exists()
    assert Citation.objects.filter(is_summary=True).count() == summaries_in_file(chronology_data) > 0


def test_sources_are_dated_and_seed_articles_are_archived(bundled):
    archived = SourceArticle.objects.exclude(archive_filename="")
    assert archived.count() == 5
    for source in SourceArticle.objects.all():
        assert source.published_date and source.notes, source.slug
        assert source.url == "" or source.url.startswith(("http://", "https://")), source.slug


# The excerpt check against the archived articles


@needs_seeds
def test_every_excerpt_is_verbatim_in_the_seed_articles(bundled, chronology_data):
    output = StringIO()
    call_command("check_excerpts", str(SEEDS_FOLDER), stdout=output, stderr=StringIO())
    summaries = summaries_in_file(chronology_data)
    quoted_from_archives = Citation.objects.exclude(source__archive_filename="").filter(
        is_summary=False
    )
    assert f"All {quoted_from_archives.count()} excerpts" in output.getvalue()
    assert f"{summaries} summaries by the curators skipped" in output.getvalue()


