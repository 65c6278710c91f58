"""Playwright driving Debian's Chromium against the live test server.

Locally, without Chromium or Playwright, these tests skip and say why. Under CI=true a missing
browser is a failure: CI must run them.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TIMELINEJS = Path(__file__).parent / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason):
    if IN_CI:
        pytest.fail(f"CI must run the browser tests, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (make test installs it)")
    # How long an expectation waits for the page to reach it (Playwright's default is 5 s, the
    # pages' own timeout below is 10 s): the suite runs on both cores (make test), so a browser
    # test shares the machine with another worker's tests, and an htmx round trip through the
    # live server has been seen to take longer than 5 s there.
    expect.set_options(timeout=15_000)
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # beside one unless told it is safe, which it is here: the loop only drives the browser.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe_source():
    if not AXE.exists():
        unavailable(f"axe-core is not installed at {AXE} (make test runs npm ci in tests/browser)")
    return AXE.read_text()


@pytest.fixture
def timelinejs_dist():
    """Knight Lab's TimelineJS, built, as npm installs it (package.json pins the version)."""
    if not (TIMELINEJS / "js" / "timeline.js").exists():
        unavailable(f"TimelineJS is not installed at {TIMELINEJS} "
                    "(make test runs npm ci in tests/browser)")
    return TIMELINEJS


@pytest.fixture
def newsroom():
    """Another site on loopback (another origin than the live server's `localhost`): serves
    whatever HTML the test sets as `newsroom.html` at every path."""
    import http.server
    import threading
    from types import SimpleNamespace

    site = SimpleNamespace(html="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = site.html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield site
    server.shutdown()
    server.server_close()
