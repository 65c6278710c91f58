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
# Recycle workers now and then, so slow memory growth cannot accumulate.
max_requests = 2000
max_requests_jitter = 200


def post_worker_init(worker):
    # The loaded app (Django, its URLs, templates, models) is long-lived: move it out of the
    # garbage collector's sight and collect less often. Full collections over those objects
    # were the slow tail of page latency (the benchmark's p95/p99).
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
