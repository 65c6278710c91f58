"""The curated chronology: the data file, its loader and the excerpt check.

The expected numbers come from the data file itself, so adding an event to the file does not
break these tests; the specific facts checked below are ones the record must never lose.
"""

import datetime
import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.chronology import DEFAULT_PATH, load_chronology
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

SEEDS_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "seeds"

needs_seeds = pytest.mark.skipif(
    not SEEDS_FOLDER.is_dir(),
    reason=f"The archived seed articles are not in {SEEDS_FOLDER} (they live outside the repo).",
)


@pytest.fixture(scope="module")
def data():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def loaded(db):
    call_command("load_chronology", stdout=StringIO())


def expected_counts(data):
    events = data["events"]
    statements = [statement for event in events for statement in event["statements"]]
    return {
        Category: len(data["categories"]),
        Actor: len(data["actors"]),
        SourceArticle: len(data["sources"]),
        Event: len(events),
        EventActor: sum(len(event["actors"]) for event in events),
        Statement: len(statements),
        Citation: sum(len(event["citations"]) for event in events)
        + sum(len(statement["citations"]) for statement in statements),
    }


def database_counts():
    return {
        model: model.objects.count()
        for model in (Category, Actor, SourceArticle, Event, EventActor, Statement, Citation)
    }


def collapse(text):
    return " ".join(text.split())


# Loading


def test_loading_into_an_empty_database_gives_the_dataset(loaded, data):
    assert database_counts() == expected_counts(data)


def test_the_novaya_gazeta_expose_is_dated_1_april_2017_to_the_day(loaded):
    expose = Event.objects.get(slug="novaya-gazeta-expose")
    assert expose.start_date == datetime.date(2017, 4, 1)
    assert expose.start_precision == Precision.DAY
    assert not expose.start_approximate
    assert expose.citations.filter(source__archive_filename__startswith="000_").exists()


def test_toners_statements_are_dated_7_april_2017(loaded):
    toner = Statement.objects.filter(speaker__slug="mark-toner")
    assert toner.count() == 3
    for statement in toner:
        assert statement.date == datetime.date(2017, 4, 7)
        assert statement.date_precision == Precision.DAY
        assert statement.venue


def test_karimovs_denial_is_dated_1_april_and_its_wordings_are_one_translated_statement(loaded):
    # RFE/RL and RBC of 1 April date it to the day of the exposé; Interfax-Religion's English
    # text of 3 April is a later translation. The articles' different English wordings translate
    # one Russian statement, so they are kept side by side but the event is not "disputed".
    denial = Event.objects.get(slug="karimov-denies-to-interfax")
    assert (denial.start_date, denial.start_precision, denial.start_approximate) == (
        datetime.date(2017, 4, 1), Precision.DAY, False)
    assert denial.end is None
    assert denial.verification == Verification.CORROBORATED
    quotes = {statement.quote: statement for statement in denial.statements.public()}
    wording_001 = next(quote for quote in quotes if quote.startswith("You cannot arrest"))
    wording_003 = next(quote for quote in quotes if quote.startswith("You cannot detain"))
    assert quotes[wording_001].citations.get().source.archive_filename.startswith("001_")
    assert quotes[wording_003].citations.get().source.archive_filename.startswith("003_")
    for statement in quotes.values():
        assert statement.speaker.slug == "alvi-karimov"
        assert (statement.date, statement.date_precision) == (datetime.date(2017, 4, 1), Precision.DAY)
    assert {"rferl-2017-04-01-karimov", "rbc-2017-04-01-karimov"} <= set(
        denial.citations.values_list("source__slug", flat=True))


def test_the_expose_is_listed_before_the_denial_that_answers_it(loaded):
    order = list(Event.objects.public().chronological().values_list("slug", flat=True))
    assert order.index("novaya-gazeta-expose") < order.index("karimov-denies-to-interfax")
    # and both come before the reactions of 3 April
    assert order.index("karimov-denies-to-interfax") < order.index("peskov-kremlin-has-no-information")


def test_the_items_of_the_ap_story_are_dated_2_may_2017(loaded):
    ap_day = datetime.date(2017, 5, 2)
    slugs = ["anzor-detained-and-tortured", "ap-interviews-two-gay-men-who-fled-chechnya",
             "second-ap-survivor-describes-daily-torture", "lokshina-calls-purge-unprecedented",
             "russian-lgbt-network-aids-men-who-fled", "visas-for-survivors-us-response"]
    for event in Event.objects.filter(slug__in=slugs):
        assert (event.start_date, event.start_precision, event.start_approximate) == (
            ap_day, Precision.DAY, False), event.slug
        assert event.citations.filter(source__slug="ap-2017-05-02-chechen-gays-safe-houses").exists()
        for statement in event.statements.public():
            assert (statement.date, statement.date_precision) == (ap_day, Precision.DAY), statement.quote
    assert Event.objects.filter(slug__in=slugs).count() == len(slugs)
    ap = SourceArticle.objects.get(slug="ap-2017-05-02-chechen-gays-safe-houses")
    assert (ap.published_date, ap.publisher.slug, ap.source_type) == (ap_day, "associated-press", "wire")


def test_corrected_speakers(loaded):
    # Novaya Gazeta's statement gives these words to Kadyrov's adviser, not to Kadyrov.
    enemies = Statement.objects.public().get(quote="the enemies of our faith and our homeland")
    assert enemies.speaker.slug == "adam-shakhidov"
    # The Russian LGBT Network's count, spliced into Kadyrov's quotation by one article.
    kadyrov = Statement.objects.public().filter(speaker__slug="ramzan-kadyrov")
    assert kadyrov.exists() and not kadyrov.filter(quote__contains="More than 30 people").exists()
    # Anzor spoke to the AP on 2 May, not at the Kremlin meeting of 19 April.
    assert not Statement.objects.filter(
        event__slug="kadyrov-denies-reports-to-putin", speaker__slug="anzor").exists()
    # "Russia's Federal Investigation Commission" is a mistranslation of this body.
    body = Actor.objects.get(slug="federal-investigation-commission")
    assert body.name == "Investigative Committee of the Russian Federation"
    assert "Russia’s Federal Investigation Commission" in body.alias_list


def test_the_checks_of_17_april_are_not_called_an_investigation(loaded):
    checks = Event.objects.get(slug="prosecutor-general-opens-investigation")
    assert "investigation" not in checks.title.lower() and "checks" in checks.title
    assert "not a criminal case" in checks.summary


def test_kadyrov_is_findable_by_both_spellings(loaded):
    kadyrov = Actor.objects.get(slug="ramzan-kadyrov")
    assert kadyrov.name == "Ramzan Kadyrov"
    assert "Ramazan Kadyrov" in kadyrov.alias_list


def test_affiliations_are_resolved(loaded):
    affiliations = dict(Actor.objects.values_list("slug", "affiliation__slug"))
    assert affiliations["mark-toner"] == "us-state-department"
    assert affiliations["elena-milashina"] == "novaya-gazeta"
    assert affiliations["dmitry-peskov"] == "kremlin"
    assert affiliations["tanya-lokshina"] == "human-rights-watch"
    assert affiliations["ekaterina-sokirianskaia"] == "international-crisis-group"
    for member in ("svetlana-zakharova", "tatyana-vinnichenko", "natalia-poplevskaia"):
        assert affiliations[member] == "russian-lgbt-network"


def test_every_bundled_source_has_a_publisher_a_type_and_a_language(loaded, data):
    assert {source.slug for source in SourceArticle.objects.all()} == {
        item["slug"] for item in data["sources"]
    }
    for source in SourceArticle.objects.select_related("publisher"):
        assert source.record_problems() == [], source.slug
        assert source.language in {"en", "ru", "fr"}, source.slug
    types = dict(SourceArticle.objects.values_list("slug", "source_type"))
    assert types["tass-2017-04-17-prosecutors"] == "wire"
    assert types["hansard-2017-04-20-chechnya"] == "official"
    # GCN's own write-up of others' reports (the fact-check: secondary, but GCN's text)
    assert types["gcn-four-more-prisons-for-gay-men-in-chechnya"] == "original"
    # the originals the record now rests on, in their own language
    originals = SourceArticle.objects.filter(slug__in=[
        "ng-2017-04-01-ubiystvo-chesti", "interfax-ru-2017-04-03-peskov", "tass-ru-2017-04-17-prosecutors"])
    assert set(originals.values_list("language", flat=True)) == {"ru"}
    assert SourceArticle.objects.get(slug="ng-2017-04-01-ubiystvo-chesti").title == "Убийство чести"
    # a copy is a republication and never the only citation of what it copied
    assert types["independent-2017-05-02-ap-chechen-gays"] == "republication"


def test_loading_again_changes_nothing_and_keeps_curators_edits(loaded, data):
    expose = Event.objects.get(slug="novaya-gazeta-expose")
    expose.summary = "A curator's corrected summary."
    expose.save()
    kadyrov = Actor.objects.get(slug="ramzan-kadyrov")
    kadyrov.description = "A curator's description."
    kadyrov.save()
    before = database_counts()

    counts = load_chronology(DEFAULT_PATH)

    assert database_counts() == before == expected_counts(data)
    assert all(count["created"] == 0 for count in counts.values())
    assert Event.objects.get(slug="novaya-gazeta-expose").summary == "A curator's corrected summary."
    assert Actor.objects.get(slug="ramzan-kadyrov").description == "A curator's description."


def test_a_deleted_citation_in_the_file_is_created_again_without_duplicates(loaded, data):
    citation = Citation.objects.filter(event__slug="novaya-gazeta-expose").first()
    citation.delete()

    counts = load_chronology(DEFAULT_PATH)

    assert counts["citations"]["created"] == 1
    assert database_counts() == expected_counts(data)


def test_the_command_reports_what_it_created_and_what_existed(loaded):
    output = StringIO()
    call_command("load_chronology", stdout=output)
    assert "Events: 0 created" in output.getvalue()
    assert "already existed" in output.getvalue()


def test_if_empty_skips_loading_when_events_exist(loaded, data):
    Event.objects.filter(slug="novaya-gazeta-expose").delete()
    output = StringIO()
    call_command("load_chronology", "--if-empty", stdout=output)
    assert "nothing loaded" in output.getvalue()
    assert not Event.objects.filter(slug="novaya-gazeta-expose").exists()


def test_if_empty_loads_into_an_empty_database(db, data):
    call_command("load_chronology", "--if-empty", stdout=StringIO())
    assert database_counts() == expected_counts(data)


def test_a_bad_data_file_fails_naming_the_item_and_loads_nothing(db, data, tmp_path):
    broken = json.loads(json.dumps(data))
    broken["events"][-1]["start"] = "2017-02-30"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        call_command("load_chronology", str(path), stdout=StringIO())

    assert broken["events"][-1]["slug"] in str(failure.value)
    assert "February 2017 has no day 30" in str(failure.value)
    assert Event.objects.count() == 0 and Actor.objects.count() == 0


def test_a_statement_whose_quote_is_not_in_its_excerpt_is_refused(db, data, tmp_path):
    broken = json.loads(json.dumps(data))
    statement = next(event for event in broken["events"] if event["statements"])["statements"][0]
    statement["quote"] += " (words nobody said)"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError, match="excerpt"):
        call_command("load_chronology", str(path), stdout=StringIO())
    assert Statement.objects.count() == 0


# Integrity of the record


def test_every_published_event_and_statement_is_cited(loaded, data):
    assert not Event.objects.public().uncited().exists()
    assert not Statement.objects.public().uncited().exists()
    published = [event for event in data["events"] if event.get("status", "published") == "published"]
    assert Event.objects.public().count() == len(published) < Event.objects.count()


WITHDRAWN_EVENTS = {
    "anzor-leaves-chechnya-for-moscow",  # consisted of details that identify a survivor
    "kadyrov-says-no-homosexuals-in-chechnya",  # the words were his spokesman's
    "western-governments-urge-investigation",  # separate statements merged; now dated events
    # addresses that named how a survivor was taken, a relative, or where survivors stay: each is
    # replaced by the same corrected event under a neutral address
    "ahmed-describes-checkpoint-detention",
    "escapee-says-police-told-father-to-kill-him",
    "ap-reports-chechen-survivors-in-moscow",
}


def test_withdrawn_items_stay_in_the_file_as_drafts_with_a_public_reason(data):
    drafts = {event["slug"]: event for event in data["events"] if event.get("status") == "draft"}
    assert set(drafts) == WITHDRAWN_EVENTS
    for event in drafts.values():
        assert any(line.startswith("Withdrawn:") for line in event["corrections"]), event["slug"]
    for event in data["events"]:
        for statement in event["statements"]:
            if statement.get("status") == "draft":
                assert statement.get("corrections"), statement["quote"]


def test_every_correction_line_says_what_kind_of_correction_it_is(data):
    items = [*data["actors"], *data["sources"], *data["events"]]
    items += [statement for event in data["events"] for statement in event["statements"]]
    lines = [line for item in items for line in item.get("corrections", [])]
    assert len(lines) > 100
    for line in lines:
        assert re.match(r"^[A-Z][\w ,/-]*(?: [a-z]+)*: \S", line), line


def test_month_only_events_carry_a_best_estimate_when_the_curators_have_one(data):
    for event in data["events"]:
        if "sort_as" in event:
            assert re.fullmatch(r"(c\. )?\d{4}-\d{2}", event["start"]), event["slug"]
            assert event["sort_as"].startswith(event["start"].removeprefix("c. ")), event["slug"]


def test_every_quote_appears_verbatim_in_one_of_its_excerpts(loaded):
    for statement in Statement.objects.prefetch_related("citations"):
        excerpts = [collapse(citation.excerpt) for citation in statement.citations.all()]
        assert any(collapse(statement.quote) in excerpt for excerpt in excerpts), statement.quote


def test_every_event_is_dated_in_2017_or_late_2016(loaded):
    earliest, latest = datetime.date(2016, 9, 1), datetime.date(2017, 12, 31)
    for event in Event.objects.all():
        assert earliest <= event.start.first_day <= latest, event.slug
        if event.end:
            assert event.start.first_day <= event.end.last_day <= latest, event.slug


def test_protected_identities_hold_a_pseudonym_and_nothing_else(loaded):
    protected = Actor.objects.protected()
    assert {"anzor", "ahmed"} <= set(protected.values_list("slug", flat=True))
    for actor in protected:
        assert (actor.aliases, actor.description, actor.url, actor.affiliation_id) == ("", "", "", None)
        # One pseudonym ("Anzor"), or a neutral label that says how they spoke and nothing more.
        assert re.fullmatch(r"\w+", actor.name) or re.fullmatch(
            r"Anonymous survivor \([^)]*\)", actor.name
        ), actor.name


def test_protected_people_say_how_they_are_named(data):
    naming = {actor["slug"]: actor.get("naming") for actor in data["actors"] if actor.get("protected_identity")}
    # The AP printed Anzor's real first name at his request: not a pseudonym.
    assert naming.pop("anzor") == "first_name"
    assert naming.pop("ahmed") == "pseudonym"
    assert set(naming.values()) == {"anonymous"}


# What narrows down who a survivor is: where he was held or hides, how he was taken, how long, when
# he left, who shelters him, his relatives. The sources print all of it; the record must not.
IDENTIFYING = re.compile(
    r"safe house|in hiding|hides|Moscow|10 days|early March|sisters|brothers|mother|father|"
    r"checkpoint|sedative|crowded place|his number was found|to a shed|the shed|with friends",
    re.IGNORECASE,
)


def test_no_public_text_about_a_protected_person_carries_identifying_details(loaded):
    protected = Actor.objects.protected()
    events = Event.objects.public().filter(participations__actor__in=protected).distinct()
    assert events.count() >= 7
    texts = []
    for event in events:
        texts += [(event.slug, event.title), (event.slug, event.summary), (event.slug, event.location)]
        texts += [(event.slug, citation.excerpt) for citation in event.citations.all()]
    for statement in Statement.objects.public().filter(speaker__in=protected):
        texts.append((statement.quote, statement.quote))
        texts += [(statement.quote, citation.excerpt) for citation in statement.citations.all()]
    texts += [(event.slug, event.slug.replace("-", " ")) for event in events]
    found = [(owner, text[:90]) for owner, text in texts if IDENTIFYING.search(text)]
    assert not found, found


def test_no_protected_identity_is_described_by_age_or_hometown_in_summaries(loaded):
    for event in Event.objects.filter(participations__actor__protected_identity=True).distinct():
        assert not re.search(r"\bin his \d0s\b|\bArgun\b", event.summary), event.slug


def test_disputed_events_say_what_is_disputed(loaded):
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


def test_reader_facing_text_never_names_sources_by_internal_seed_file_numbers(loaded):
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
    r"TASS": {
        "tass-2017-04-14-kremlin-investigation",
        "tass-2017-04-17-prosecutors",
        "tass-ru-2017-04-17-prosecutors",
        "tass-2017-04-20-peskov",
        "tass-2017-04-22-kadyrov-no-danger",
    },
    r"Interfax": {
        "interfax-2017-04-03-peskov",
        "interfax-2017-04-03-karimov",
        "interfax-2017-04-19-kadyrov-putin",
        "interfax-ru-2017-04-03-peskov",
        "interfax-2017-04-25-lavrov",
        "rbc-2017-04-01-karimov",
    },
    r"Meduza": {"meduza-2017-04-03-reactions", "meduza-2017-04-14-mosque-resolution", "meduza-2017-04-24-six-prisons"},
    r"Haaretz": {"haaretz-2017-04-05-black-sites"},
    r"Vedomosti": {"vedomosti-2017-04-24-lavrov"},
    r"TV Rain": {"tvrain-2017-04-18-moskalkova", "tvrain-2017-04-20-kadyrov-putin"},
    r"Têtu": {"tetu-2017-04-21-paris-rally"},
    r"Sports Illustrated": {"si-2017-07-16-hbo-kadyrov"},
    r"NBC News": {"nbc-2017-04-13-pleas-for-help"},
    r"UN Human Rights Office": {"ohchr-2017-04-13-un-experts"},
    r"On Top Magazine": {"ontopmag-2017-04-21-clinton", "ontopmag-2017-04-03-chechen-police"},
    r"The Advocate": {"advocate-2017-04-24-lavrov", "advocate-2017-04-20-clinton", "advocate-2017-04-17-haley"},
    r"RFE/RL": {
        "rferl-2017-07-15-kadyrov-hbo",
        "rferl-2017-04-01-karimov",
        "rferl-2017-04-08-us-concern-chechnya",
        "rferl-2017-04-24-mogherini",
        "kremlin-2017-04-19-kadyrov-meeting",
        "newsru-2017-04-08-second-prison",
        "meduza-2017-04-24-six-prisons",
    },
    r"Out": {"out-2017-04-19-cnn-interviews", "out-2017-04-21-milashina"},
    r"The Independent": {"independent-2017-05-02-ap-chechen-gays"},
    r"Eurasia Times": {"eurasiatimes-2017-04-26-kadyrov-ramadan"},
    r"ITV": {"itv-2017-04-18-london-protest"},
    r"PinkNews": {
        "pinknews-2017-04-13-london-protest",
        "pinknews-2017-04-07-anelay",
        "pinknews-2017-04-20-duncan",
        "pinknews-2017-04-21-clinton",
        "pinknews-2017-04-21-ramadan",
    },
    r"Newsweek": {"newsweek-2017-04-25-six-prisons"},
    r"Human Rights Watch|HRW": {"hrw-2017-05-26-they-have-long-arms"},
    r"Hansard": {"hansard-2017-04-20-chechnya", "hansard-lords-2017-04-26-chechnya"},
}


def test_outside_sources_named_in_a_verification_note_are_cited_on_that_event(data):
    sources = {source["slug"] for source in data["sources"]}
    for slugs in OUTSIDE_SOURCE_NAMES.values():
        assert slugs <= sources, slugs - sources
    missing = []
    for event in data["events"]:
        cited = {citation["source"] for citation in event["citations"]}
        for name, slugs in OUTSIDE_SOURCE_NAMES.items():
            if re.search(rf"\b(?:{name})(?![\w/])", event["verification_note"]) and not cited & slugs:
                missing.append(f"{event['slug']}: names {name} but cites none of {sorted(slugs)}")
    assert not missing, "\n".join(missing)


def test_corroborated_events_cite_at_least_two_sources(data):
    # "corroborated" means independent sources agree; one source, however often quoted, is not that.
    for event in data["events"]:
        if event["verification"] == "corroborated":
            assert len({citation["source"] for citation in event["citations"]}) >= 2, event["slug"]


def all_citations_in_file(data):
    """(owner kind, owner label, citation) for every citation in the data file."""
    for event in data["events"]:
        for citation in event["citations"]:
            yield "event", event["slug"], citation
        for statement in event["statements"]:
            for citation in statement["citations"]:
                yield "statement", statement["quote"][:50], citation


def summaries_in_file(data):
    return sum(1 for _, _, citation in all_citations_in_file(data) if citation.get("is_summary"))


def test_citations_of_outside_sources_are_summaries_and_statement_citations_quote(loaded, data):
    # A source with no archived text is an outside reference that is not quoted here: its
    # citations hold the curators' summaries. A statement's citation must always quote.
    outside = {source["slug"] for source in data["sources"] if not source.get("archive_filename")}
    assert outside
    for kind, owner, citation in all_citations_in_file(data):
        if kind == "statement":
            assert not citation.get("is_summary", False), owner
            assert citation["source"] not in outside, owner
        elif citation["source"] in outside:
            assert citation.get("is_summary") is True, (owner, citation["source"])

    assert not Citation.objects.filter(source__archive_filename="", is_summary=False).exists()
    assert not Citation.objects.filter(statement__isnull=False, is_summary=True).exists()
    assert Citation.objects.filter(is_summary=True).count() == summaries_in_file(data) > 0


def test_a_summary_on_a_statement_citation_in_the_file_is_refused(db, data, tmp_path):
    broken = json.loads(json.dumps(data))
    statement = next(event for event in broken["events"] if event["statements"])["statements"][0]
    statement["citations"][0]["is_summary"] = True
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError, match="summar"):
        call_command("load_chronology", str(path), stdout=StringIO())
    assert Citation.objects.count() == 0


def test_is_summary_in_the_file_must_be_true_or_false(db, data, tmp_path):
    broken = json.loads(json.dumps(data))
    broken["events"][0]["citations"][0]["is_summary"] = "yes"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError, match="is_summary must be true or false"):
        call_command("load_chronology", str(path), stdout=StringIO())


def test_sources_are_dated_and_seed_articles_are_archived(loaded):
    archived = SourceArticle.objects.exclude(archive_filename="")
    assert archived.count() == 5
    for source in SourceArticle.objects.all():
        assert source.published_date and source.notes, source.slug
        assert source.url == "" or source.url.startswith(("http://", "https://")), source.slug


# The excerpt check against the archived articles


@needs_seeds
def test_every_excerpt_is_verbatim_in_the_seed_articles(loaded, data):
    output = StringIO()
    call_command("check_excerpts", str(SEEDS_FOLDER), stdout=output, stderr=StringIO())
    summaries = summaries_in_file(data)
    quoted_from_archives = Citation.objects.exclude(source__archive_filename="").filter(
        is_summary=False
    )
    assert f"All {quoted_from_archives.count()} excerpts" in output.getvalue()
    assert f"{summaries} summaries by the curators skipped" in output.getvalue()


@needs_seeds
def test_a_tampered_archive_makes_check_excerpts_fail(loaded, tmp_path):
    for seed in SEEDS_FOLDER.glob("*.txt"):
        shutil.copy(seed, tmp_path / seed.name)
    gcn = next(tmp_path.glob("002_*.txt"))
    # "Correcting" the article's own typo is a change of wording: the check must notice it.
    gcn.write_text(gcn.read_text(encoding="utf-8").replace("releasaed", "released"), encoding="utf-8")
    errors = StringIO()

    with pytest.raises(CommandError):
        call_command("check_excerpts", str(tmp_path), stdout=StringIO(), stderr=errors)

    assert "releasaed" in errors.getvalue() or "One escapee" in errors.getvalue()


@needs_seeds
def test_a_missing_archive_file_makes_check_excerpts_fail(loaded, tmp_path):
    for seed in SEEDS_FOLDER.glob("*.txt"):
        if not seed.name.startswith("004_"):
            shutil.copy(seed, tmp_path / seed.name)
    errors = StringIO()

    with pytest.raises(CommandError):
        call_command("check_excerpts", str(tmp_path), stdout=StringIO(), stderr=errors)

    assert "missing" in errors.getvalue()


@pytest.fixture
def archived_event(db, tmp_path):
    """An event citing a one-file archive in tmp_path: (event, source)."""
    (tmp_path / "article.txt").write_text("The quick brown fox\njumps over the lazy dog.")
    category = Category.objects.create(name="Reporting", slug="reporting")
    source = SourceArticle.objects.create(
        title="An article", slug="an-article", archive_filename="article.txt"
    )
    event = Event.objects.create(
        title="An event", slug="an-event", summary="…", start_date=datetime.date(2017, 4, 1),
        category=category,
    )
    return event, source


def test_a_tampered_excerpt_makes_check_excerpts_fail(archived_event, tmp_path):
    event, source = archived_event
    citation = Citation.objects.create(source=source, event=event, excerpt="brown fox jumps over")
    call_command("check_excerpts", str(tmp_path), stdout=StringIO())

    citation.excerpt = "brown fox leaps over"
    citation.save()
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("check_excerpts", str(tmp_path), stdout=StringIO(), stderr=errors)
    assert f"Citation {citation.pk}" in errors.getvalue() and "an-article" in errors.getvalue()


def test_check_excerpts_skips_summaries(archived_event, tmp_path):
    # A summary is the curators' words, not the source's: it is not looked for in the archive.
    event, source = archived_event
    Citation.objects.create(source=source, event=event, excerpt="brown fox jumps over")
    Citation.objects.create(
        source=source, event=event, excerpt="The article says a fox jumped a dog.", is_summary=True
    )
    output = StringIO()

    call_command("check_excerpts", str(tmp_path), stdout=output, stderr=StringIO())

    assert "All 1 excerpts appear verbatim" in output.getvalue()
    assert "1 summary by the curators skipped" in output.getvalue()
