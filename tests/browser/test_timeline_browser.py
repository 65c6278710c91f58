"""A reader in a real browser: filtering in place, the URL, the back button, no JavaScript,
a 320 px phone, and an accessibility scan."""

import json

import pytest
from playwright.sync_api import expect

from events.models import Actor
from events.partial_dates import PartialDate

from ..factories import (
    CategoryFactory,
    EventActorFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def record():
    reporting = CategoryFactory(name="Reporting", slug="reporting",
                                description="Reports and exposés.")
    denial = CategoryFactory(name="Denial", slug="denial", description="Official denials.")
    source = SourceArticleFactory(title="Novaya Gazeta report", slug="novaya-report")
    expose = PublishedEventFactory(
        title="Novaya Gazeta reports mass detentions", slug="expose", category=reporting,
        summary="The newspaper reported that about 100 men were detained.",
        start=PartialDate.parse("2017-04-01"), citation__source=source,
        verification="disputed", verification_note="Counts differ between sources.",
    )
    anzor = Actor.objects.create(name="Anzor", slug="anzor", protected_identity=True,
                                 naming="first_name", naming_note="as the AP printed it")
    EventActorFactory(event=expose, actor=anzor, role="survivor")
    denial_event = PublishedEventFactory(
        title="Spokesman denies the report", slug="denial", category=denial,
        summary="A flat denial.", start=PartialDate.parse("2017-04-01"),
    )
    PublishedStatementFactory(event=denial_event,
                              quote="You cannot arrest people who do not exist.")
    PublishedEventFactory(title="Kadyrov tells HBO there are no gays", slug="hbo",
                          category=denial, start=PartialDate.parse("2017-07"),
                          summary="An interview.")
    return {"reporting": reporting, "denial": denial}


def titles(page):
    return page.locator("#results .event-title").all_inner_texts()


def test_filter_in_place_updates_results_and_url(page, live_server, record):
    page.goto(live_server.url + "/")
    assert len(titles(page)) == 3
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Denial").check()
    page.wait_for_url("**/?category=denial")
    expect(page.locator("#results .event")).to_have_count(2)

    assert titles(page) == ["Spokesman denies the report", "Kadyrov tells HBO there are no gays"]
    assert page.evaluate("window.notReloaded") is True  # swapped in place, no page load
    count_text = " ".join(page.locator(".result-count").inner_text().split())
    assert "2 events match these filters" in count_text


def test_reloading_the_pushed_url_gives_the_same_view(page, live_server, record):
    page.goto(live_server.url + "/")
    page.get_by_label("Search").fill("HBO")
    page.wait_for_url("**/?q=HBO*")
    expect(page.locator("#results .event")).to_have_count(1)
    page.reload()
    assert page.locator("h1").inner_text() == "The chronology"  # the whole page, not a fragment
    assert titles(page) == ["Kadyrov tells HBO there are no gays"]
    assert page.get_by_label("Search").input_value() == "HBO"


def test_back_button_restores_the_previous_view(page, live_server, record):
    page.goto(live_server.url + "/?category=reporting")
    assert titles(page) == ["Novaya Gazeta reports mass detentions"]
    page.get_by_label("Denial").check()
    expect(page.locator("#results .event")).to_have_count(3)
    page.go_back()
    page.wait_for_url("**/?category=reporting")
    expect(page.locator("#results .event")).to_have_count(1)
    assert titles(page) == ["Novaya Gazeta reports mass detentions"]
    assert page.locator("header.site-header").count() == 1  # a whole page, not a bare fragment
    page.go_forward()
    expect(page.locator("#results .event")).to_have_count(3)


def test_the_same_filter_works_without_javascript(browser, live_server, record):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("Denial").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/?*category=denial*")
    assert titles(page) == ["Spokesman denies the report", "Kadyrov tells HBO there are no gays"]
    page.get_by_role("link", name="Clear all").click()
    assert len(titles(page)) == 3
    context.close()


@pytest.mark.parametrize("path", ["/", "/events/expose/", "/about/", "/actors/anzor/"])
def test_no_horizontal_scroll_on_a_320px_phone(browser, live_server, record, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


@pytest.mark.parametrize("path", ["/", "/events/expose/", "/?category=nope", "/about/"])
def test_no_serious_accessibility_violations(browser, live_server, record, axe_source, path):
    # The page's Content-Security-Policy rightly refuses injected scripts; axe is ours.
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


def test_keyboard_reaches_the_filters_and_focus_is_visible(page, live_server, record):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    assert page.evaluate("document.activeElement.id") == "id_q"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
