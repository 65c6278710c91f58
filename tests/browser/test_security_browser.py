"""The Content-Security-Policy, in a real Chromium: injected inline script does not run, while
every page of our own (the chronology, an event, the API docs, the curators' admin) works
without a single CSP violation.

Page.evaluate and add_init_script are the browser's debugging protocol, not page script, so
they run whatever the policy says: they stand in for "an attacker got markup into the page"
and for the observer that records violations.
"""

import contextlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from events.models import Actor
from events.partial_dates import PartialDate

from ..factories import CategoryFactory, PublishedEventFactory, PublishedStatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations and console errors from before the first byte."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []  # script errors and CSP reports; failed loads are below
    page.on("console", lambda message: message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.failed_loads = []  # our own resources that did not load (the browser's favicon aside)
    page.on("response", lambda response: response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
            and page.failed_loads.append(f"{response.status} {response.url}"))
    return page


def violations(page, at_least=0):
    """The violations so far; waits (up to 5 s) for `at_least` of them, as browsers report
    some (a javascript: navigation) a moment after the fact."""
    for _ in range(100):
        found = page.evaluate("window.cspViolations")
        if len(found) >= at_least:
            return found
        page.wait_for_timeout(50)
    return found


@pytest.fixture
def event():
    event = PublishedEventFactory(
        title="Novaya Gazeta reports mass detentions", slug="expose",
        category=CategoryFactory(name="Reporting", slug="reporting"),
        start=PartialDate.parse("2017-04-01"), summary="About 100 men were detained.",
    )
    PublishedStatementFactory(event=event, quote="There are no such people here.")
    return event


def test_injected_inline_script_does_not_run(watched, live_server, event):
    page = watched
    page.goto(live_server.url + "/")
    expect(page.locator("#results .event")).to_have_count(1)

    with contextlib.suppress(PlaywrightError):  # refused outright: as good as not running
        page.add_script_tag(content="window.pwned = 'script element'")
    page.evaluate("""() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend",
            '<button id="evil-button" onclick="window.pwned = \\'onclick\\'">Press</button>' +
            '<img id="evil-image" src="/no-such.png" onerror="window.pwned = \\'onerror\\'">' +
            '<a id="evil-link" href="javascript:window.pwned = \\'javascript: URL\\'">Go</a>');
    }""")
    page.locator("#evil-button").click()
    page.locator("#evil-link").click()
    expect(page.locator("#evil-image")).to_have_js_property("complete", True)

    assert page.evaluate("window.pwned") is None
    # It was the policy that stopped each of them: the script element, the handlers and the URL.
    blocked = violations(page, at_least=4)
    assert len(blocked) >= 4, blocked
    assert all(v.startswith("script-src") for v in blocked), blocked


def test_injected_inline_style_is_refused_on_public_pages(watched, live_server, event):
    page = watched
    page.goto(live_server.url + "/")
    page.evaluate("""() => document.head.insertAdjacentHTML(
        "beforeend", "<style>body { display: none }</style>")""")
    expect(page.locator("h1")).to_be_visible()
    assert any(v.startswith("style-src") for v in violations(page))


@pytest.mark.parametrize("path", ["/", "/events/expose/", "/about/", "/no-such-page/"])
def test_our_pages_work_under_the_policy(watched, live_server, event, path):
    page = watched
    page.goto(live_server.url + path)
    expect(page.locator("h1")).to_be_visible()
    # htmx loaded and read its configuration from the <meta> tag, not from inline script.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.historyRestoreAsHxRequest") is False
    assert violations(page) == []
    assert page.console_errors == []
    assert page.failed_loads == []


def test_filtering_in_place_works_under_the_policy(watched, live_server, event):
    page = watched
    PublishedEventFactory(title="Kadyrov's spokesman denies it", slug="denial",
                          category=CategoryFactory(name="Denial", slug="denial"))
    page.goto(live_server.url + "/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Denial").check()
    page.wait_for_url("**/?category=denial")
    expect(page.locator("#results .event")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True
    assert violations(page) == []
    assert page.console_errors == []
    assert page.failed_loads == []


def test_event_json_ld_is_data_not_script(watched, live_server, event):
    page = watched
    page.goto(live_server.url + "/events/expose/")
    data = page.evaluate("""JSON.parse(
        document.querySelector('script[type="application/ld+json"]').textContent)""")
    assert data["name"] == "Novaya Gazeta reports mass detentions"
    assert violations(page) == []


def test_swagger_ui_renders_under_the_policy(watched, live_server, event):
    page = watched
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Chechnya 2017")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    # Open "List published events", try it out, and let Swagger call the API and render it.
    operation = page.locator(".swagger-ui .opblock", has_text="List published events")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    response = operation.locator(".responses-wrapper .live-responses-table")
    expect(response).to_contain_text("Novaya Gazeta reports mass detentions")
    assert violations(page) == []
    assert page.console_errors == []
    assert page.failed_loads == []


@pytest.fixture
def curator(django_user_model):
    """tests/conftest.py's curator, for a transactional test: flushing the database between
    such tests removes the Curators group its data migration made, so it is made again."""
    group, _ = Group.objects.get_or_create(name="Curators")
    group.permissions.set(Permission.objects.filter(
        content_type__app_label="events", codename__regex=r"^(add|change|view)_"
    ))
    user = django_user_model.objects.create_user(
        username="curator", password="a long curator passphrase", is_staff=True
    )
    user.groups.add(group)
    return user


def test_the_admin_works_under_the_policy(watched, live_server, curator):
    """Login, a change form with autocomplete widgets, a prepopulated slug and inline
    "add another": Django's admin runs no inline script, so the policy costs it nothing."""
    page = watched
    Actor.objects.create(name="Alvi Karimov", slug="alvi-karimov")
    CategoryFactory(name="Denial", slug="denial")

    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a long curator passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("curators")

    page.goto(live_server.url + reverse("admin:events_event_add"))
    page.locator("#id_title_en").fill("Kadyrov's spokesman denies the report")
    page.locator("#id_location_en").click()
    # The slug is filled in by admin/js/prepopulate.js from the title.
    expect(page.locator("#id_slug")).to_have_value("kadyrovs-spokesman-denies-the-report")

    # Autocomplete (select2 over the admin's JSON endpoint).
    page.locator("#participations-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Karim")
    page.locator(".select2-results__option", has_text="Alvi Karimov").click()
    expect(page.locator("#select2-id_participations-0-actor-container")).to_have_text(
        "Alvi Karimov"
    )

    # "Add another" on an inline (admin/js/inlines.js).
    citations = page.locator("#citations-group .inline-related:not(.empty-form)")
    before = citations.count()
    page.locator("#citations-group .add-row a").click()
    expect(citations).to_have_count(before + 1)

    # The change list with its filters, date hierarchy and actions; a change page.
    event = PublishedEventFactory(title="Spokesman denies", slug="spokesman-denies")
    page.goto(live_server.url + reverse("admin:events_event_changelist"))
    expect(page.locator("#result_list")).to_contain_text("Spokesman denies")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    page.goto(live_server.url + reverse("admin:events_event_change", args=[event.pk]))
    expect(page.locator("#id_title_en")).to_have_value("Spokesman denies")
    page.goto(live_server.url + reverse("admin:events_event_history", args=[event.pk]))
    expect(page.locator("h1")).to_be_visible()

    assert violations(page) == []
    assert page.console_errors == []
    assert page.failed_loads == []
