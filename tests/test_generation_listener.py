"""The record's generation pushed to each process by PostgreSQL (events/listener.py): a cache
hit takes it without a query while the listener is to be trusted, and reads the database the
moment it is not (dropped, silent, never told of changes)."""

import importlib
import time

import psycopg
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from events import listener as listening
from events.caching import _fast_generation
from events.listener import GenerationListener, connect_like
from events.models import RecordState

pytestmark = [pytest.mark.django_db(transaction=True)]

trigger_migration = importlib.import_module("events.migrations.0026_generation_notify_trigger")

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's (needs DATABASE_URL)"
)


def generation():
    return RecordState.objects.generation()


def bump():
    """A curator's change, committed (this test is not inside a transaction)."""
    RecordState.objects.bump()
    return generation()


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    return condition()


@pytest.fixture
def started():
    listeners = []

    def start(**options):
        listener = GenerationListener(connect_like(), **options).start()
        listeners.append(listener)
        return listener

    yield start
    for listener in listeners:
        listener.stop()


@needs_postgresql
def test_the_trigger_announces_a_change_when_it_commits():
    with connect_like()() as other:
        other.execute(f"LISTEN {listening.CHANNEL}")
        bump()
        notices = list(other.notifies(timeout=5, stop_after=1))
    # One per transaction (two if the row had to be created again after a flush).
    assert notices and {notice.channel for notice in notices} == {listening.CHANNEL}


@needs_postgresql
def test_a_change_reaches_the_listener_by_its_notification(started):
    RecordState.objects.bump()
    # No heartbeat read within the test: only the notification can tell it.
    listener = started(heartbeat=60, stale_after=120)
    assert wait_for(listener.current) == generation()
    changed = bump()
    assert wait_for(lambda: listener.current() == changed), (listener.current(), changed)


@needs_postgresql
def test_a_hit_takes_the_listened_generation_without_a_query():
    RecordState.objects.bump()
    listener = listening.process_listener()
    current = generation()
    assert wait_for(listener.current) == current
    with CaptureQueriesContext(connection) as queries:
        assert _fast_generation({}) == current
    assert len(queries) == 0


@needs_postgresql
def test_a_dropped_listener_is_not_trusted_then_comes_back():
    RecordState.objects.bump()
    listener = listening.process_listener()
    assert wait_for(listener.current) is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name LIKE %s AND datname = current_database()",
            [f"{listening.APPLICATION_NAME} %"],
        )
        assert cursor.fetchall() == [(True,)]
    assert wait_for(lambda: listener.current() is None, seconds=2)
    changed = bump()  # while it is down: no notification reaches it
    with CaptureQueriesContext(connection) as queries:
        assert _fast_generation({}) == changed
    assert len(queries) == 1  # read from the database instead
    assert wait_for(lambda: listener.current() == changed), "it did not reconnect"


@needs_postgresql
def test_a_save_returns_once_every_listener_has_heard_it(started):
    """"At once": a request that starts after a save gets the new pages, on every server."""
    RecordState.objects.bump()
    listeners = [started(heartbeat=60, stale_after=120) for _ in range(3)]
    assert all(wait_for(listener.current) for listener in listeners)
    for _ in range(20):
        RecordState.objects.bump()
        heard = [listener.current() for listener in listeners]  # no wait, no read first
        assert heard == [generation()] * 3


@needs_postgresql
def test_a_silent_listener_holds_a_save_back_only_until_it_is_no_longer_trusted(caplog):
    RecordState.objects.bump()
    with connect_like()() as silent:  # connected, never hears anything
        started_at = time.monotonic()
        RecordState.objects.bump()
        held = time.monotonic() - started_at
        assert listening.STALE_SECONDS <= held < listening.STALE_SECONDS + 1
        assert "did not hear a change" in caplog.text
        silent.execute("SELECT set_config('application_name', %s, false)",
                       [listening.stated_name(generation() + 1)])  # ahead: not waited for
        started_at = time.monotonic()
        RecordState.objects.bump()
        assert time.monotonic() - started_at < listening.STALE_SECONDS


@needs_postgresql
def test_a_silent_listener_is_trusted_only_until_it_is_stale(started):
    now = [1000.0]
    listener = started(heartbeat=60, stale_after=1.0, clock=lambda: now[0])
    assert wait_for(listener.current) == generation()
    now[0] += 0.9
    assert listener.current() == generation()
    now[0] += 0.1  # a second since its last read, and no word from it
    assert listener.current() is None


@needs_postgresql
def test_without_the_trigger_the_listener_is_never_trusted(started):
    with connection.cursor() as cursor:
        cursor.execute(trigger_migration.DROP)
    try:
        listener = started()
        time.sleep(1)
        assert listener.current() is None
    finally:
        with connection.cursor() as cursor:
            cursor.execute(trigger_migration.CREATE)


def test_a_hit_reads_the_database_where_listening_is_off():
    RecordState.objects.bump()
    with override_settings(PAGE_CACHE_LISTEN=False):
        listening.stop_process_listener()
        assert listening.process_listener() is None
        current = generation()
        with CaptureQueriesContext(connection) as queries:
            assert _fast_generation({}) == current
        assert len(queries) == 1


def test_no_listener_on_sqlite():
    if connection.vendor == "sqlite":
        assert listening.process_listener() is None
    else:
        assert isinstance(listening.process_listener(), GenerationListener)


def test_a_listener_connects_as_django_does():
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's (needs DATABASE_URL)")
    shown = "SELECT current_database(), current_setting('statement_timeout'), current_setting('jit')"
    with connect_like()() as listening_connection:
        assert isinstance(listening_connection, psycopg.Connection)
        assert listening_connection.autocommit
        listened = listening_connection.execute(shown).fetchone()
    with connection.cursor() as cursor:
        cursor.execute(shown)
        assert listened == cursor.fetchone()
    assert listened[2] == "off"
