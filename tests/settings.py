"""The production settings module, as a test run needs it.

Tests run with DEBUG off (the production code paths) over plain http; the secret key and the
SSL redirect are the only things set differently, before timeline.settings reads them.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Off by default so that tests (and pinned query counts) see the real work of every page;
# tests/test_caching.py turns it on.
os.environ.setdefault("DJANGO_PAGE_CACHE_SECONDS", "0")
# The test client's host, so absolute URLs read as Django's test client would build them.
os.environ.setdefault("DJANGO_SITE_URL", "http://testserver")

from timeline.settings import *  # noqa: E402, F403

# Hashing passwords slowly is the point in production and a waste of seconds in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from static/ without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Several test runs can share one PostgreSQL server (a developer's and CI's, say): give each a
# test database of its own with DJANGO_TEST_DATABASE_NAME.
if os.environ.get("DJANGO_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DATABASE_NAME"]}  # noqa: F405

# A streaming replica of the primary (.ci/replica): the test runner creates the test database
# on the primary only, and the replica receives it by streaming replication, under the same
# name (TEST MIRROR). Reads go to it only in the tests that turn REPLICA_READS on
# (tests/test_replica.py): every other test writes in a transaction the replica cannot see.
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
    REPLICA_READS = False
