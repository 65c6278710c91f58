"""The public pages in Russian (/ru/), on the bundled record: no English interface string left,
the language switcher and hreflang alternates, the notes on missing and outdated translations,
quotes beside our rendering, and the same number of queries as the English pages."""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Actor, Category, Event, Naming, SourceType, Statement

EVENT = "karimov-denies-to-interfax"  # statements (quoted from English sources) and claims
PAGES = [
    "/",
    "/?category=denial&verification=disputed",
    f"/events/{EVENT}/",
    "/actors/",
    "/actors/ramzan-kadyrov/",
    "/sources/",
    "/sources/rbc-2017-04-01-karimov/",
    "/sources/rferl-2017-04-01-karimov/",
    "/categories/denial/",
    "/places/",
    "/places/akhmad-kadyrov-mosque/",
    "/about/",
    "/embed/",
    f"/events/{EVENT}/correction/",
]
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _in_a_savepoint(bundled, db):
    """Each test gets the loaded chronology (and the db fixture's savepoint around it)."""


class InterfaceText(HTMLParser):
    """A page's visible text, without what is marked as being in another language (a quote as
    its English source prints it, an English headline, the switcher's "English"), and the text
    of the elements that only the interface writes (labels, buttons, table headers...)."""

    INTERFACE = {"legend", "label", "button", "summary", "th", "dt", "nav", "footer", "caption"}
    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "base", "circle", "rect",
            "path"}

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.interface = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        foreign = attrs.get("lang", "ru") != "ru" or tag in {"script", "style", "svg", "title",
                                                              "textarea"}
        self.stack.append((tag, foreign))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(foreign for _, foreign in self.stack):
            return
        self.text.append(data)
        if any(tag in self.INTERFACE for tag, _ in self.stack):
            self.interface.append(data)


def read(html):
    parser = InterfaceText()
    parser.feed(html)
    collapse = lambda parts: " ".join(" ".join(parts).split())  # noqa: E731
    return collapse(parser.text), [" ".join(part.split()) for part in parser.interface]


def english_fragments():
    """The English of the interface, from the catalogue every string of it is marked for: each
    run of three words or more between placeholders and tags."""
    fragments = set()
    for entry in polib.pofile(str(CATALOGUE)):
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            text = re.sub(r"<[^>]+>|&\w+;", "|", msgid)
            for part in re.split(r"%\(\w+\)s|\|", text):
                part = " ".join(part.strip(" .,:;()“”").split())
                if len(re.findall(r"[A-Za-z]{2,}", part)) >= 3:
                    fragments.add(part)
    return fragments


# Latin words the Russian interface keeps as they are: names of formats and services.
KEPT = {"JSON", "API", "CSV", "Atom", "TimelineJS", "Natural", "Earth", "CNN", "OSCE"}
# The models' own choices (kinds of actor, of source, of name), shown as the indexes' headings
# and beside protected names: their Russian belongs to events/locale, not to this catalogue.
MODEL_CHOICES = {str(label) for label in [*Actor.Kind.labels, *SourceType.labels, *Naming.labels]}


def untranslated(html, fragments):
    text, interface = read(html)
    left = sorted(fragment for fragment in fragments - MODEL_CHOICES if fragment in text)
    for part in interface:
        if part in MODEL_CHOICES:
            continue
        words = [word for word in re.findall(r"[A-Za-z]{2,}", part) if word not in KEPT]
        if len(words) >= 2:
            left.append(part)
    return left


@pytest.mark.parametrize("path", PAGES)
def test_no_english_interface_string_is_left_on_a_russian_page(client, path):
    response = client.get("/ru" + path)
    assert response.status_code == 200
    assert untranslated(response.content.decode(), english_fragments()) == []


def test_the_check_finds_an_interface_string_left_in_english(client):
    """The walk above fails on an unmarked string: the English page, read by it, is full."""
    english = client.get(f"/events/{EVENT}/").content.decode()
    left = untranslated(english, english_fragments())
    assert "Is something here wrong or missing? Tell the curators" in left
    assert "What each source says" in left


def test_a_russian_404_is_in_russian(client):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert untranslated(html, english_fragments()) == []
    assert "Страница не найдена" in html


@pytest.mark.parametrize("path", ["/", "/actors/ramzan-kadyrov/", f"/events/{EVENT}/"])
def test_html_lang_hreflang_and_og_locale_follow_the_address(client, path):
    site = settings.SITE_URL
    english = client.get(path).content.decode()
    russian = client.get("/ru" + path).content.decode()
    assert '<html lang="en">' in english and '<html lang="ru">' in russian
    for html in (english, russian):
        assert f'<link rel="alternate" hreflang="en" href="{site}{path}">' in html
        assert f'<link rel="alternate" hreflang="ru" href="{site}/ru{path}">' in html
        assert f'<link rel="alternate" hreflang="x-default" href="{site}{path}">' in html
    assert f'<link rel="canonical" href="{site}/ru{path}">' in russian
    assert '<meta property="og:locale" content="ru_RU">' in russian
    assert '<meta property="og:locale" content="en_GB">' in english


def test_the_switcher_keeps_the_page_and_its_filters(client):
    query = "category=denial&amp;verification=disputed"
    russian = client.get("/ru/", {"category": "denial", "verification": "disputed"})
    english = client.get("/", {"category": "denial", "verification": "disputed"})
    assert f'<a href="/?{query}" hreflang="en" lang="en" data-language="en">English</a>' in (
        russian.content.decode())
    assert (f'<a href="/ru/?{query}" hreflang="ru" lang="ru" data-language="ru">Русский</a>'
            in english.content.decode())
    page = client.get("/ru/actors/ramzan-kadyrov/").content.decode()
    assert 'href="/actors/ramzan-kadyrov/" hreflang="en"' in page
    places = client.get("/ru/places/", {"category": "denial"}).content.decode()
    assert 'href="/places/?category=denial" hreflang="en"' in places


def test_the_switcher_repeats_no_unchecked_parameter(client):
    """Only valid filters travel to the other language: an unknown slug may be a withdrawn
    name, and anything else in the address is not the page's."""
    page = client.get("/ru/", {"category": "denial", "name": "Somebody"}).content.decode()
    assert 'href="/?category=denial" hreflang="en"' in page
    invalid = client.get("/ru/", {"actor": "somebody-withdrawn"})
    assert invalid.status_code == 400
    assert 'href="/" hreflang="en"' in invalid.content.decode()
    assert not re.search(r'href="[^"]*Somebody[^"]*" hreflang', page)


def test_links_on_russian_pages_stay_in_russian(client):
    client.get("/")  # the English page first: its links must not be served to the Russian one
    html = client.get("/ru/").content.decode()
    assert f'href="/ru/events/{EVENT}/"' in html
    assert f'href="/events/{EVENT}/"' not in html
    assert f'href="/events/{EVENT}/"' in client.get("/").content.decode()


def test_a_field_without_russian_says_so_on_the_page(client):
    Event.objects.filter(slug=EVENT).update(summary_ru="")
    note = "Еще не переведено: показано по-английски."
    assert note in client.get(f"/ru/events/{EVENT}/").content.decode()
    assert note in client.get("/ru/categories/denial/").content.decode()  # on its card too
    assert "Not yet translated" not in client.get(f"/events/{EVENT}/").content.decode()


def test_an_outdated_translation_says_so_on_the_page(client):
    Category.objects.filter(slug="denial").update(outdated_language="ru")
    Event.objects.filter(slug=EVENT).update(outdated_language="ru")
    note = "Этот текст написан до последней правки на другом языке и может быть устаревшим."
    assert note in client.get("/ru/categories/denial/").content.decode()
    assert note in client.get(f"/ru/events/{EVENT}/").content.decode()
    assert "may be out of date" not in client.get(f"/events/{EVENT}/").content.decode()


def test_a_quote_printed_in_english_stays_english_beside_our_russian(client):
    statement = Statement.objects.filter(event__slug=EVENT, kind="quote").first()
    html = client.get(f"/ru/events/{EVENT}/").content.decode()
    block = html[html.index(f'id="statement-{statement.pk}"'):]
    block = block[:block.index("</figure>")]
    assert f'<blockquote lang="en"><p>{statement.quote[:30]}' in block.replace("&#x27;", "'")
    assert "Наш перевод:" in block
    assert statement.rendering_ru[:30] in block
    # Said in Russian (spoken_language): the English is the source's translation, and says so.
    assert statement.spoken_language == "ru"
    assert "В переводе <a href=" in block and "с русского" in block
    english = client.get(f"/events/{EVENT}/").content.decode()
    assert "Our translation" not in english and '<blockquote lang="en">' not in english


def test_reported_speech_is_our_russian_account(client):
    statement = Statement.objects.filter(kind="reported", event__isnull=False).first()
    html = client.get(f"/ru{statement.event.get_absolute_url()}").content.decode()
    assert statement.rendering_ru[:40] in html
    assert "сказал(а), " + statement.rendering_ru[:20] in html


def test_russian_plurals_and_dates_of_the_interface(client):
    html = client.get("/ru/actors/").content.decode()
    assert re.search(r"\b1 событие\b", html) and re.search(r"\b[234] события\b", html)
    assert re.search(r"\b(?:[5-9]|1[0-9]) событий\b", html)
    event = client.get(f"/ru/events/{EVENT}/").content.decode()
    assert re.search(r"Обновлено <time datetime=\"[^\"]+\">\d{1,2} [а-я]+ 20\d\d г\.</time>",
                     event)


def queries(client, path):
    cache.clear()  # each language from a cold cache: the filter choices are cached per language
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", PAGES)
def test_a_russian_page_costs_the_same_queries_as_the_english_one(client, path):
    assert queries(client, "/ru" + path) == queries(client, path)


def test_the_first_load_in_russian_is_under_60_kb_gzipped(client):
    html = client.get("/ru/").content
    static = Path(settings.BASE_DIR) / "static"
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="/static/([^"]+)"',
                        html.decode())
    total = len(gzip.compress(html, 6)) + sum(
        len(gzip.compress((static / asset).read_bytes(), 9)) for asset in assets)
    assert total < 60 * 1024


def test_each_language_lists_the_filter_choices_in_its_own_order(client):
    """The choices' querysets are built at import: the first request's language must not
    decide the order (or the names) of every later page's."""
    def categories(path):
        html = client.get(path).content.decode()
        return re.findall(r'name="category" value="[^"]+" id="id_category_\d+"> ([^<]+)</label>',
                          html)

    russian = categories("/ru/")
    english = categories("/")
    assert english == sorted(english, key=str.casefold)
    assert russian == sorted(russian, key=str.casefold)
    assert set(russian).isdisjoint(english)  # the Russian names, from their own cache
