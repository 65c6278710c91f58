"""Regenerate docs/screenshot-desktop.png and docs/screenshot-phone.png.

Serve the site with the bundled chronology first (`make run`), then:
    .venv/bin/python docs/make_screenshots.py [http://127.0.0.1:8000]
Needs Playwright (in the test dependencies) and Debian's chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
HERE = Path(__file__).parent


def main(base_url):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        desktop = browser.new_page(viewport={"width": 1280, "height": 1000})
        desktop.goto(base_url + "/")
        desktop.screenshot(path=HERE / "screenshot-desktop.png")
        phone = browser.new_page(viewport={"width": 360, "height": 780}, is_mobile=True,
                                 device_scale_factor=2)
        phone.goto(base_url + "/?category=denial#results")
        phone.screenshot(path=HERE / "screenshot-phone.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
