"""The production settings (timeline.settings, read from the environment as in production),
plus the bare reference view the benchmark divides every figure by, and a STATIC_ROOT of the
benchmark's own. Used only by `make bench` (bench/run.py)."""

import os

from timeline.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# collectstatic goes to the run's temporary folder, not the project's staticfiles/.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT  # noqa: F405
