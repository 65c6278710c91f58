"""Lighthouse for `make bench`: every page type of the bundled record, and the same record in
Knight Lab's TimelineJS 3, in Debian's Chromium with Lighthouse's default mobile emulation
(a Moto G Power-sized screen, simulated slow 4G and a 4x slower CPU).

bench/run.py starts the servers; this module runs Lighthouse (npm `lighthouse`, pinned in
bench/package.json), reads its JSON report and serves TimelineJS compressed from a small static
server of its own (Python's http.server does not compress).
"""

# Lighthouse is a fixed program (this folder's node_modules) given http://127.0.0.1 URLs built
# here; the static server binds 127.0.0.1 and serves only the files it was handed.
# ruff: noqa: S603

import gzip
import json
import mimetypes
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
LIGHTHOUSE_CLI = BENCH / "node_modules" / "lighthouse" / "cli" / "index.js"
TIMELINEJS_DIST = BENCH / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
CHROME = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
CATEGORIES = ("performance", "accessibility")
# An audit that can fail: the others are informative, manual or not applicable to the page.
SCORED_MODES = {"binary", "numeric", "metricSavings"}

# The pages Lighthouse loads, in order: (label, path or the key of the URL picked from the
# record by bench/inspect_record.py, first-load budget in KB compressed). A page that answers
# 404 (Russian before it lands) or that the record lacks is skipped, and the report says why.
PAGES = [
    ("/", "/", 60),
    ("/ru/", "/ru/", 60),
    ("/places/", "/places/", 80),
    ("/actors/", "/actors/", 60),
    ("/sources/", "/sources/", 60),
    ("event page with claims", "event_claims", 60),
    ("/embed/", "/embed/", 60),
]
SCORE_BUDGET = 100


def _package_version(folder):
    try:
        return json.loads((folder / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "(not installed)"


TIMELINEJS_VERSION = _package_version(TIMELINEJS_DIST.parent)


def lighthouse_version(result):
    """The version the reports name (the pinned one, unless something else ran)."""
    versions = {page.get("lighthouse") for page in result.get("pages", [])} - {None}
    return ", ".join(sorted(versions)) or _package_version(LIGHTHOUSE_CLI.parent.parent)


def missing():
    """Why Lighthouse cannot run here, or "" when it can."""
    if not LIGHTHOUSE_CLI.exists():
        return f"{LIGHTHOUSE_CLI.relative_to(BENCH.parent)} is missing: run npm ci --prefix bench"
    if not Path(CHROME).exists():
        return f"Chromium not found at {CHROME} (apt-get install chromium, or set CHROME_PATH)"
    if not shutil.which("node"):
        return "node is not installed"
    return ""


def run(url, out_path):
    """Lighthouse's JSON report of one page load (mobile emulation, the two categories)."""
    subprocess.run(
        [
            shutil.which("node") or "node", str(LIGHTHOUSE_CLI), url,
            "--output=json", f"--output-path={out_path}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(Path(out_path).read_text())


def summarize(report):
    """The figures the benchmark prints from one Lighthouse report: scores out of 100 (None
    when Lighthouse could not score), milliseconds, transferred bytes, and per category under
    100 the titles of the audits that failed."""
    audits = report["audits"]

    def value(audit_id):
        figure = audits.get(audit_id, {}).get("numericValue")
        return round(figure) if figure is not None else None

    summary = {
        "url": report.get("finalDisplayedUrl") or report.get("requestedUrl"),
        "lighthouse": report.get("lighthouseVersion"),
        "form_factor": report.get("configSettings", {}).get("formFactor"),
        "fcp_ms": value("first-contentful-paint"),
        "lcp_ms": value("largest-contentful-paint"),
        "tbt_ms": value("total-blocking-time"),
        "bytes": value("total-byte-weight"),
        "requests": len(audits.get("network-requests", {}).get("details", {}).get("items", [])),
        "tti_ms": value("interactive"),
        # Lighthouse's measure of this machine's speed at the time (higher is faster): other
        # work on the machine lowers it and lengthens the simulated figures, TBT most.
        "benchmark_index": report.get("environment", {}).get("benchmarkIndex"),
        # Where the main thread's time went, by Lighthouse's groups (style and layout, script
        # evaluation, parsing, ...; in ms, scaled as the simulation scales it), and the page's
        # element count: what to look at first when Total Blocking Time costs a page its 100.
        "main_thread_ms": {
            item["group"]: round(item["duration"])
            for item in (audits.get("mainthread-work-breakdown", {}).get("details") or {})
            .get("items", [])
        },
        "dom_elements": value("dom-size"),
        "runtime_error": (report.get("runtimeError") or {}).get("message", ""),
        "warnings": report.get("runWarnings", []),
        # Lighthouse 12.2.3 on a newer Chromium cannot run a few diagnostics (its trace-elements
        # gatherer fails): none weighs in a score, but the report says which.
        "errored": sorted(audit_id for audit_id, audit in audits.items()
                          if audit.get("scoreDisplayMode") == "error"),
        "failing": {},
    }
    for name in CATEGORIES:
        category = report["categories"].get(name, {})
        score = category.get("score")
        summary[name] = round(score * 100) if score is not None else None
        if summary[name] is None or summary[name] < SCORE_BUDGET:
            summary["failing"][name] = failing_audits(category, audits)
    return summary


def median_run(summaries):
    """The run Lighthouse itself would report from several (its computeMedianRun): the one
    nearest the median first contentful paint and time to interactive together."""
    if len(summaries) <= 2:
        return min(summaries, key=lambda summary: summary["performance"] is None)

    def median(key):
        values = sorted(summary[key] or 0 for summary in summaries)
        return values[len(values) // 2]

    fcp, tti = median("fcp_ms"), median("tti_ms")

    def distance(summary):
        return ((((summary["fcp_ms"] or 0) - fcp) / (fcp or 1)) ** 2
                + (((summary["tti_ms"] or 0) - tti) / (tti or 1)) ** 2)

    return min(summaries, key=distance)


def failing_audits(category, audits):
    """`title (score)` of the category's audits that count and did not pass, worst first."""
    failing = []
    for ref in category.get("auditRefs", []):
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if audit.get("scoreDisplayMode") in SCORED_MODES and score is not None and score < 1:
            failing.append((score, f"{audit.get('title', ref['id'])} ({score:.2f})"))
    return [title for _, title in sorted(failing, key=lambda item: item[0])]


def budget_checks(label, summary, bytes_budget_kb):
    """(name, passed, detail) of each budget a page is held to."""
    checks = []
    for name in CATEGORIES:
        score = summary[name]
        checks.append((f"Lighthouse {name} {SCORE_BUDGET} on {label}",
                       score is not None and score >= SCORE_BUDGET,
                       "not scored" if score is None else str(score)))
    size = summary["bytes"]
    checks.append((f"first load of {label} < {bytes_budget_kb} KB compressed",
                   size is not None and size < bytes_budget_kb * 1024,
                   "not measured" if size is None else f"{size / 1024:.1f} KB"))
    return checks


# TimelineJS, served compressed from this machine ------------------------------------------------

# Knight Lab's own embed, as its documentation gives it, sized for a phone (Lighthouse emulates
# one). font: false, or TimelineJS fetches its web fonts from Google; script_path, or it fetches
# its parts from Knight Lab's CDN: the whole page comes from the local server.
TIMELINEJS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The chronology in TimelineJS</title>
<link rel="stylesheet" href="css/timeline.css">
<script src="js/timeline.js"></script></head>
<body style="margin: 0">
<div id="timeline-embed" style="width: 100%; height: 100vh"></div>
<script>
  window.timeline = new TL.Timeline("timeline-embed", "timeline.json",
    {script_path: location.origin + "/js/", font: false, theme: null, language: "en",
     hash_bookmark: false});
</script></body></html>
"""


class StaticFiles:
    """Files held in memory with their gzip (level 9, as a CDN stores them), by URL path."""

    def __init__(self):
        self.files = {}

    def add(self, path, body, content_type=None):
        content_type = content_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in {
            "application/javascript", "application/json", "image/svg+xml",
        }:
            content_type += "; charset=utf-8"
        self.files[path] = (content_type, body, gzip.compress(body, 9, mtime=0))

    def add_tree(self, folder, prefix="/"):
        for file in sorted(Path(folder).rglob("*")):
            if file.is_file() and not file.name.endswith(".map"):
                self.add(prefix + file.relative_to(folder).as_posix(), file.read_bytes())

    def response(self, path, accept_encoding):
        """(status, headers, body) for a GET of `path`."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path == "/":
            path = "/index.html"
        if path not in self.files:
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found"
        content_type, body, compressed = self.files[path]
        headers = {"Content-Type": content_type, "Cache-Control": "public, max-age=3600",
                   "Vary": "Accept-Encoding"}
        if "gzip" in accept_encoding.lower():
            headers["Content-Encoding"] = "gzip"
            body = compressed
        return 200, headers, body


def timelinejs_files(export_json):
    files = StaticFiles()
    files.add_tree(TIMELINEJS_DIST / "js", "/js/")
    files.add_tree(TIMELINEJS_DIST / "css", "/css/")
    files.add("/index.html", TIMELINEJS_PAGE.encode())
    files.add("/timeline.json", export_json)
    return files


def serve(files, host="127.0.0.1"):
    """Start a threaded server of `files` on a free port; returns (server, base URL). Stop it
    with server.shutdown(); server.server_close()."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self._answer(head=False)

        def do_HEAD(self):
            self._answer(head=True)

        def _answer(self, head):
            status, headers, body = files.response(
                self.path, self.headers.get("Accept-Encoding", ""))
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"
