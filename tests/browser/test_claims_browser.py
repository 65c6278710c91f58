"""Figures in dispute, who's who and the bibliography in a real browser: the panel on / opens
without JavaScript help, the tables fit a 320 px phone, and axe finds nothing serious."""

import json

import pytest
from playwright.sync_api import expect

from events.models import Actor
from events.partial_dates import PartialDate

from ..factories import (
    CategoryFactory,
    ClaimFactory,
    ClaimValueFactory,
    EventActorFactory,
    MediaOutletFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/events/expose/", "/actors/", "/sources/", "/actors/anzor/",
         "/sources/novaya-report/"]


@pytest.fixture
def record():
    reporting = CategoryFactory(name="Reporting", slug="reporting")
    novaya = MediaOutletFactory(name="Novaya Gazeta", slug="novaya-gazeta")
    report = SourceArticleFactory(title="Novaya Gazeta report", slug="novaya-report",
                                  publisher=novaya)
    later = SourceArticleFactory(title="A later report with a rather long title, as they are",
                                 slug="later-report", published_date=PartialDate.parse(
                                     "2017-04-24").date, source_type="wire")
    expose = PublishedEventFactory(
        title="Novaya Gazeta reports mass detentions", slug="expose", category=reporting,
        summary="The newspaper reported that more than 100 men were detained.",
        start=PartialDate.parse("2017-04-01"), citation__source=report,
    )
    anzor = Actor.objects.create(name="Anzor", slug="anzor", protected_identity=True,
                                 naming="first_name", naming_note="as the AP printed it")
    EventActorFactory(event=expose, actor=anzor, role="survivor")
    EventActorFactory(event=expose, actor=novaya, role="reported")
    PublishedStatementFactory(event=expose, speaker=anzor, citation__source=report,
                              quote="They beat us.")
    prisons = ClaimFactory(question="How many secret prisons?", slug="prisons", headline=True,
                           events=[expose], conclusion="A development, not a dispute.")
    one = ClaimValueFactory(claim=prisons, source=report, value="one, in Argun",
                            relies_on="men who were held there", is_summary=True,
                            excerpt="The newspaper locates one secret prison, in Argun.")
    ClaimValueFactory(claim=prisons, source=later, value="at least six", supersedes=one,
                      relies_on="its own sources", excerpt="at least six secret prisons")
    detained = ClaimFactory(question="How many men were detained?", slug="detained",
                            headline=True, events=[expose])
    ClaimValueFactory(claim=detained, source=report, value="more than 100")
    ClaimValueFactory(claim=detained, source=later, value="several dozen")
    return {"expose": expose}


def test_the_panel_opens_on_a_click_and_shows_each_sources_figure(page, live_server, record):
    page.goto(live_server.url + "/")
    panel = page.locator("details.claims-panel")
    table = panel.get_by_role("table", name="How many secret prisons?")
    expect(table).to_be_hidden()

    panel.locator("summary").click()

    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table).to_contain_text("Superseded by the later report of 24 April 2017")


def test_the_event_page_table_names_each_source(page, live_server, record):
    page.goto(live_server.url + "/events/expose/")

    table = page.get_by_role("table", name="How many secret prisons?")

    expect(table.get_by_role("link", name="Novaya Gazeta report")).to_be_visible()
    expect(page.locator("#claim-prisons-conclusion")).to_contain_text(
        "A development, not a dispute.")


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scroll_on_a_320px_phone(browser, live_server, record, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(browser, live_server, record, axe_source, path):
    # The page's Content-Security-Policy rightly refuses injected scripts; axe is ours.
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(live_server.url + path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
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
