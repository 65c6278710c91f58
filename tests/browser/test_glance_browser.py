"""The chronology at a glance, in a real browser: the time axis (marks, month links, keyboard,
filters), the phone layout, and the back button restoring the form with the results."""

import json

import pytest
from playwright.sync_api import expect

from events.partial_dates import PartialDate

from ..factories import CategoryFactory, PublishedEventFactory, SourceArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def record():
    reporting = CategoryFactory(name="Reporting", slug="reporting")
    denial = CategoryFactory(name="Denial", slug="denial")
    testimony = CategoryFactory(name="Testimony", slug="testimony")
    source = SourceArticleFactory(title="Novaya Gazeta report", slug="novaya-report")
    PublishedEventFactory(
        title="Novaya Gazeta reports mass detentions", slug="expose", category=reporting,
        start=PartialDate.parse("2017-04-01"), citation__source=source,
        verification="disputed", verification_note="Counts differ between sources.",
    )
    PublishedEventFactory(title="Spokesman denies the report", slug="denial", category=denial,
                          start=PartialDate.parse("2017-04-01"))
    PublishedEventFactory(title="A survivor speaks", slug="survivor", category=testimony,
                          start=PartialDate.parse("c. 2017-05-10"))
    PublishedEventFactory(title="Kadyrov tells HBO there are no gays", slug="hbo",
                          category=denial, start=PartialDate.parse("2017-07"))


def titles(page):
    return page.locator("#results .event-title").all_inner_texts()


def axis(page):
    return page.locator("svg.axis-svg--detail")


def checked(page):
    return sorted(page.eval_on_selector_all(
        "form.filters input[type=checkbox]:checked", "boxes => boxes.map(box => box.value)"))


def test_every_event_has_a_mark_that_links_to_it(page, live_server, record):
    page.goto(live_server.url + "/")
    summary = page.locator("#axis-summary").inner_text()
    assert summary == "4 events from April to July 2017, 2 of them in April."
    marks = axis(page).locator("g.ax-marks a")
    expect(marks).to_have_count(4)
    # Each mark's accessible name is its event's title; a disputed one says so.
    disputed = axis(page).get_by_role("link", name="Novaya Gazeta reports mass detentions (disputed)")
    expect(disputed).to_have_count(1)
    assert disputed.locator("path").count() == 1  # a diamond, not a dot
    month_only = axis(page).get_by_role("link", name="Kadyrov tells HBO there are no gays")
    assert month_only.locator("rect").count() == 1  # a bar across July
    month_only.click()
    page.wait_for_url("**/events/hbo/")
    assert page.locator("h1").inner_text() == "Kadyrov tells HBO there are no gays"


def test_a_month_on_the_axis_swaps_in_that_month_and_the_form_follows(page, live_server, record):
    page.goto(live_server.url + "/?category=denial&category=reporting")
    page.evaluate("window.notReloaded = true")
    axis(page).get_by_role("link", name="April 2017: 2 events. Show this month").click()
    page.wait_for_url("**/?category=denial&category=reporting&date_from=2017-04&date_to=2017-04")
    expect(page.locator("#results .event")).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True  # swapped in place
    # The form shows the month too, so the next filter keeps it.
    assert page.get_by_label("From", exact=True).input_value() == "2017-04"
    assert page.get_by_label("To", exact=True).input_value() == "2017-04"
    page.get_by_label("Reporting").uncheck()
    page.wait_for_url("**/?category=denial&date_from=2017-04&date_to=2017-04")
    assert titles(page) == ["Spokesman denies the report"]
    # The axis shows the month, with the way back to every date.
    expect(page.locator("#axis-summary")).to_have_text("1 event, in April 2017.")
    page.locator(".axis-summary").get_by_role("link", name="All dates").click()
    page.wait_for_url("**/?category=denial")
    expect(page.locator("#results .event")).to_have_count(2)
    assert page.get_by_label("From", exact=True).input_value() == ""


def test_the_axis_follows_the_filters_and_the_search(page, live_server, record):
    page.goto(live_server.url + "/")
    page.get_by_label("Denial").check()
    page.wait_for_url("**/?category=denial")
    expect(page.locator("#axis-summary")).to_have_text(
        "2 events from April to July 2017, 1 of them in April.")
    expect(axis(page).locator("g.ax-marks a")).to_have_count(2)
    page.get_by_label("Search").fill("HBO")
    page.wait_for_url("**/?q=HBO&category=denial")
    expect(axis(page).locator("g.ax-marks a")).to_have_count(1)


def test_the_axis_is_reached_by_keyboard_with_a_visible_focus(page, live_server, record):
    page.goto(live_server.url + "/")
    page.locator("#id_q").focus()
    names = []
    for _ in range(80):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "(() => { const a = document.activeElement; return a.closest('svg.axis-svg--detail')"
            " ? a.querySelector('title').textContent : null })()")
        if name:
            names.append(name)
        if name == "A survivor speaks":
            break
    assert "April 2017: 2 events. Show this month" in names
    assert names[-1] == "A survivor speaks"
    # The focused mark is drawn with the focus colour and a thick outline.
    stroke = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement.querySelector('rect'));"
        " return [s.stroke, s.strokeWidth] })()")
    assert stroke == ["rgb(26, 79, 160)", "3px"]
    page.keyboard.press("Shift+Tab")
    while "Show this month" not in (page.evaluate(
            "document.activeElement.querySelector('title')?.textContent") or "Show this month"):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?date_from=*")


PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_a_phone_shows_the_results_first_and_the_filters_folded(browser, live_server, record):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/?category=denial&verification=disputed&verification=reported")
    summary = page.locator("summary.filters-summary")
    expect(summary).to_contain_text("Filters (3 active)")
    expect(page.locator("form.filters")).to_be_hidden()
    # The results begin on the first screen; on a phone the axis is the overview by month.
    assert page.locator("#results").bounding_box()["y"] < 740
    expect(page.locator("svg.axis-svg--overview")).to_be_visible()
    expect(page.locator("svg.axis-svg--detail")).to_be_hidden()
    summary.click()
    expect(page.locator("form.filters")).to_be_visible()
    page.get_by_label("Reporting").check()
    # The new count is announced (a status region) and in view at the foot of the filters.
    live = page.locator("#live-count")
    expect(live).to_have_text("2 events match these filters.")
    assert live.get_attribute("role") == "status"
    expect(live).to_be_in_viewport()
    expect(summary).to_contain_text("Filters (4 active)")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


def test_the_filters_fold_and_unfold_without_javascript(browser, live_server, record):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("form.filters")).to_be_hidden()
    page.locator("summary.filters-summary").click()
    page.get_by_label("Denial").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/?*category=denial*")
    assert titles(page) == ["Spokesman denies the report", "Kadyrov tells HBO there are no gays"]
    expect(page.locator("summary.filters-summary")).to_contain_text("Filters (1 active)")
    context.close()


def test_wider_than_a_phone_the_filters_are_always_open(page, live_server, record):
    page.goto(live_server.url + "/")
    expect(page.locator("form.filters")).to_be_visible()
    expect(page.locator("summary.filters-summary")).to_be_hidden()


def test_back_and_forward_restore_the_form_with_the_results(page, live_server, record):
    page.goto(live_server.url + "/")
    page.get_by_label("Denial").check()
    page.wait_for_url("**/?category=denial")
    page.get_by_label("Reporting").check()
    page.wait_for_url("**/?category=denial&category=reporting")
    page.get_by_label("Search").fill("report")
    page.wait_for_url("**/?q=report&category=denial&category=reporting")

    page.go_back()
    page.wait_for_url("**/?category=denial&category=reporting")
    assert page.get_by_label("Search").input_value() == ""
    page.go_back()
    page.wait_for_url("**/?category=denial")
    expect(page.locator("#results .event")).to_have_count(2)
    assert checked(page) == ["denial"]  # the box the results say, and only it
    # So the next click adds to the view instead of silently replacing it.
    page.get_by_label("Testimony").check()
    page.wait_for_url("**/?category=denial&category=testimony")
    expect(page.locator("#results .event")).to_have_count(3)

    page.go_back()
    page.wait_for_url("**/?category=denial")
    page.go_forward()
    page.wait_for_url("**/?category=denial&category=testimony")
    assert checked(page) == ["denial", "testimony"]
    expect(page.locator("#results .event")).to_have_count(3)


@pytest.mark.parametrize(("path", "options"), [
    ("/?date_from=2017-04&date_to=2017-04", {}),
    ("/?category=denial", PHONE),
])
def test_no_serious_accessibility_violations(browser, live_server, record, axe_source, path,
                                             options):
    page = browser.new_context(bypass_csp=True, **options).new_page()
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


def test_printed_pages_keep_the_record_and_drop_the_controls(page, live_server, record):
    page.emulate_media(media="print")
    page.goto(live_server.url + "/")
    style = "(selector, pseudo) => getComputedStyle(document.querySelector(selector), pseudo)"
    assert page.evaluate(f"({style})('.site-header').backgroundColor") == "rgba(0, 0, 0, 0)"
    for nav in page.locator(".site-header nav").all():  # the site's and the languages'
        expect(nav).to_be_hidden()
    expect(page.locator(".filters-panel")).to_be_hidden()
    # One event is not split across pages.
    assert page.evaluate(f"({style})('.event').breakInside") == "avoid"
    # Each event prints its address; its page, the address of every source it cites.
    after = page.evaluate(f"({style})('.event .permalink a', '::after').content")
    assert f"{live_server.url}/events/" in after or "/events/" in after
    page.goto(live_server.url + "/events/expose/")
    after = page.evaluate(f"({style})('.notes a[href^=\"http\"]', '::after').content")
    assert "https://news.example.org/article-" in after
    expect(page.locator(".permalink")).to_contain_text("Link to this event: http")
