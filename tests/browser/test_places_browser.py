"""The map page in a real browser: no horizontal scroll on a 320 px phone, no serious
accessibility violations, and the markers lead to the chronology filtered to a place."""

import json

import pytest

from ..factories import EventPlaceFactory, PlaceFactory, PublishedEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def places():
    moscow = PlaceFactory(name="Moscow", slug="moscow", latitude=55.7558, longitude=37.6173)
    argun = PlaceFactory(name="Argun", slug="argun", sensitive=True, latitude=43.29171,
                         longitude=45.87223)
    washington = PlaceFactory(name="Washington, D.C.", slug="washington", latitude=38.9072,
                              longitude=-77.0369)
    for title, place in [("Novaya Gazeta reports", moscow), ("A second report", moscow),
                         ("Secret prison reported", argun), ("State Department", washington)]:
        EventPlaceFactory(event=PublishedEventFactory(title=title), place=place)
    return {"moscow": moscow, "argun": argun}


PAGES = ["/places/", "/places/argun/", "/places/?date_from=2017-13"]


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scroll_on_a_320px_phone(browser, live_server, places, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(browser, live_server, places, axe_source, path):
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(live_server.url + path)
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async () => await axe.run(document, "
        "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'wcag22aa', 'best-practice']}})"
    )
    serious = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], json.dumps(serious, indent=2)
    assert result["passes"], "axe ran no checks"


def test_a_marker_and_the_list_lead_to_the_filtered_chronology(page, live_server, places):
    page.goto(live_server.url + "/places/")
    page.locator(".map--world a[href='/?place=moscow'] circle").click()
    page.wait_for_url("**/?place=moscow")
    assert sorted(page.locator("#results .event-title").all_inner_texts()) == [
        "A second report", "Novaya Gazeta reports"
    ]

    page.goto(live_server.url + "/places/")
    page.get_by_role("link", name="Argun").first.click()
    page.wait_for_url("**/?place=argun")
    assert page.locator("#results .event-title").all_inner_texts() == ["Secret prison reported"]
