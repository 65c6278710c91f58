"""Regenerate the README's screenshots (docs/screenshot-*.png).

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
        # The whole record at a glance: the time axis above the results.
        desktop = browser.new_page(viewport={"width": 1280, "height": 1000})
        desktop.goto(base_url + "/")
        desktop.screenshot(path=HERE / "screenshot-desktop.png")
        # One month, chosen on the axis: the other filters kept.
        desktop.goto(base_url + "/?date_from=2017-04&date_to=2017-04")
        desktop.locator("figure.axis").screenshot(path=HERE / "screenshot-axis-april.png")
        # A phone: the results first, the filters folded, the axis as counts per month.
        phone = browser.new_page(viewport={"width": 360, "height": 780}, is_mobile=True,
                                 device_scale_factor=2)
        phone.goto(base_url + "/?category=denial")
        phone.locator("h1").scroll_into_view_if_needed()
        phone.screenshot(path=HERE / "screenshot-phone.png")
        # The filters unfolded, the count of matches at their foot.
        phone.locator("summary.filters-summary").click()
        phone.get_by_label("Official response").check()
        phone.wait_for_url("**category=official-response**")
        phone.locator("#filters-active").filter(has_text="2 active").wait_for()
        phone.screenshot(path=HERE / "screenshot-phone-filters.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
