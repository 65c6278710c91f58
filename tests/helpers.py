"""Plain helpers several test modules share (fixtures live in conftest.py)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
SEEDS_FOLDER = ROOT.parent / "shared" / "seeds"
DATA_FOLDER = ROOT / "tests" / "data"

needs_seeds = pytest.mark.skipif(
    not SEEDS_FOLDER.is_dir(),
    reason=f"The archived seed articles are not in {SEEDS_FOLDER} (they live outside the repo).",
)


def run_manage(*args, env_overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.pop("DATABASE_REPLICA_URL", None)  # a replica goes with the DATABASE_URL it mirrors
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "timeline.settings",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "chronology.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
}


def inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def change_form(client, event):
    """The admin change form of event, as a curator's browser would post it back."""
    response = client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert response.status_code == 200
    return form_data(response)


def form_data(response):
    """The data of a rendered admin change form (change, revert and recover pages)."""
    data = {}
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    forms = [response.context["adminform"].form, *[form for fs in formsets for form in fs]]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = str(value.display() if hasattr(value, "display") else value)
    for formset in formsets:
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = str(
                formset.management_form[name].value()
            )
    return data
