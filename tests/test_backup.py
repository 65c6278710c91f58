"""Backups: the whole record, with its history, out to JSON and back with nothing lost."""

import datetime
import io
import stat

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from reversion.models import Revision, Version

from events.management.commands.generate_synthetic import clear_record
from events.models import Actor, Citation, Event, Review, Statement

from .factories import (
    ActorFactory,
    EventActorFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
)
from .helpers import change_form

pytestmark = pytest.mark.django_db


def empty_the_database():
    Review.objects.all().delete()  # they point at users, who are deleted below
    Version.objects.all().delete()
    Revision.objects.all().delete()
    clear_record()
    User.objects.all().delete()
    Group.objects.all().delete()


@pytest.fixture
def extra_event(curator_client, curator, editor):
    """The bundled chronology plus a few items, with a history that holds an admin correction.
    Returns one of the items added."""
    organisation = ActorFactory(name="Russian LGBT Network", kind=Actor.Kind.ORGANISATION)
    member = ActorFactory(name="Svetlana Zakharova", affiliation=organisation)
    event = PublishedEventFactory(title="Exposé “Honour killing”", summary="Über 100 men.")
    EventActorFactory(event=event, actor=member, role="reported")
    PublishedStatementFactory(event=event, speaker=member, quote="There is still no reaction.")
    Actor.objects.create(name="Anzor", slug="anzor", protected_identity=True,
                                 naming="first_name", naming_note="as the AP printed it")
    call_command("load_chronology", verbosity=0)  # real data, and a first revision
    # An edit through the admin, so the history has a curator's revision in it.
    edited = Event.objects.get(slug="novaya-gazeta-expose")
    data = change_form(curator_client, edited)
    data["location"] = "Moscow (the newspaper's office)"
    saved = curator_client.post(reverse("admin:events_event_change", args=[edited.pk]), data)
    assert saved.status_code == 302
    # A published event's change waits for review (events/review.py); the editor's approval
    # writes the revision.
    from events import review

    review.approve(review.pending_review(edited), editor, comment="Checked.")
    assert Revision.objects.filter(user__username="editor").exists()
    return event


def test_backup_then_restore_round_trips_byte_for_byte(extra_event, tmp_path):
    # A time whose microseconds fall below a millisecond: Django's own JSON cut it to
    # "…12.000", restored it as …12 and wrote "…12" the second time (it failed now and then).
    Event.objects.filter(pk=extra_event.pk).update(
        updated_at=datetime.datetime(2017, 4, 1, 9, 36, 12, 123, tzinfo=datetime.UTC)
    )
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("backup_record", str(first))
    counts = {model: model.objects.count() for model in (Event, Statement, Citation, Actor,
                                                         Version, User)}
    assert counts[Version] > 0 and counts[User] == 2  # the curator and the editor

    empty_the_database()
    assert not Event.objects.exists()
    call_command("restore_record", str(first))
    call_command("backup_record", str(second))

    assert first.read_bytes() == second.read_bytes()
    assert {model: model.objects.count() for model in counts} == counts
    # Sequences were reset: new rows do not collide with restored ones.
    PublishedEventFactory(title="Added after the restore")


def test_restore_refuses_a_database_that_is_not_empty(extra_event, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("backup_record", str(backup))
    before = Event.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_record", str(backup))
    assert Event.objects.count() == before


def test_backup_keeps_non_ascii_and_protected_identities_as_they_are(extra_event, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("backup_record", str(backup))
    text = backup.read_text(encoding="utf-8")
    assert "Exposé “Honour killing”" in text or "Expos\\u00e9" in text
    empty_the_database()
    call_command("restore_record", str(backup))
    assert Event.objects.filter(title="Exposé “Honour killing”", summary="Über 100 men.").exists()
    anzor = Actor.objects.get(slug="anzor")
    assert (anzor.protected_identity, anzor.description, anzor.aliases) == (True, "", "")


@pytest.mark.parametrize("name", ["backup.bak", "backup", "nightly.json.gz-not-really", "-"])
def test_whatever_backup_writes_restore_reads(record, tmp_path, name, capsys):
    if name == "-":
        call_command("backup_record", "-")
        backup = tmp_path / "from-stdout"
        backup.write_text(capsys.readouterr().out, encoding="utf-8")
    else:
        backup = tmp_path / name
        call_command("backup_record", str(backup))
    events = Event.objects.count()
    empty_the_database()
    call_command("restore_record", str(backup))
    assert Event.objects.count() == events


def test_restore_reads_standard_input(record, tmp_path, monkeypatch):
    backup = tmp_path / "backup.json"
    call_command("backup_record", str(backup))
    events = Event.objects.count()
    empty_the_database()
    monkeypatch.setattr("sys.stdin", io.StringIO(backup.read_text(encoding="utf-8")))
    call_command("restore_record", "-")
    assert Event.objects.count() == events


@pytest.mark.parametrize(("damage", "message"), [
    (lambda data: data[: len(data) // 2], "is cut short"),
    (lambda data: b"\xff\xfe\x00garbage" + data[10:], "is not a backup_record file"),
    (lambda data: b"", "is cut short"),
    (lambda data: b'{"not": "a backup"}', "is not a backup_record file"),
    (lambda data: data.replace(b'"events.event"', b'"events.nothing"', 1),
     "is not a backup_record file"),
])
def test_a_damaged_backup_gets_one_clear_sentence_and_nothing_is_written(
    record, tmp_path, damage, message
):
    backup = tmp_path / "backup.json"
    call_command("backup_record", str(backup))
    backup.write_bytes(damage(backup.read_bytes()))
    empty_the_database()
    with pytest.raises(CommandError, match=message) as refused:
        call_command("restore_record", str(backup))
    assert str(backup) in str(refused.value) and "tmp" not in str(refused.value).replace(
        str(tmp_path), "")
    assert "\n" not in str(refused.value).strip()
    assert not Event.objects.exists() and not Version.objects.exists()


def test_backup_files_are_readable_by_their_owner_only(record, tmp_path):
    backup = tmp_path / "backup.json"
    backup.write_text("an older file, created world-readable")
    backup.chmod(0o644)
    call_command("backup_record", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.json"
    call_command("backup_record", str(fresh))
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
