"""The Redis cache, failing soft: the cache is an optimisation, never a dependency.

When Redis refuses connections, or accepts them and never answers, Django's RedisCache raises
(or waits for the socket timeout) on every cache read, and every cached page, the filter
widgets and the API throttle with it: the site answered 500. Here a failing operation is
logged and answered as a miss (a read returns its default, a write does nothing), and Redis is
left alone for a few seconds before the next try, so that pages are served uncached at full
speed instead of each waiting out a timeout. Short socket timeouts are set in
timeline/settings.py.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds Redis is left alone after a failure before the next operation tries it again.
RETRY_AFTER = 5.0

# Per Redis address, shared by every thread's cache object in the process.
_unavailable_until = {}


def _fail_soft(name, answer_when_down):
    def method(self, *args, **kwargs):
        if time.monotonic() < _unavailable_until.get(self._server_key, 0):
            return answer_when_down(*args, **kwargs)
        try:
            return getattr(super(FailSoftRedisCache, self), name)(*args, **kwargs)
        except RedisError as error:
            _unavailable_until[self._server_key] = time.monotonic() + RETRY_AFTER
            logger.warning(
                "Cache unavailable (%s: %s); serving without it for %s s.",
                type(error).__name__, error, RETRY_AFTER,
            )
            return answer_when_down(*args, **kwargs)

    method.__name__ = name
    return method


def _default(key, default=None, version=None):
    return default


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._server_key = server

    get = _fail_soft("get", _default)
    get_many = _fail_soft("get_many", lambda *args, **kwargs: {})
    has_key = _fail_soft("has_key", lambda *args, **kwargs: False)
    add = _fail_soft("add", lambda *args, **kwargs: False)
    set = _fail_soft("set", lambda *args, **kwargs: None)
    set_many = _fail_soft("set_many", lambda keys, *args, **kwargs: list(keys))
    touch = _fail_soft("touch", lambda *args, **kwargs: False)
    delete = _fail_soft("delete", lambda *args, **kwargs: False)
    delete_many = _fail_soft("delete_many", lambda *args, **kwargs: None)
    clear = _fail_soft("clear", lambda *args, **kwargs: False)
