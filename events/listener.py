"""The record's generation, pushed to each server process by PostgreSQL (LISTEN/NOTIFY).

A cached page is keyed on the record's generation (events/caching.py), so every hit needs the
current one. Reading it from the database on every hit costs a round trip to PostgreSQL, about
as much as the rest of the hit. Instead each server process keeps one more connection, which
LISTENs on a channel that a trigger on RecordState's table notifies whenever the row changes
(migration 0026): in the transaction that changes the record, so PostgreSQL delivers the
notification when that transaction commits, to every listening process on every server.

On each notification, and every HEARTBEAT_SECONDS without one, the listener reads the
generation on its connection. A reader's hit takes the listener's generation only while its
last read is younger than STALE_SECONDS; otherwise (not connected yet, the connection lost or
silently stalled, the trigger missing, a failover under way) the hit reads the generation from
the database as before. So a curator's save reaches every reader as soon as PostgreSQL delivers
the notification (about a millisecond), and at worst within STALE_SECONDS if the connection
silently stops answering; a listener that errors is not trusted at all until it has reconnected
and read the generation again.

Only the fast path of cache hits (caching.CachedPageApplication) uses it; a page being rendered
reads the generation with the data, from the database. Off on SQLite (the read is in-process
there) and with DJANGO_PAGE_CACHE_LISTEN=0 (for a connection pooler in transaction mode, which
cannot hold a LISTEN).
"""

import logging
import math
import os
import threading
import time

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

CHANNEL = "events_record_generation"
TRIGGER = "events_record_generation_notify"
APPLICATION_NAME = "timeline generation listener"
HEARTBEAT_SECONDS = 0.25
STALE_SECONDS = 1.0
RETRY_SECONDS = 1.0


class GenerationListener:
    """One LISTENing connection and the generation it last read (see the module's docstring)."""

    def __init__(self, connect, *, heartbeat=HEARTBEAT_SECONDS, stale_after=STALE_SECONDS,
                 retry=RETRY_SECONDS, clock=time.monotonic):
        self._connect = connect  # () -> a psycopg connection in autocommit mode
        self.heartbeat, self.stale_after, self.retry = heartbeat, stale_after, retry
        self._clock = clock
        # (generation, when the read that gave it was sent): replaced whole, never mutated, so
        # a reader's thread needs no lock to read it.
        self._state = (None, -math.inf)
        self._stopping = threading.Event()
        self._thread = None

    def current(self):
        """The generation, if the listener read it less than `stale_after` seconds ago; None if
        it is not to be trusted now (the caller then reads the database)."""
        generation, read_at = self._state
        if generation is None or self._clock() - read_at >= self.stale_after:
            return None
        return generation

    def start(self):
        self._thread = threading.Thread(target=self._run, name=APPLICATION_NAME, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout=5):
        self._stopping.set()  # seen within a heartbeat
        self._state = (None, -math.inf)
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self):
        failures = 0
        while not self._stopping.is_set():
            try:
                with self._connect() as connection:
                    failures = 0
                    self._listen(connection)
            except Exception as error:  # noqa: BLE001 - logged, and the hits read the database
                if not self._stopping.is_set():
                    failures += 1
                    if failures == 1:  # once per outage, not once per retry
                        logger.warning(
                            "The generation listener lost its connection (%s); cache hits read "
                            "the generation from the database until it is back.", error
                        )
            finally:
                self._state = (None, -math.inf)
            self._stopping.wait(self.retry)

    def _listen(self, connection):
        connection.execute(f"LISTEN {CHANNEL}")
        if not _trigger_installed(connection):
            # Without the trigger no change would be announced: never trusted (migrate).
            logger.warning("The generation trigger is missing (run migrate); cache hits read "
                           "the generation from the database.")
            self._stopping.wait(max(self.retry, 30))
            return
        self._read(connection)  # after LISTEN: a change from now on is announced
        while not self._stopping.is_set():
            for _notification in connection.notifies(timeout=self.heartbeat, stop_after=1):
                pass
            self._read(connection)

    def _read(self, connection):
        sent_at = self._clock()
        from .models import RecordState

        table = RecordState._meta.db_table
        row = connection.execute(
            f'SELECT generation FROM "{table}" WHERE id = %s', [RecordState.SINGLETON]
        ).fetchone()
        if not self._stopping.is_set():
            self._state = (row[0] if row else 0, sent_at)


def _trigger_installed(connection):
    from .models import RecordState

    return connection.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass)",
        [TRIGGER, RecordState._meta.db_table],
    ).fetchone()[0]


def connect_like(alias=DEFAULT_DB_ALIAS):
    """A function opening a connection to the database `alias` names, as Django would (same
    server, credentials, timeouts and options), in autocommit mode and named in
    pg_stat_activity."""
    params = connections[alias].get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    params["application_name"] = APPLICATION_NAME

    def connect():
        return psycopg.connect(autocommit=True, **params)

    return connect


# --- the process's listener -----------------------------------------------------------------

_process = {"pid": None, "listener": None}
_process_lock = threading.Lock()


def enabled():
    return settings.PAGE_CACHE_LISTEN and connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def process_listener():
    """This process's listener, started on first use (so in each gunicorn worker after the
    fork, never in the master); None where listening is off."""
    pid = os.getpid()
    listener = _process["listener"]
    if _process["pid"] == pid:
        return listener
    with _process_lock:
        if _process["pid"] != pid:  # a fork inherits the dict, not the thread
            _process["listener"] = (
                GenerationListener(connect_like()).start() if enabled() else None
            )
            _process["pid"] = pid
        return _process["listener"]


def stop_process_listener():
    """Stop this process's listener (tests: before their database is dropped)."""
    with _process_lock:
        listener, pid = _process["listener"], _process["pid"]
        _process["listener"] = _process["pid"] = None
    if listener is not None and pid == os.getpid():
        listener.stop()
