"""Surviving a database restart or failover without showing readers an error.

When PostgreSQL restarts or fails over, every connection the app keeps open (CONN_MAX_AGE)
is dead, and the first query each worker makes on it fails: one 500 per worker. Django's
CONN_HEALTH_CHECKS would find out before each request's first query with a `SELECT 1`, a
round trip on every request that reuses a connection, as long as a cached page's whole
database work (RecordState's generation). Instead the public reads run through
`reconnecting`: when a query fails on a connection that was open and is no longer usable,
it is closed and the read is run once more on a fresh one. Nothing is spent until a
connection has died. Only reads outside a transaction are retried, so nothing runs twice.
"""

import logging
from functools import wraps

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)


def reconnecting(read):
    @wraps(read)
    def wrapped(*args, **kwargs):
        try:
            return read(*args, **kwargs)
        except (OperationalError, InterfaceError):
            # A connection that failed to open (connection.connection is None) is not retried:
            # the database is down or not answering, and waiting twice helps nobody.
            if connection.in_atomic_block or connection.connection is None or (
                connection.is_usable()
            ):
                raise
            logger.warning("The database connection was lost; reconnecting once.")
            connection.close()
            return read(*args, **kwargs)

    return wrapped
