"""Reading from a PostgreSQL streaming replica, safely (DATABASE_REPLICA_URL).

Readers' requests (GET and HEAD outside the admin) read from the replica; everything else
reads and writes on the primary: writes, every read inside a transaction, the admin,
management commands, and any code outside a request. A reader never sees a page older than
REPLICA_MAX_LAG_SECONDS: the replica's lag is measured (at most once every
REPLICA_CHECK_SECONDS per process) and a replica that lags more, or cannot be reached, is
left alone until it is checked again, reads going to the primary meanwhile.

Read your own writes: a request that changes anything (a curator's save) leaves a signed
cookie that sends that browser's reads to the primary for REPLICA_PIN_SECONDS, so a curator
sees their change at once, on the public pages too, whichever app server answers. (A
response that sets a cookie is never stored by the page cache, and the pinned request reads
the record's generation from the primary, so it never gets a cached page older than its
write.)

Enabled by the router `events.replica.ReplicaRouter` and the middleware
`events.replica.ReplicaMiddleware` (timeline/settings.py adds both when
DATABASE_REPLICA_URL is set); docs/deployment.md describes the setup.
"""

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "read_primary"
PIN_SALT = "events.replica.pin"

# Set by the middleware for the duration of a request.
_replica_allowed = contextvars.ContextVar("replica_allowed", default=False)
_wrote = contextvars.ContextVar("wrote", default=None)

_health = {"usable_until": 0.0, "checked_at": -1e9, "usable": False}
_health_lock = threading.Lock()

# Lag in seconds: none when everything received has been replayed and the receiver is
# streaming; otherwise the age of the last transaction replayed.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def replica_lag():
    """The replica's lag in seconds (0: up to date); None if it is not a streaming standby.
    Raises DatabaseError if it cannot be reached."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        in_recovery, streaming, lag = cursor.fetchone()
    if not in_recovery or not streaming:
        return None
    return float(lag)


def replica_usable():
    """Whether reads may go to the replica now: reachable and within the allowed lag.
    Checked at most once every REPLICA_CHECK_SECONDS per process."""
    now = time.monotonic()
    if now - _health["checked_at"] < settings.REPLICA_CHECK_SECONDS:
        return _health["usable"]
    with _health_lock:
        if now - _health["checked_at"] < settings.REPLICA_CHECK_SECONDS:
            return _health["usable"]
        try:
            lag = replica_lag()
            usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
            if not usable:
                logger.warning("Reading from the primary: the replica lags (%s s).", lag)
        except DatabaseError as error:
            usable = False
            logger.warning("Reading from the primary: the replica cannot be reached (%s).",
                           str(error).strip().splitlines()[0] if str(error).strip() else error)
            connections[REPLICA].close()
        _health.update(checked_at=time.monotonic(), usable=usable)
        return usable


def forget_health():
    """Check the replica again on the next read (tests, and after a failover)."""
    _health.update(checked_at=-1e9, usable=False)


class ReplicaRouter:
    """Reads to the replica when the request allows it and the replica is fit; the rest to
    the primary."""

    def db_for_read(self, model, **hints):
        wrote = _wrote.get()
        if (
            _replica_allowed.get()
            and not (wrote and wrote["any"])
            and not connections[PRIMARY].in_atomic_block
            and replica_usable()
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    """Which requests may read from the replica, and pinning a writer to the primary. Goes
    before the page cache middleware, whose generation read it routes."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL.lstrip("/")

    def __call__(self, request):
        allowed = (
            settings.REPLICA_READS
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(self.admin_prefix)
            and not self._pinned(request)
        )
        allowed_token = _replica_allowed.set(allowed)
        wrote = {"any": False}
        wrote_token = _wrote.set(wrote)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(allowed_token)
            _wrote.reset(wrote_token)
        if wrote["any"]:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE, signing.TimestampSigner(salt=PIN_SALT).sign("1"),
                max_age=seconds, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _pinned(request):
        value = request.COOKIES.get(PIN_COOKIE)
        if not value:
            return False
        try:
            signing.TimestampSigner(salt=PIN_SALT).unsign(
                value, max_age=settings.REPLICA_PIN_SECONDS
            )
        except signing.BadSignature:
            return False
        return True


def _note_write(sender, **kwargs):
    wrote = _wrote.get()
    if wrote is not None:
        wrote["any"] = True


def connect():
    post_save.connect(_note_write, dispatch_uid="replica-pin-save")
    post_delete.connect(_note_write, dispatch_uid="replica-pin-delete")
