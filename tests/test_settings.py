"""Configuration: production refuses unsafe settings; migrations match the models."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from .helpers import PRODUCTION, ROOT, run_manage


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_needs_nothing_set():
    result = run_manage("check", env_overrides={"DJANGO_SETTINGS_MODULE": "timeline.settings",
                                                "DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_a_clear_error():
    result = run_manage("check", env_overrides={**PRODUCTION, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_gunicorn_serves_with_the_production_config(tmp_path):
    """gunicorn.conf.py as deployed: preloaded app, warm-up in the master, GC hooks."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("DJANGO_") and key != "DATABASE_REPLICA_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="timeline.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        # The API's OpenAPI document needs neither rows nor collected static files.
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).with_name("gunicorn")), "timeline.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()  # noqa: S310
                break
            except urllib.error.URLError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer in 30 s"
                time.sleep(0.2)
        for _ in range(12):  # over both workers, through post_request's collection
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                assert response.status == 200
                assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in log.read_text(), log.read_text()


@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_queries():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
