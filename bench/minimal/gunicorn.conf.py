"""The project's gunicorn.conf.py, unchanged, for the minimal reference project: the same
workers, preloading, recycling and garbage-collection hooks. Only `when_ready` is left out: it
warms the app's URLconf and page templates, which the minimal project does not have (run
against it, it would stop gunicorn)."""

import runpy
from pathlib import Path

PROJECT_CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
globals().update({
    name: value
    for name, value in runpy.run_path(str(PROJECT_CONFIG)).items()
    if not name.startswith("__") and name != "when_ready"
})
