"""load_chronology --upgrade: a database loaded from the previous bundled file
(tests/data/chronology_2026-11.json) becomes the current record, with a public reason per
corrected event, never overwriting a curator's edit; on whichever database runs."""

import copy
import importlib
import json
from io import StringIO

import pytest
import reversion
from django.core.management import call_command
from django.core.management.base import CommandError

from events.chronology import (
    DEFAULT_PATH,
    GENERIC_REASON,
    is_as_loaded,
    load_chronology,
    upgrade_chronology,
)
from events.history import public_change_log
from events.models import Actor, Event, SourceArticle, Statement, Status

from .helpers import DATA_FOLDER

pytestmark = pytest.mark.django_db

PREVIOUS = DATA_FOLDER / "chronology_2026-11.json"


def as_migrated(data):
    """The previous file as a site that loaded it holds it after this release's migrations:
    the fields those migrations fill for the bundled rows (a source's type, a protected
    person's kind of name), from the migrations' own tables."""
    types = importlib.import_module("events.migrations.0008_record_source_type").BUNDLED_TYPES
    naming = importlib.import_module("events.migrations.0009_record_actor_naming")
    data = copy.deepcopy(data)
    for source in data["sources"]:
        source["source_type"] = types[source["slug"]]
    for actor in data["actors"]:
        if actor.get("protected_identity"):
            anonymous = actor["name"].startswith("Anonymous")
            actor["naming"] = naming.BUNDLED_NAMING.get(
                actor["slug"], "anonymous" if anonymous else "pseudonym"
            )
            if actor["slug"] == "anzor":
                actor["naming_note"] = "as the AP printed it"
    return data


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def previous(tmp_path):
    """The database of a site that loaded the previous bundled file; returns its data."""
    data = as_migrated(json.loads(PREVIOUS.read_text(encoding="utf-8")))
    load_chronology(write(tmp_path, "chronology.json", data))
    return data


def event_item(data, slug):
    return next(item for item in data["events"] if item["slug"] == slug)


def test_a_freshly_loaded_record_is_as_loaded(previous):
    event = Event.objects.get(slug="novaya-gazeta-expose")
    assert is_as_loaded(event)
    event.summary = "A curator's edit, saved without the admin."
    event.save()
    assert not is_as_loaded(event)


def test_upgrading_to_the_current_file_keeps_a_curators_edit(previous):
    curated = Event.objects.get(slug="novaya-gazeta-expose")
    with reversion.create_revision():  # as the admin saves
        curated.summary = "A curator's corrected summary."
        curated.save()

    report = upgrade_chronology(DEFAULT_PATH)

    current = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert Event.objects.get(slug="novaya-gazeta-expose").summary == (
        "A curator's corrected summary."
    )
    # Every other bundled item now holds the current file's values.
    for item in current["sources"]:
        source = SourceArticle.objects.get(slug=item["slug"])
        assert source.publisher.slug == item["publisher"], item["slug"]
        assert source.source_type == item["source_type"]
    ahmed = Actor.objects.get(slug="ahmed")
    assert (ahmed.naming, ahmed.naming_note) == ("pseudonym", "the name GCN gave him")
    assert set(Event.objects.values_list("slug", flat=True)) >= {
        item["slug"] for item in current["events"]
    }
    changed = {label for label, _ in report.for_review}
    if event_item(current, "novaya-gazeta-expose") != event_item(previous, "novaya-gazeta-expose"):
        assert "Event 'novaya-gazeta-expose'" in changed
    # A second run finds nothing left to do but the same edit to review.
    again = upgrade_chronology(DEFAULT_PATH)
    assert again.updated == [] and again.created == [] and again.withdrawn == []
    assert again.for_review == report.for_review


@pytest.fixture
def corrected(previous, tmp_path):
    """A newer file correcting the previous one: a date with its reason, a speaker with none,
    a redacted excerpt, and an event withdrawn."""
    data = copy.deepcopy(previous)
    lokshina = event_item(data, "lokshina-calls-purge-unprecedented")
    lokshina["start"] = "2017-05-02"
    lokshina["corrections"] = ["Date corrected: the AP story was published on 2 May 2017."]
    karimov = event_item(data, "karimov-denies-to-interfax")
    karimov["statements"][0]["speaker"] = "dmitry-peskov"
    first_citation = karimov["citations"][0]
    first_citation["excerpt"] = first_citation["excerpt"][:40] + " […]"
    data["events"] = [item for item in data["events"] if item["slug"] != "paris-protest-place-de-la-republique"]
    return write(tmp_path, "corrected.json", data), previous


def test_an_upgrade_corrects_untouched_items_with_a_public_reason(corrected, client):
    path, previous = corrected
    karimov_statement = Statement.objects.get(
        event__slug="karimov-denies-to-interfax",
        quote=event_item(previous, "karimov-denies-to-interfax")["statements"][0]["quote"],
    )

    output = StringIO()
    call_command("load_chronology", str(path), "--upgrade", stdout=output)

    lokshina = Event.objects.get(slug="lokshina-calls-purge-unprecedented")
    assert lokshina.start.iso() == "2017-05-02"
    log = public_change_log(lokshina)
    assert log[0][1] == ["date"]
    assert log[0][2] == ["Date corrected: the AP story was published on 2 May 2017."]
    page = client.get(lokshina.get_absolute_url()).content.decode()
    assert "Date corrected: the AP story was published on 2 May 2017." in page
    # The speaker corrected in place: the same statement (its address stays), another speaker.
    karimov_statement.refresh_from_db()
    assert karimov_statement.speaker.slug == "dmitry-peskov"
    karimov = Event.objects.get(slug="karimov-denies-to-interfax")
    assert public_change_log(karimov)[0][2] == [GENERIC_REASON]
    assert karimov.citations.filter(excerpt__endswith=" […]").count() == 1
    # Withdrawn: unpublished, not deleted.
    assert Event.objects.get(slug="paris-protest-place-de-la-republique").status == Status.DRAFT
    assert "Withdrawn (unpublished): Event 'paris-protest-place-de-la-republique'" in (
        output.getvalue()
    )
    assert "2 corrected, 0 added, 1 withdrawn, 0 for review" in output.getvalue()


def test_an_upgrade_lists_a_curators_edit_for_review_and_fails(corrected):
    path, _ = corrected
    lokshina = Event.objects.get(slug="lokshina-calls-purge-unprecedented")
    statement = lokshina.statements.first()
    with reversion.create_revision():
        statement.venue = "A curator's better venue"
        statement.save()

    output = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("load_chronology", str(path), "--upgrade", stdout=output)

    assert error.value.returncode == 2
    assert "for review" in str(error.value)
    assert "For review: Event 'lokshina-calls-purge-unprecedented' was edited by a curator" in (
        output.getvalue()
    )
    lokshina.refresh_from_db()
    assert lokshina.start.iso() == "2017-04"  # left as the curator's record has it
    statement.refresh_from_db()
    assert statement.venue == "A curator's better venue"


def test_if_empty_is_unchanged_by_the_upgrade_mode(previous):
    output = StringIO()
    call_command("load_chronology", "--if-empty", stdout=output)
    assert "nothing loaded (--if-empty)" in output.getvalue()


def test_a_reason_that_is_not_a_line_of_text_stops_the_upgrade(previous, tmp_path):
    data = copy.deepcopy(previous)
    item = event_item(data, "lokshina-calls-purge-unprecedented")
    item["start"] = "2017-05-02"
    item["corrections"] = "Date corrected."  # a string, not a list

    with pytest.raises(CommandError, match="corrections must be a list of reasons"):
        call_command("load_chronology", str(write(tmp_path, "bad.json", data)), "--upgrade",
                     stdout=StringIO())
    assert Event.objects.get(slug="lokshina-calls-purge-unprecedented").start.iso() == "2017-04"
