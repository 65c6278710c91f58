"""The benchmark: `make bench` (or `.venv/bin/python -m bench.run`). Never part of `make test`.

First, Lighthouse (bench/lighthouse.py) on every page type of the bundled record, and on the
same record in Knight Lab's TimelineJS 3, side by side. Then:

For each database (a SQLite file in a temporary folder; PostgreSQL database `chronology_bench`
on 127.0.0.1:5432 as user postgres) and each size N, it migrates a fresh database, generates N
synthetic events (manage.py generate_synthetic), serves the app with gunicorn and the
production settings on 127.0.0.1, and measures each page with wrk:

  throughput   wrk -t2 -c16 for BENCH_DURATION seconds: requests per second, and that as a
               ratio to the bare Django view (bench/urls.py) measured by the same server
  latency      wrk -t1 -c1 (one request at a time) for BENCH_DURATION seconds: p50/p95/p99

A URL whose first request takes over BENCH_SLOW_SECONDS is not given to wrk (a 30-second
request would outlast the measurement): it is timed over BENCH_SLOW_REQUESTS requests, one at
a time, and marked "slow". A minimal Django project (bench/minimal/) is measured by the same
gunicorn command and wrk step after the cached pages, as their reference. It also reports the
first load of `/` in bytes on the wire, and per URL the queries and SQL/Python time of one
request (in-process, with EXPLAIN ANALYZE of the slowest query on PostgreSQL), then checks the
targets of docs/performance.md.

Environment (all optional):
  BENCH_DATABASES      sqlite,postgresql
  BENCH_SIZES          100,10000,100000  (event counts, for every database)
  BENCH_DURATION       5                 (seconds per wrk measurement)
  BENCH_LIGHTHOUSE     1                 (0: no Lighthouse, no TimelineJS)
  BENCH_LIGHTHOUSE_RUNS 3                (Lighthouse loads per page; the median is reported)
  BENCH_WORKERS        2 * cores + 1     (gunicorn sync workers)
  BENCH_SEED           2017
  BENCH_PG_URL         postgres://postgres@127.0.0.1:5432  (server; the database is created)
  BENCH_CACHED_ENV     space-separated NAME=VALUE settings for the cached server
                       (default DJANGO_PAGE_CACHE_SECONDS=600; add e.g.
                       DJANGO_CACHE_URL=redis://127.0.0.1:6379/0 to measure Redis)
  BENCH_UNCACHED_ENV   the same for everything else (default DJANGO_PAGE_CACHE_SECONDS=0)

Everything it starts (gunicorn, the temporary folder, the PostgreSQL database) is removed on
the way out, after a failure or Ctrl-C too. Results also go to bench/results/<time>/.
"""

# The subprocesses run fixed programs (this venv's python and gunicorn, wrk, apt-get) with
# arguments built here, and every URL opened is http://127.0.0.1: nothing comes from outside.
# ruff: noqa: S310, S603, S607

import datetime
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from html.parser import HTMLParser
from pathlib import Path

from bench import lighthouse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LUA_REPORT = str(ROOT / "bench" / "report.lua")
HOST = "127.0.0.1"
PG_DATABASE = "chronology_bench"

LABELS = {
    "bare": "bare Django view",
    "home": "/ unfiltered",
    "home_search": "/ text search",
    "home_filters": "/ three filters",
    "home_ru": "/ru/",
    "event": "event page",
    "event_claims": "event page with claims",
    "places": "/places/",
    "api_events": "/api/v1/events",
    "timelinejs": "TimelineJS export",
}
CACHED_LABELS = ["home", "home_search", "home_filters", "home_ru"]
MINIMAL = "minimal Django project"
# Uncached budgets at N=10,000, p95 of one client in ms (docs/performance.md, issue 20).
UNCACHED_BUDGETS = [("home", 40), ("home_ru", 40), ("home_filters", 40), ("event", 40),
                    ("event_claims", 20), ("places", 40), ("api_events", 30)]
CACHED_TARGET_BARE = 0.60  # cached `/` against the bare view through the middleware
CACHED_TARGET_MINIMAL = 0.75  # cached `/` against the minimal project (issue 20)


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_assignments(name):
    pairs = {}
    for item in os.environ.get(name, "").split():
        key, _, value = item.partition("=")
        pairs[key] = value
    return pairs


DATABASES = env_list("BENCH_DATABASES", "sqlite,postgresql")
SIZES = [int(size) for size in env_list("BENCH_SIZES", "100,10000,100000")]
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
LIGHTHOUSE_RUNS = max(1, int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "3")))
LIGHTHOUSE = os.environ.get("BENCH_LIGHTHOUSE", "1").strip().lower() not in {"0", "no", "off",
                                                                            "false"}
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
SEED = os.environ.get("BENCH_SEED", "2017")
PG_URL = os.environ.get("BENCH_PG_URL", f"postgres://postgres@{HOST}:5432").rstrip("/")
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "1.5"))
SLOW_REQUESTS = int(os.environ.get("BENCH_SLOW_REQUESTS", "3"))
# timeline/settings.py reads DJANGO_PAGE_CACHE_SECONDS (events/caching.py): 0 turns the page
# cache off; on, it is in local memory per gunicorn worker unless DJANGO_CACHE_URL is given.
CACHED_ENV = {"DJANGO_PAGE_CACHE_SECONDS": "600", **env_assignments("BENCH_CACHED_ENV")}
UNCACHED_ENV = {"DJANGO_PAGE_CACHE_SECONDS": "0", **env_assignments("BENCH_UNCACHED_ENV")}


class Stopped(Exception):
    pass


def _stop(signum, frame):
    raise Stopped(f"stopped by signal {signum}")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# Setting up -----------------------------------------------------------------------------------


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk is missing: installing Debian's package (apt-get install -y wrk)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def base_env(database_url, static_root):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BENCH_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_API_THROTTLE_RATE="",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        BENCH_STATIC_ROOT=str(static_root),
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE if capture else None, text=True,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed with {result.returncode}")
    return result.stdout


def inspect(env, *args):
    result = subprocess.run(
        [PYTHON, "-m", "bench.inspect_record", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, text=True,
    )
    if result.returncode:
        raise RuntimeError(f"bench.inspect_record {args[0]} failed with {result.returncode}")
    return json.loads(result.stdout)


@contextmanager
def database(kind, size, folder):
    if kind == "sqlite":
        path = folder / f"bench-{size}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in folder.glob(f"bench-{size}.sqlite3*"):
                leftover.unlink()
        return
    import psycopg

    def admin(statement):
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
            connection.execute(statement)

    admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {PG_DATABASE}")
    try:
        yield f"{PG_URL}/{PG_DATABASE}"
    finally:
        admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


@contextmanager
def gunicorn(env, extra_env, app="timeline.wsgi:application", config=None,
             ready_path="/__bench__/bare"):
    """The production command (gunicorn.conf.py read from the project folder, or `config`) on
    a free port; yields the base URL once `ready_path` answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            GUNICORN, app,
            *(["--config", str(config)] if config else []),
            "--bind", f"{HOST}:{port}",
            "--workers", str(WORKERS),
            # Generous, so that a slow page is measured rather than killed (gunicorn.conf.py
            # is read too: its GC settings apply).
            "--timeout", "600",
            "--log-level", "warning",
        ],
        cwd=ROOT, env={**env, **extra_env}, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}{ready_path}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"http://{HOST}:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# Measuring ------------------------------------------------------------------------------------


def fetch(url, headers=None, timeout=600):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, dict(response.headers), response.read()


def status_of(url):
    """The status of a GET (a 404 is an answer, not an error)."""
    try:
        return fetch(url)[0]
    except urllib.error.HTTPError as error:
        return error.code


@contextmanager
def minimal_project(env):
    """The one-view reference project (bench/minimal/), by the same gunicorn command with the
    same configuration (bench/minimal/gunicorn.conf.py is gunicorn.conf.py less the hook that
    warms the app's templates) and the same workers."""
    settings = {**env, "DJANGO_SETTINGS_MODULE": "bench.minimal.settings"}
    with gunicorn(settings, {}, app="bench.minimal.wsgi:application",
                  config=ROOT / "bench" / "minimal" / "gunicorn.conf.py", ready_path="/") as base:
        yield base + "/"


def wrk(url, threads, connections):
    output = subprocess.run(
        [
            "wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--timeout", "60s",
            # As browsers do: the app and WhiteNoise answer compressed when asked.
            "-H", "Accept-Encoding: gzip",
            "--latency", "-s", LUA_REPORT, url,
        ],
        check=True, capture_output=True, text=True,
    ).stdout
    match = re.search(r"^BENCH (\{.*\})$", output, re.M)
    figures = json.loads(match.group(1))
    seconds = figures["duration_us"] / 1e6
    return {
        "rps": figures["requests"] / seconds if seconds else 0.0,
        "requests": figures["requests"],
        "errors": figures["status_errors"] + figures["socket_errors"],
        "p50": figures["p50_us"] / 1000,
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
    }


def measure(url):
    """Throughput and one-client latency of a URL; by hand, one at a time, when it is slow."""
    started = time.perf_counter()
    status, _, body = fetch(url)
    first = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    if first > SLOW_SECONDS:
        # Past 10 s a request (the export of 100,000 events) is timed once: the first one.
        timings = [first * 1000] if first > 10 else []
        for _ in range(SLOW_REQUESTS if first <= 10 else 0):
            started = time.perf_counter()
            fetch(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        return {
            "rps": 1000 / statistics.mean(timings),
            "slow": True,
            "bytes": len(body),
            "errors": 0,
            "p50": statistics.median(timings),
            "p95": timings[-1],
            "p99": timings[-1],
            "requests": len(timings),
        }
    for _ in range(2 * WORKERS):  # warm every worker
        fetch(url)
    latency = wrk(url, 1, 1)
    throughput = wrk(url, 2, 16)
    # wrk stops with requests still queued at the sync workers: let them drain, or they would
    # slow whatever is measured next.
    time.sleep(1 + 2 * 16 / max(throughput["rps"], 1))
    return {
        "rps": throughput["rps"],
        "slow": False,
        "bytes": len(body),
        "errors": throughput["errors"] + latency["errors"],
        "p50": latency["p50"],
        "p95": latency["p95"],
        "p99": latency["p99"],
        "requests": throughput["requests"] + latency["requests"],
    }


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def first_load(base):
    """Bytes on the wire for `/` and the CSS/JS it links, asking for gzip and brotli."""
    headers = {"Accept-Encoding": "br, gzip"}
    _, page_headers, page = fetch(base + "/", headers)
    html_for_parsing = gzip.decompress(page) if page_headers.get("Content-Encoding") == "gzip" \
        else page
    parser = Assets()
    parser.feed(html_for_parsing.decode("utf-8", "replace"))
    files = [{
        "url": "/",
        "bytes": len(page),
        "encoding": page_headers.get("Content-Encoding", "identity"),
        "gzip_would_be": len(gzip.compress(html_for_parsing, 6)),
    }]
    for asset in parser.urls:
        url = asset if asset.startswith("http") else base + asset
        _, asset_headers, body = fetch(url, headers)
        files.append({
            "url": asset,
            "bytes": len(body),
            "encoding": asset_headers.get("Content-Encoding", "identity"),
        })
    return {
        "total": sum(item["bytes"] for item in files),
        "total_if_html_gzipped": files[0]["gzip_would_be"]
        + sum(item["bytes"] for item in files[1:]),
        "files": files,
    }


# One database at one size ---------------------------------------------------------------------


def run_one(kind, size, folder, static_root):
    with database(kind, size, folder) as url:
        # The uncached settings for everything but the cached server, the profile included;
        # the cached server gets the base settings and its own, not the uncached ones.
        base_settings = base_env(url, static_root)
        env = {**base_settings, **UNCACHED_ENV}
        log(f"{kind}, N={size:,}: migrate")
        manage(env, "migrate", "--noinput", "-v0")
        log(f"{kind}, N={size:,}: generate_synthetic {size} --seed {SEED}")
        started = time.perf_counter()
        generated = manage(env, "generate_synthetic", str(size), "--seed", SEED, capture=True)
        generate_seconds = time.perf_counter() - started
        if kind == "postgresql":
            # As autovacuum would leave a settled database: statistics for the planner, and a
            # visibility map so that counts can be index-only scans.
            manage(env, "shell", "-c",
                   "from django.db import connection; "
                   "connection.cursor().execute('VACUUM ANALYZE')")
        urls = inspect(env, "urls")
        result = {
            "load_before": os.getloadavg()[0],
            "db": kind, "size": size, "generate_seconds": round(generate_seconds, 1),
            "generated": generated.strip(), "urls": urls, "uncached": {}, "cached": {},
        }
        result["skipped"] = skipped = {}
        if not urls.get("event_claims"):
            skipped["event_claims"] = "the data has no event with claims"
        with gunicorn(env, {}) as base:
            result["first_load"] = first_load(base)
            for label in LABELS:
                if label in skipped:
                    continue
                status = status_of(base + urls[label])
                if status == 404:
                    skipped[label] = f"{urls[label]} answers 404 (not built yet)"
                    log(f"{kind}, N={size:,}: skipping {LABELS[label]}: {skipped[label]}")
                    continue
                log(f"{kind}, N={size:,}: {LABELS[label]} ({urls[label]})")
                result["uncached"][label] = measure(base + urls[label])
        with gunicorn(base_settings, CACHED_ENV) as base:
            for label in ["bare", *CACHED_LABELS]:
                if label in skipped:
                    continue
                log(f"{kind}, N={size:,}: cached {LABELS[label]}")
                result["cached"][label] = measure(base + urls[label])
        # Right after the cached pages, under the same conditions: the minimal project.
        with minimal_project(base_settings) as address:
            log(f"{kind}, N={size:,}: {MINIMAL}")
            result["minimal"] = measure(address)
        result["load_after"] = os.getloadavg()[0]
        slow = [label for label, figures in result["uncached"].items() if figures["slow"]]
        log(f"{kind}, N={size:,}: profiling queries")
        page_urls = {label: address for label, address in urls.items()
                     if label in LABELS and label not in skipped}
        result["profile"] = inspect(env, "profile", json.dumps(page_urls), ",".join(slow))
        return result


# Lighthouse -----------------------------------------------------------------------------------


def lighthouse_median(url, out, name):
    """Lighthouse's median of LIGHTHOUSE_RUNS loads of a page; every report kept in `out`."""
    summaries, failures = [], []
    for run_number in range(LIGHTHOUSE_RUNS):
        report_path = out / f"{name}-{run_number + 1}.json"
        # Lighthouse now and then fails to record a trace (NO_NAVSTART) on a busy machine: a
        # failed load is tried once more, then left out of the median, and said.
        for _attempt in range(2):
            try:
                summaries.append(lighthouse.summarize(lighthouse.run(url, report_path)))
                break
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                failures.append(f"{name} load {run_number + 1}: {type(error).__name__}")
    if failures:
        log(f"Lighthouse loads that failed (left out): {'; '.join(failures)}")
    if not summaries:
        raise RuntimeError(f"every Lighthouse load of {url} failed")
    chosen = lighthouse.median_run(summaries)
    chosen["runs"] = [summary["performance"] for summary in summaries]
    return chosen


def lighthouse_phase(folder, static_root, out):
    """Every page type of the bundled record (manage.py load_chronology: claims, places and the
    Russian record exist there, not in synthetic data) and the same record in TimelineJS, each
    loaded once by Lighthouse; the budgets checked."""
    why_not = lighthouse.missing()
    if why_not:
        raise RuntimeError(f"Lighthouse cannot run: {why_not}")
    result = {"pages": [], "skipped": [], "checks": [], "timelinejs": None}
    reports = out / "lighthouse"  # the JSON reports, for Lighthouse's viewer
    reports.mkdir(exist_ok=True)
    result["load_before"] = os.getloadavg()[0]
    path = folder / "bundled.sqlite3"
    env = base_env(f"sqlite:///{path}", static_root)
    log("Lighthouse: migrate and load_chronology (the bundled record) into SQLite")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_chronology", capture=True)
    urls = inspect(env, "urls")
    result["settings"] = "production defaults (page cache on, its first fill before Lighthouse)"
    with gunicorn(env, {}) as base:
        for number, (label, key, budget) in enumerate(lighthouse.PAGES):
            address = urls.get(key) if not key.startswith("/") else key
            if not address:
                result["skipped"].append(f"{label}: the bundled record has none")
                continue
            status = status_of(base + address)  # also fills the page cache, as readers do
            if status == 404:
                result["skipped"].append(f"{label} ({address}): answers 404 (not built yet)")
                log(f"Lighthouse: skipping {label}: {address} answers 404")
                continue
            if status != 200:
                raise RuntimeError(f"{address} answered {status}")
            log(f"Lighthouse: {label} ({address})")
            summary = lighthouse_median(base + address, reports, f"page-{number + 1}")
            summary.update(label=label, path=address, budget_kb=budget)
            result["pages"].append(summary)
            result["checks"] += lighthouse.budget_checks(label, summary, budget)
        status, _, export = fetch(base + urls["timelinejs"])
    # The same record's TimelineJS export, in Knight Lab's TimelineJS 3, served gzipped.
    server, address = lighthouse.serve(lighthouse.timelinejs_files(export))
    try:
        log(f"Lighthouse: TimelineJS 3 with the same record ({len(export):,} bytes of JSON)")
        summary = lighthouse_median(address + "/index.html", reports, "timelinejs")
        summary.update(label="TimelineJS 3", path="/index.html", budget_kb=None)
        result["timelinejs"] = summary
    finally:
        server.shutdown()
        server.server_close()
    result["load_after"] = os.getloadavg()[0]
    return result


def _seconds(ms):
    return "" if ms is None else f"{ms / 1000:.2f}"


def _score(score):
    return "n/a" if score is None else str(score)


def lighthouse_tables(result):
    """The per-page table with budgets and failing audits, then ours against TimelineJS."""
    if result.get("error"):
        return f"Not run: {result['error']}"
    indexes = [str(round(page["benchmark_index"])) for page in result["pages"]
               if page.get("benchmark_index")]
    lines = [
        f"Lighthouse {lighthouse.lighthouse_version(result)}, Chromium, mobile emulation "
        "(Lighthouse's default form factor and simulated throttling), "
        f"categories {', '.join(lighthouse.CATEGORIES)}; the bundled record on SQLite, "
        f"{result['settings']}. The median of {LIGHTHOUSE_RUNS} loads per page (Lighthouse's "
        "own choice of median run; every run's performance score in the last column). Load "
        f"average {result['load_before']:.2f} before, {result['load_after']:.2f} after; "
        "Lighthouse's benchmark index of this machine per page (its speed at the time, higher "
        "is faster; other work lowers it and lengthens the simulated times, TBT most): "
        f"{', '.join(indexes) or 'not reported'}.",
        "",
        "| page | performance | accessibility | FCP s | LCP s | TBT ms | KB transferred "
        "| KB budget | every run's performance |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in result["pages"]:
        lines.append(
            f"| {page['label']} (`{page['path']}`) | {_score(page['performance'])} "
            f"| {_score(page['accessibility'])} | {_seconds(page['fcp_ms'])} "
            f"| {_seconds(page['lcp_ms'])} | {page['tbt_ms']} | {page['bytes'] / 1024:.1f} "
            f"| {page['budget_kb']} | {', '.join(map(_score, page['runs']))} |"
        )
    notes = []
    for page in [*result["pages"], *([result["timelinejs"]] if result["timelinejs"] else [])]:
        for category, audits in page["failing"].items():
            notes.append(f"- {page['label']}, {category} under 100: "
                         + ("; ".join(audits) or "no single audit failed"))
        if page["runtime_error"]:
            notes.append(f"- {page['label']}: Lighthouse error: {page['runtime_error']}")
        for warning in page["warnings"]:
            notes.append(f"- {page['label']}: Lighthouse warning: {warning}")
    errored = sorted({audit for page in result["pages"] for audit in page["errored"]})
    if errored:
        notes.append("- audits Lighthouse could not run here (none weighs in a score): "
                     + ", ".join(errored))
    notes += [f"- skipped: {why}" for why in result["skipped"]]
    if notes:
        lines += ["", *notes]
    ours = next((page for page in result["pages"] if page["path"] == "/"), None)
    theirs = result["timelinejs"]
    if ours and theirs:
        lines += [
            "",
            "Side by side, the same record: ours (`/`) and Knight Lab's TimelineJS 3 "
            f"({lighthouse.TIMELINEJS_VERSION}, its export from /api/v1/exports/timelinejs, "
            "served gzipped from this machine).",
            "",
            "| page | FCP s | LCP s | TBT ms | KB transferred | requests | performance "
            "| accessibility |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, page in [("ours, `/`", ours), ("TimelineJS 3", theirs)]:
            lines.append(
                f"| {name} | {_seconds(page['fcp_ms'])} | {_seconds(page['lcp_ms'])} "
                f"| {page['tbt_ms']} | {page['bytes'] / 1024:.1f} | {page['requests']} "
                f"| {_score(page['performance'])} | {_score(page['accessibility'])} |"
            )
    return "\n".join(lines)


# Reporting ------------------------------------------------------------------------------------


def load_table(results):
    lines = [
        "Load average (1 min) of the machine around each measurement: on 2 cores, anything "
        "above ~2.5 besides the benchmark's own gunicorn and wrk means other work competed.",
        "",
        "| db | N | generated in s | load before | load after |",
        "|---|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result['db']} | {result['size']:,} | {result['generate_seconds']} "
            f"| {result['load_before']:.2f} | {result['load_after']:.2f} |"
        )
    return "\n".join(lines)


def table(results):
    lines = [
        "| db | N | URL | req/s | ratio to bare | p50 ms | p95 ms | p99 ms | queries |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        bare = result["uncached"]["bare"]["rps"]
        for label, figures in result["uncached"].items():
            note = " (slow: timed by hand)" if figures["slow"] else ""
            errors = f" ({figures['errors']} errors)" if figures["errors"] else ""
            queries = result["profile"].get(label, {}).get("queries", "")
            lines.append(
                f"| {result['db']} | {result['size']:,} | {LABELS[label]}{note}{errors} "
                f"| {figures['rps']:.1f} | {figures['rps'] / bare:.3f} | {figures['p50']:.1f} "
                f"| {figures['p95']:.1f} | {figures['p99']:.1f} | {queries} |"
            )
    return "\n".join(lines)


def cached_table(results):
    lines = [f"Cached: {CACHED_ENV}; uncached: {UNCACHED_ENV}. \"% of minimal\": req/s as a "
             f"share of the {MINIMAL} (bench/minimal/: one view, no middleware, same gunicorn "
             "command and configuration), measured right after by the same wrk step; \"ratio to "
             "bare\": of the bare view through the app's middleware (/__bench__/bare)."]
    lines += [
        "",
        "| db | N | URL (cached) | req/s | % of minimal | ratio to bare | p50 ms | p95 ms "
        "| p99 ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        figures_by_label = result["cached"] or result["uncached"]
        bare = figures_by_label["bare"]["rps"]
        minimal = result.get("minimal")
        rows = [(LABELS[label], figures_by_label[label]) for label in ["bare", *CACHED_LABELS]
                if label in figures_by_label]
        if minimal:
            rows.append((MINIMAL, minimal))
        for name, figures in rows:
            share = f"{figures['rps'] / minimal['rps']:.0%}" if minimal else ""
            lines.append(
                f"| {result['db']} | {result['size']:,} | {name} "
                f"| {figures['rps']:.1f} | {share} | {figures['rps'] / bare:.3f} "
                f"| {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['p99']:.1f} |"
            )
    return "\n".join(lines)


def skipped_notes(results):
    return "\n".join(
        f"- {result['db']}, N={result['size']:,}: {LABELS[label]} not measured: {why}"
        for result in results for label, why in result.get("skipped", {}).items()
    ) or "Every page was measured."


def first_load_table(results):
    lines = [
        "| db | N | `/` HTML bytes (encoding) | CSS+JS bytes | total KB | total KB if HTML "
        "were gzipped |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        load = result["first_load"]
        html = load["files"][0]
        assets = sum(item["bytes"] for item in load["files"][1:])
        lines.append(
            f"| {result['db']} | {result['size']:,} | {html['bytes']:,} ({html['encoding']}) "
            f"| {assets:,} | {load['total'] / 1024:.1f} "
            f"| {load['total_if_html_gzipped'] / 1024:.1f} |"
        )
    return "\n".join(lines)


def profile_table(results):
    lines = [
        "| db | N | URL | queries | total ms | SQL ms | Python ms | slowest query ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for label, figures in result["profile"].items():
            lines.append(
                f"| {result['db']} | {result['size']:,} | {LABELS[label]} | {figures['queries']} "
                f"| {figures['total_ms']} | {figures['sql_ms']} | {figures['python_ms']} "
                f"| {figures['slowest_ms']} |"
            )
    return "\n".join(lines)


def targets(results, lighthouse_result=None):
    checks = []

    def check(name, passed, detail):
        checks.append(f"- {'PASS' if passed else 'FAIL'}: {name}: {detail}")

    for result in results:
        where = f"{result['db']}, N={result['size']:,}"
        figures = result["cached"] or result["uncached"]
        source = "cached" if result["cached"] else "no cache configured, uncached figure"
        if result.get("minimal"):
            ratio = figures["home"]["rps"] / result["minimal"]["rps"]
            check(f"`/` from cache >= {CACHED_TARGET_MINIMAL:.0%} of the {MINIMAL}'s req/s "
                  f"({where})", ratio >= CACHED_TARGET_MINIMAL, f"{ratio:.0%} ({source})")
        ratio = figures["home"]["rps"] / figures["bare"]["rps"]
        check(f"`/` from cache >= {CACHED_TARGET_BARE:.0%} of bare req/s ({where})",
              ratio >= CACHED_TARGET_BARE, f"{ratio:.0%} ({source})")
        if result["size"] == 10_000:
            for label, limit in UNCACHED_BUDGETS:
                note = ""
                if label not in result["uncached"]:
                    why = result.get("skipped", {}).get(label, "not measured")
                    checks.append(f"- SKIP: {LABELS[label]} uncached p95 < {limit} ms "
                                  f"({where}): {why}")
                    continue
                if label == "places" and not result["urls"].get("_public_places", 1):
                    note = " (no places in the data: the map is empty)"
                p95 = result["uncached"][label]["p95"]
                check(f"{LABELS[label]} uncached p95 < {limit} ms ({where})", p95 < limit,
                      f"{p95:.1f} ms{note}")
        if result["size"] == 100_000 and result["db"] == "postgresql":
            p95 = result["uncached"]["home_search"]["p95"]
            check(f"text search p95 < 50 ms ({where})", p95 < 50, f"{p95:.1f} ms")
        total = result["first_load"]["total"]
        check(f"first load of `/` < 60 KB compressed ({where})", total < 60 * 1024,
              f"{total / 1024:.1f} KB")
    for name, passed, detail in (lighthouse_result or {}).get("checks", []):
        check(name, passed, detail)
    return "\n".join(checks)


def report(results, machine, lighthouse_result=None):
    parts = [f"Machine: {machine}"]
    if lighthouse_result is not None:
        parts += ["## Lighthouse: every page type, and TimelineJS side by side",
                  lighthouse_tables(lighthouse_result)]
    if not results:
        return "\n\n".join([*parts, "No database measured (BENCH_SIZES or BENCH_DATABASES "
                                     "empty).", "## Targets", targets(results, lighthouse_result)])
    return "\n\n".join([
        *parts,
        "## Throughput (wrk -t2 -c16) and one-client latency (wrk -t1 -c1), uncached",
        table(results),
        "Not measured:\n\n" + skipped_notes(results),
        "## Cached, against the minimal Django project and the bare view",
        cached_table(results),
        "## First load of `/` (Accept-Encoding: br, gzip)",
        first_load_table(results),
        "## Where the time goes (one request in-process, median of 5)",
        profile_table(results),
        "## Targets",
        targets(results, lighthouse_result),
        "## Machine load and data generation",
        load_table(results),
    ])


def details(results):
    """Per page: the URL, the slowest query with its plan, the Python profile."""
    parts = []
    for result in results:
        parts.append(f"# {result['db']}, N={result['size']:,}\n\n{result['generated']}\n"
                     f"Generated in {result['generate_seconds']} s.")
        for label, figures in result["profile"].items():
            parts.append(
                f"## {LABELS[label]}: {result['urls'][label]}\n\n"
                f"{figures['queries']} queries, {figures['sql_ms']} ms SQL of "
                f"{figures['total_ms']} ms; each query (ms): {figures['queries_ms']}\n\n"
                f"Slowest query ({figures['slowest_ms']} ms):\n\n```sql\n"
                f"{figures['slowest_sql']}\n```"
                + (f"\n\n```\n{figures['explain']}\n```" if figures.get("explain") else "")
                + (f"\n\nPython profile of one request:\n\n```\n"
                   f"{figures['python_hotspots']}\n```" if figures.get("python_hotspots") else "")
            )
    return "\n\n".join(parts) + "\n"


def machine_description():
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f", {kilobytes / 1024 / 1024:.1f} GiB memory"
    return (
        f"{os.cpu_count()} cores{memory}, Python {sys.version.split()[0]}, "
        f"gunicorn {WORKERS} sync workers, wrk {DURATION} s per measurement"
    )


def main():
    signal.signal(signal.SIGTERM, _stop)
    ensure_wrk()
    log(f"uncached: {UNCACHED_ENV}; cached: {CACHED_ENV}")
    results = []
    out = ROOT / "bench" / "results" / datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    machine = machine_description()

    lighthouse_result = None

    def save():
        (out / "report.md").write_text(report(results, machine, lighthouse_result) + "\n")
        (out / "details.md").write_text(details(results))
        (out / "results.json").write_text(json.dumps(
            {"machine": machine, "results": results, "lighthouse": lighthouse_result},
            indent=2, default=str
        ))
    started = time.monotonic()
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="chronology-bench-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        static_root = folder / "static"
        env = base_env(f"sqlite:///{folder / 'collectstatic.sqlite3'}", static_root)
        log("collectstatic into the run's temporary folder")
        manage(env, "collectstatic", "--noinput", "-v0")
        failures = []
        if LIGHTHOUSE:
            try:
                lighthouse_result = lighthouse_phase(folder, static_root, out)
            except (RuntimeError, OSError, subprocess.CalledProcessError,
                    subprocess.TimeoutExpired) as error:
                log(f"Lighthouse FAILED: {error}")
                failures.append(f"Lighthouse: {error}")
                lighthouse_result = {"error": str(error)}
            save()
        else:
            log("BENCH_LIGHTHOUSE=0: no Lighthouse")
        for kind in DATABASES:
            for size in SIZES:
                try:
                    results.append(run_one(kind, size, folder, static_root))
                except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
                    # One database or size failing still leaves the others' figures.
                    log(f"{kind}, N={size:,} FAILED: {error}")
                    failures.append(f"{kind}, N={size:,}: {error}")
                save()
    print(report(results, machine, lighthouse_result))
    for failure in failures:
        print(f"FAILED {failure}")
    log(f"done in {(time.monotonic() - started) / 60:.1f} min; results in {out}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, Stopped) as stopped:
        sys.exit(f"bench: {stopped or 'interrupted'}; everything it started is cleaned up.")
