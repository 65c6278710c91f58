"""The chronology's loader and the excerpt check (the bundled data itself: test_bundled_data.py).

The expected numbers come from the data file itself, so adding an event to the file does not
break these tests.
"""

import datetime
import json
import shutil
from io import StringIO

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
)

from .helpers import SEEDS_FOLDER, needs_seeds


@pytest.fixture
def loaded(db):
    call_command("load_chronology", stdout=StringIO())


def expected_counts(chronology_data):
    events = chronology_data["events"]
    statements = [statement for event in events for statement in event["statements"]]
    return {
        Category: len(chronology_data["categories"]),
        Actor: len(chronology_data["actors"]),
        SourceArticle: len(chronology_data["sources"]),
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


def test_loading_into_an_empty_database_gives_the_dataset(loaded, chronology_data):
    assert database_counts() == expected_counts(chronology_data)


def test_loading_again_changes_nothing_and_keeps_curators_edits(loaded, chronology_data):
    expose = Event.objects.get(slug="novaya-gazeta-expose")
    expose.summary = "A curator's corrected summary."
    expose.save()
    kadyrov = Actor.objects.get(slug="ramzan-kadyrov")
    kadyrov.description = "A curator's description."
    kadyrov.save()
    before = database_counts()

    counts = load_chronology(DEFAULT_PATH)

    assert database_counts() == before == expected_counts(chronology_data)
    assert all(count["created"] == 0 for count in counts.values())
    assert Event.objects.get(slug="novaya-gazeta-expose").summary == "A curator's corrected summary."
    assert Actor.objects.get(slug="ramzan-kadyrov").description == "A curator's description."


def test_a_deleted_citation_in_the_file_is_created_again_without_duplicates(loaded, chronology_data):
    citation = Citation.objects.filter(event__slug="novaya-gazeta-expose").first()
    citation.delete()

    counts = load_chronology(DEFAULT_PATH)

    assert counts["citations"]["created"] == 1
    assert database_counts() == expected_counts(chronology_data)


def test_the_command_reports_what_it_created_and_what_existed(loaded):
    output = StringIO()
    call_command("load_chronology", stdout=output)
    assert "Events: 0 created" in output.getvalue()
    assert "already existed" in output.getvalue()


def test_if_empty_skips_loading_when_events_exist(loaded, chronology_data):
    Event.objects.filter(slug="novaya-gazeta-expose").delete()
    output = StringIO()
    call_command("load_chronology", "--if-empty", stdout=output)
    assert "nothing loaded" in output.getvalue()
    assert not Event.objects.filter(slug="novaya-gazeta-expose").exists()


def test_if_empty_loads_into_an_empty_database(db, chronology_data):
    call_command("load_chronology", "--if-empty", stdout=StringIO())
    assert database_counts() == expected_counts(chronology_data)


def test_a_bad_data_file_fails_naming_the_item_and_loads_nothing(db, chronology_data, tmp_path):
    broken = json.loads(json.dumps(chronology_data))
    broken["events"][-1]["start"] = "2017-02-30"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        call_command("load_chronology", str(path), stdout=StringIO())

    assert broken["events"][-1]["slug"] in str(failure.value)
    assert "February 2017 has no day 30" in str(failure.value)
    assert Event.objects.count() == 0 and Actor.objects.count() == 0


def test_a_statement_whose_quote_is_not_in_its_excerpt_is_refused(db, chronology_data, tmp_path):
    broken = json.loads(json.dumps(chronology_data))
    statement = next(event for event in broken["events"] if event["statements"])["statements"][0]
    statement["quote"] += " (words nobody said)"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError, match="excerpt"):
        call_command("load_chronology", str(path), stdout=StringIO())
    assert Statement.objects.count() == 0


@pytest.mark.parametrize("part", ["event", "statement"])
def test_a_published_item_without_a_citation_in_the_file_is_refused(
    db, chronology_data, tmp_path, part
):
    broken = json.loads(json.dumps(chronology_data))
    event = next(event for event in broken["events"]
                 if event["statements"] and event.get("status", "published") == "published")
    item = event if part == "event" else event["statements"][0]
    item["status"] = "published"
    item["citations"] = []
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError, match=f"A published {part} needs at least one citation"):
        call_command("load_chronology", str(path), stdout=StringIO())
    assert Event.objects.count() == 0


# Integrity of the record


def test_a_summary_on_a_statement_citation_in_the_file_is_refused(db, chronology_data, tmp_path):
    broken = json.loads(json.dumps(chronology_data))
    statement = next(event for event in broken["events"] if event["statements"])["statements"][0]
    statement["citations"][0]["is_summary"] = True
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError, match="summar"):
        call_command("load_chronology", str(path), stdout=StringIO())
    assert Citation.objects.count() == 0


def test_is_summary_in_the_file_must_be_true_or_false(db, chronology_data, tmp_path):
    broken = json.loads(json.dumps(chronology_data))
    broken["events"][0]["citations"][0]["is_summary"] = "yes"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(CommandError, match="is_summary must be true or false"):
        call_command("load_chronology", str(path), stdout=StringIO())


@needs_seeds
def test_a_tampered_archive_makes_check_excerpts_fail(loaded, tmp_path):
    for seed in SEEDS_FOLDER.glob("*.txt"):
        shutil.copy(seed, tmp_path / seed.name)
    gcn = next(tmp_path.glob("002_*.txt"))
    # "Correcting" the article's own typo is a change of wording: the check must notice it.
    gcn.write_text(gcn.read_text(encoding="utf-8").replace("publicaly", "publicly"), encoding="utf-8")
    errors = StringIO()

    with pytest.raises(CommandError):
        call_command("check_excerpts", str(tmp_path), stdout=StringIO(), stderr=errors)

    assert "Just days after Chechen leader" in errors.getvalue()


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


@pytest.mark.parametrize(
    ("excerpt", "verbatim"),
    [
        ("The quick […] fox jumps over", True),
        ("The quick [...] fox jumps over", True),  # as typed on a keyboard
        ("[…] brown fox […] lazy dog.", True),
        ("lazy dog. […] The quick", False),  # both parts are there, but not in this order
        ("The quick […] fox leaps over", False),  # a visible part reworded
        ("The quick (…) fox jumps over", False),  # only the square-bracketed marker elides
    ],
)
def test_check_excerpts_allows_marked_elisions_only(archived_event, tmp_path, excerpt, verbatim):
    event, source = archived_event
    Citation.objects.create(source=source, event=event, excerpt=excerpt)
    if verbatim:
        call_command("check_excerpts", str(tmp_path), stdout=StringIO())
    else:
        with pytest.raises(CommandError):
            call_command("check_excerpts", str(tmp_path), stdout=StringIO(), stderr=StringIO())
