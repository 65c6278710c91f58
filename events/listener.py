"""The record's generation, pushed to each server process by PostgreSQL (LISTEN/NOTIFY).

A cached page is keyed on the record's generation (events/caching.py), so every hit needs the
current one. Reading it from the database on every hit costs a round trip to PostgreSQL, about
as much as the rest of the hit. Instead each server process keeps one more connection, which
LISTENs on a channel that a trigger on RecordState's table notifies whenever the row changes
(migration 0026): in the transaction that changes the record, so PostgreSQL delivers the
notification when that transaction commits, to every listening process on every server.

On each notification, and every HEARTBEAT_SECONDS without one, the listener reads the
generation on its connection, then states what it heard in its connection's
application_name ("timeline generation listener <generation>", visible in pg_stat_activity).
A reader's hit takes the listener's generation only while its last read is younger than
STALE_SECONDS; otherwise (not connected yet, the connection lost or silently stalled, the
trigger missing, a failover under way) the hit reads the generation from the database.

"A curator's save is visible to every reader at once" holds as before: when a change to the
record commits, the writer waits (wait_until_heard, from RecordState's bump) until every
listener of the database states the new generation or a later one, which takes about a
millisecond, or until any that does not can no longer be trusted (STALE_SECONDS at most, for
a listener that has gone silent). Only then does the save return, so any request that starts
after it gets the new pages, on every server.

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
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

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
        self._stated = None  # the generation its connection's application_name states

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
                    self._stated = None
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
        from .models import generation_sql

        row = connection.execute(generation_sql(connections[DEFAULT_DB_ALIAS])).fetchone()
        generation = row[0] if row else 0
        if self._stopping.is_set():
            return
        self._state = (generation, sent_at)
        if generation != self._stated:  # only after it is the one hits take (wait_until_heard)
            connection.execute("SELECT set_config('application_name', %s, false)",
                               [stated_name(generation)])
            self._stated = generation


def _trigger_installed(connection):
    from .models import RecordState

    return connection.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass)",
        [TRIGGER, RecordState._meta.db_table],
    ).fetchone()[0]


def stated_name(generation):
    return f"{APPLICATION_NAME} {generation}"


# Listeners of this database whose application_name states a generation older than the one
# given (0 when just connected).
BEHIND_SQL = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database()
  AND CASE WHEN application_name ~ %s THEN substr(application_name, %s)::bigint < %s
           ELSE false END
"""


def wait_until_heard():
    """Wait until every generation listener of the database has heard its current generation
    (and made it the one its hits take), or for STALE_SECONDS and a little: by then a listener
    that has not heard it is no longer trusted. Called when a change to the record commits;
    returns how many were still behind (0 normally)."""
    deadline = time.monotonic() + STALE_SECONDS + 0.05
    pause = 0.0005
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        from .models import read_generation

        generation = read_generation(database)
        while True:
            cursor.execute(BEHIND_SQL, [f"^{APPLICATION_NAME} [0-9]{{1,18}}$",
                                        len(APPLICATION_NAME) + 2, generation])
            (behind,) = cursor.fetchone()
            if not behind or time.monotonic() >= deadline:
                return behind
            time.sleep(pause)
            pause = min(pause * 2, 0.02)


def wait_after_commit():
    """Have the transaction that changes the record, once committed, wait_until_heard (on
    PostgreSQL, where the listeners are): the change's save returns when every reader's next
    hit gets it. Once per transaction; a failure is logged, never raised (the change is made)."""
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql" or not settings.PAGE_CACHE_LISTEN:
        return
    if any(entry[1] is _heard_after_commit for entry in database.run_on_commit):
        return
    transaction.on_commit(_heard_after_commit, using=DEFAULT_DB_ALIAS, robust=True)


def _heard_after_commit():
    try:
        behind = wait_until_heard()
    except DatabaseError as error:
        logger.warning("Could not confirm that every generation listener heard a change: %s",
                       error)
        return
    if behind:
        logger.warning("%s generation listener(s) did not hear a change within %s s; they are "
                       "no longer trusted, and their hits read the database.", behind,
                       STALE_SECONDS)


def connect_like(alias=DEFAULT_DB_ALIAS):
    """A function opening a connection to the database `alias` names, as Django would (same
    server, credentials, timeouts and options), in autocommit mode and named in
    pg_stat_activity."""
    params = connections[alias].get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    params["application_name"] = stated_name(0)  # nothing heard yet

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
