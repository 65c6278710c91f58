"""gunicorn settings, read automatically when gunicorn starts from this folder.

`gunicorn timeline.wsgi` with these defaults is the production command (docs/deployment.md);
flags on the command line override them.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: every request is short and bounded (paginated, constant queries).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = 30
graceful_timeout = 30
# Load the app once in the master and fork workers from it: a worker recycled by max_requests
# then starts in milliseconds instead of importing Django again. Deploy new code
# with a restart, not a HUP: a preloaded app is not re-imported on reload.
preload_app = True
# Recycle workers now and then, so slow memory growth cannot accumulate. Every 2,000 requests
# was too often for cached pages served at 2,000 a second: a worker was being replaced every
# second, and each new one starts with an empty local cache. Garbage is collected between
# requests (below), so memory does not creep between recycles.
max_requests = 10_000
max_requests_jitter = 1_000


# Garbage collection happens between requests, not in the middle of one. A listing page
# allocates tens of thousands of objects, so with Python's default thresholds a young-generation
# collection ran inside many pages: that was the slow tail of page latency (p95/p99). Automatic collection stays on, with a threshold no
# ordinary request reaches, as a safety net for an unusually large one.
GC_YOUNG_THRESHOLD = 200_000
GC_FULL_EVERY = 1000  # requests; workers are also recycled after max_requests


def when_ready(server):
    # In the master, with the app preloaded and before any worker is forked: load what each
    # worker would otherwise load on its first request, the URLconf (with the views, the API
    # and its schemas), the maps reverse() builds, and the compiled page templates, so a fresh
    # worker's first page costs little more than its new database connection. Nothing
    # here touches the database, so no connection is inherited by the workers.
    if not server.cfg.preload_app:  # preload_app turned off: the master has no app to warm
        return
    from pathlib import Path

    from django.conf import settings
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    for name in ("events:event_list", "api-1:event_list"):  # fills each resolver's reverse map
        reverse(name)
    templates = Path(settings.BASE_DIR) / "templates"
    for path in sorted(templates.glob("*.html")) + sorted(templates.glob("events/*.html")):
        get_template(str(path.relative_to(templates)))
    connections.close_all()


def post_worker_init(worker):
    # The loaded app (Django, its URLs, templates, models) is long-lived: out of the
    # collector's sight for good.
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 50, 100)
    worker.requests_since_full_gc = 0


def post_request(worker, req, environ, resp):
    # The response has been sent: what a request left behind in cycles is collected now, young
    # generations only (under a millisecond after a page), and everything now and then.
    worker.requests_since_full_gc += 1
    if worker.requests_since_full_gc >= GC_FULL_EVERY:
        worker.requests_since_full_gc = 0
        gc.collect()
    elif gc.get_count()[0] > 1000:  # a cached page leaves next to nothing to collect
        gc.collect(1)
