"""The API, the exports and the machine-readable outputs in English and Russian: language
negotiation, cache variation, each item's translation state, and every export in Russian."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events import mirror
from events.models import Event, Statement

from .factories import PublishedEventFactory

pytestmark = [pytest.mark.django_db]

TITLE_RU = "«Новая газета» сообщает о задержаниях"
DENIAL_RU = "Кадыров всё отрицает в интервью HBO"


@pytest.fixture
def russian(record):
    """The record with part of it in Russian: two event titles (not the summaries), a
    category, a place, Kadyrov's name and our Russian rendering of his English-printed words."""
    record.exposé_event.title_ru = TITLE_RU
    record.exposé_event.save()
    record.denial.title_ru = DENIAL_RU
    record.denial.summary_ru = "Кадыров говорит HBO, что таких людей в Чечне нет."
    record.denial.verification_note_ru = "Дата записи интервью не указана."
    record.denial.save()
    record.reporting.name_ru = "Сообщения"
    record.reporting.save()
    record.grozny.name_ru = "Грозный"
    record.grozny.save()
    record.kadyrov.name_ru = "Рамзан Кадыров"
    record.kadyrov.save()
    record.interview.rendering_ru = "У нас нет никаких геев."
    record.interview.save()
    return record


def event_in(data, slug):
    return next(item for item in data if item["slug"] == slug)


def titles(response):
    return [item["title"] for item in response.json()["items"]]


# Negotiation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "accept", "language"), [
    ({}, None, "en"),
    ({"lang": "ru"}, None, "ru"),
    ({"lang": "en"}, "ru", "en"),  # ?lang= wins over the header
    ({}, "ru", "ru"),
    ({}, "ru-RU,ru;q=0.9", "ru"),
    ({}, "de, ru;q=0.8, en;q=0.5", "ru"),  # the first of ours by preference
    ({}, "ru;q=0.4, en;q=0.8", "en"),  # q-values, not the order written
    ({}, "en-GB,en;q=0.9,ru;q=0.8", "en"),
    ({}, "fr, de", "en"),  # none of ours: English
])
def test_the_language_is_negotiated_by_lang_then_accept_language(client, russian, query,
                                                                 accept, language):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/api/v1/events", query, headers=headers)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    item = event_in(response.json()["items"], russian.exposé_event.slug)
    assert item["title"] == (TITLE_RU if language == "ru" else russian.exposé_event.title_en)
    assert item["translation"]["language"] == language


@pytest.mark.parametrize("value", ["xx", "de", "RU", "", "ru-RU"])
def test_an_unknown_lang_is_a_clear_400(client, record, value):
    response = client.get("/api/v1/events", {"lang": value})

    assert response.status_code == 400
    assert "lang must be one of en, ru" in response.json()["detail"]


def test_an_english_request_after_a_russian_one_never_gets_russian(client, russian):
    russian_answer = client.get("/api/v1/events", {"lang": "ru"})
    tag = russian_answer["ETag"]
    assert TITLE_RU in titles(russian_answer)

    for headers in ({"If-None-Match": tag}, {"If-None-Match": tag, "Accept-Language": "en"}):
        english = client.get("/api/v1/events", headers=headers)
        assert english.status_code == 200, "a Russian ETag must not be fresh for English"
        assert english["Content-Language"] == "en"
        assert TITLE_RU not in titles(english)
        assert english["ETag"] != tag
    # The Russian client's own copy is still fresh for it.
    again = client.get("/api/v1/events", headers={"If-None-Match": tag, "Accept-Language": "ru"})
    assert again.status_code == 304


def test_the_etag_names_the_language_even_where_the_body_reads_the_same(client, record):
    """An empty list is the same JSON in both languages: still two representations."""
    russian = client.get("/api/v1/claims", {"lang": "ru"})
    english = client.get("/api/v1/claims")
    assert russian.content == english.content
    assert russian["ETag"] != english["ETag"]

    revalidated = client.get("/api/v1/claims", headers={"If-None-Match": russian["ETag"]})
    assert revalidated.status_code == 200
    assert revalidated["Content-Language"] == "en"


def test_the_openapi_docs_say_how_to_choose_the_language(client, record):
    schema = client.get("/api/v1/openapi.json").json()

    assert "Accept-Language" in schema["info"]["description"]
    assert "lang=ru" in schema["info"]["description"]
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) > 15
    for operation in operations:
        lang = [p for p in operation["parameters"] if p["name"] == "lang"]
        assert len(lang) == 1, operation["operationId"]
        assert lang[0]["schema"]["enum"] == ["en", "ru"]
        assert "Accept-Language" in lang[0]["description"]
        assert "400" in operation["responses"]


# The translation object -----------------------------------------------------------------------


def test_each_item_says_what_is_shown_in_english_and_whether_it_is_outdated(client, russian):
    Event.objects.filter(pk=russian.denial.pk).update(outdated_language="ru")

    data = client.get("/api/v1/events", {"lang": "ru"}).json()["items"]

    exposé = event_in(data, russian.exposé_event.slug)
    assert exposé["translation"] == {
        "language": "ru", "missing": ["summary", "location"], "outdated": False,
    }
    assert exposé["summary"] == russian.exposé_event.summary_en  # the English, said so above
    denial = event_in(data, russian.denial.slug)
    assert denial["translation"] == {"language": "ru", "missing": [], "outdated": True}
    assert denial["category"]["translation"]["missing"] == ["name"]
    assert denial["places"][0]["name"] == "Грозный"
    assert "name" not in denial["places"][0]["translation"]["missing"]

    english = event_in(client.get("/api/v1/events").json()["items"], russian.denial.slug)
    assert english["translation"] == {"language": "en", "missing": [], "outdated": False}


@pytest.mark.parametrize("path", [
    "/api/v1/actors", "/api/v1/sources", "/api/v1/categories", "/api/v1/places",
    "/api/v1/claims", "/api/v1/statements",
])
def test_every_kind_of_item_carries_its_translation_state(client, russian, claims, path):
    items = client.get(path, {"lang": "ru"}).json()["items"]

    assert items
    for item in items:
        assert item["translation"]["language"] == "ru"
        assert isinstance(item["translation"]["missing"], list)
        assert item["translation"]["outdated"] in (True, False)


def test_missing_fields_come_in_the_models_order_whatever_the_process(
    client, russian, monkeypatch
):
    """django-modeltranslation keeps a model's translated fields in a set, whose order
    changes with the process's hash seed: the same answer must not (its bytes, its ETag)."""
    from events import languages

    def answer():
        response = client.get("/api/v1/events", {"lang": "ru"})
        return response["ETag"], [item["translation"] for item in response.json()["items"]]

    first = answer()
    declared = languages.translated_fields
    monkeypatch.setattr(
        languages, "translated_fields", lambda model: tuple(reversed(declared(model)))
    )
    assert answer() == first
    exposé = event_in(client.get("/api/v1/events", {"lang": "ru"}).json()["items"],
                      russian.exposé_event.slug)
    assert exposé["translation"]["missing"] == ["summary", "location"]


def test_a_sources_type_is_shown_in_the_language_asked_for(client, record):
    from django.utils import translation

    from events.models import SourceArticle

    for language in ("en", "ru", "en"):  # the labels, built once, stay lazy
        items = client.get("/api/v1/sources", {"lang": language}).json()["items"]
        with translation.override(language):
            expected = {
                source.slug: source.get_source_type_display()
                for source in SourceArticle.objects.all()
            }
        assert {item["slug"]: item["source_type_display"] for item in items} == expected
    assert expected["novaya-expose"] == "Original reporting"
    with translation.override("ru"):
        assert SourceArticle(source_type="original").get_source_type_display() == (
            "Собственный материал"
        )


def test_a_quote_stays_as_printed_beside_our_rendering(client, russian):
    statement = client.get(f"/api/v1/statements/{russian.interview.pk}", {"lang": "ru"}).json()

    assert statement["quote"] == "We don't have any gays."
    assert statement["rendering"] == "У нас нет никаких геев."
    assert statement["quote_language"] == "ru"  # HBO's source is recorded as Russian
    english = client.get(f"/api/v1/statements/{russian.interview.pk}").json()
    assert english["quote"] == "We don't have any gays."
    assert english["rendering"] == ""  # none in English: never the Russian one
    testimony = client.get(f"/api/v1/statements/{russian.testimony.pk}").json()
    assert testimony["quote_language"] == "en"


def test_the_api_list_runs_the_same_queries_in_both_languages(client, russian):
    def queries(language):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/events", {"lang": language}).status_code == 200
        return len(captured)

    english, russian_count = queries("en"), queries("ru")
    assert english == russian_count
    for number in range(5):
        PublishedEventFactory(title=f"More {number}", title_ru=f"Ещё {number}")
    assert queries("en") == english
    assert queries("ru") == english


# Exports --------------------------------------------------------------------------------------


def test_the_csv_is_in_the_language_asked_for(client, russian):
    for params, headers in (({"lang": "ru"}, {}), ({}, {"Accept-Language": "ru"})):
        response = client.get("/api/v1/exports/events.csv", params, headers=headers)
        assert response["Content-Language"] == "ru"
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        titles = {row["slug"]: row["title"] for row in rows}
        assert titles[russian.exposé_event.slug] == TITLE_RU
        denial = next(row for row in rows if row["slug"] == russian.denial.slug)
        assert "(наш перевод: У нас нет никаких геев.)" in denial["statements"]
        assert rows[0].keys() >= {"title", "summary", "verification"}  # columns stay as named
    english = client.get("/api/v1/exports/events.csv").content.decode("utf-8-sig")
    assert TITLE_RU not in english and "перевод" not in english


def test_timelinejs_is_in_the_language_asked_for(client, russian):
    data = client.get("/api/v1/exports/timelinejs", {"lang": "ru"}).json()

    assert data["title"]["text"]["headline"] == "Чечня, 2017: документальная хроника"
    assert "3 события" in data["title"]["text"]["text"]
    denial = next(slide for slide in data["events"] if slide["unique_id"] == russian.denial.slug)
    assert denial["text"]["headline"] == f"{DENIAL_RU} (оспаривается)"
    assert "<strong>Оспаривается</strong>" in denial["text"]["text"]
    assert "Событие в хронике" in denial["text"]["text"]
    assert "http://testserver/ru/events/" in denial["text"]["text"]
    english = client.get("/api/v1/exports/timelinejs").json()
    assert english["title"]["text"]["headline"] == "Chechnya 2017: a documented chronology"
    assert "3 events" in english["title"]["text"]["text"]


def test_the_russian_atom_feed_links_russian_pages(client, russian):
    response = client.get("/ru/feed/")

    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    root = ET.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert entries
    for entry in entries:
        assert entry.find("a:link", ns).get("href").startswith("http://testserver/ru/events/")
    assert any(TITLE_RU in entry.find("a:title", ns).text for entry in entries)
    english = ET.fromstring(client.get("/feed/").content)
    assert english.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert "/ru/" not in client.get("/feed/").content.decode()


def test_geojson_names_places_in_the_language_asked_for(client, russian):
    data = json.loads(client.get("/api/v1/exports/places.geojson", {"lang": "ru"}).content)

    names = {feature["id"]: feature["properties"]["name"] for feature in data["features"]}
    assert names["grozny"] == "Грозный"
    assert data["features"][0]["properties"]["url"].startswith("http://testserver/ru/places/")


def jsonld_of(response):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                      response.content.decode(), re.DOTALL)
    return json.loads(found.group(1))


def test_json_ld_says_the_language_of_the_page_and_of_each_quote(client, russian):
    russian_page = jsonld_of(client.get(f"/ru{russian.denial.get_absolute_url()}"))
    english_page = jsonld_of(client.get(russian.denial.get_absolute_url()))

    assert russian_page["inLanguage"] == "ru" and english_page["inLanguage"] == "en"
    assert russian_page["name"] == DENIAL_RU
    quote = russian_page["subjectOf"][0]
    assert quote["text"] == "We don't have any gays." and quote["inLanguage"] == "ru"
    assert {article["inLanguage"] for article in russian_page["recordedIn"]} == {"ru"}


# Sitemap, CDN, mirror -------------------------------------------------------------------------

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_every_page_is_in_the_sitemap_in_both_languages_with_alternates(client, record):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    entries = {
        url.find("s:loc", SITEMAP).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP)
        }
        for url in root.findall("s:url", SITEMAP)
    }
    page = f"http://testserver{record.denial.get_absolute_url()}"
    russian_page = page.replace("testserver/", "testserver/ru/")
    alternates = {"en": page, "ru": russian_page, "x-default": page}
    assert entries[page] == alternates
    assert entries[russian_page] == alternates
    assert entries["http://testserver/ru/"]["x-default"] == "http://testserver/"
    assert len(entries) == 2 * len([loc for loc in entries if "/ru/" not in loc])
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_a_russian_page_carries_the_tags_its_english_one_does_and_is_purged_with_it(
        client, russian, fake_cdn, django_capture_on_commit_callbacks):
    for path in (russian.denial.get_absolute_url(), russian.kadyrov.get_absolute_url(), "/"):
        english = client.get(path)["Surrogate-Key"]
        assert client.get(f"/ru{path}")["Surrogate-Key"] == english
        assert english

    # A correction made in Russian only purges the pages showing the event, /ru/ ones too.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = Event.objects.get(pk=russian.denial.pk)
        event.title_ru = "Кадыров отрицает всё"
        event.save()
    assert f"event-{russian.denial.pk}" in fake_cdn.purged_tags()
    statement = Statement.objects.get(pk=russian.interview.pk)
    with django_capture_on_commit_callbacks(execute=True):
        statement.rendering_ru = "Геев у нас нет."
        statement.save()
    assert f"event-{russian.denial.pk}" in fake_cdn.purged_tags()


def test_the_mirror_holds_the_russian_site_linked_relatively(russian, tmp_path):
    target = tmp_path / "mirror"
    call_command("export_site", str(target))

    for name in ("ru/index.html", f"ru/events/{russian.denial.slug}/index.html",
                 "ru/chronology/2017-04/index.html", "ru/feed/index.xml",
                 "api/v1/exports/ru/events.csv", "api/v1/exports/ru/timelinejs.json"):
        assert (target / name).is_file(), name
    assert mirror.check_links(target) == []
    assert mirror.check_manifest(target) == []
    page = (target / f"ru/events/{russian.denial.slug}/index.html").read_text()
    assert DENIAL_RU in page
    assert 'href="/' not in page  # relative links only
    month = (target / "ru/chronology/2017-04/index.html").read_text()
    # The static filters in Russian, linking the Russian month pages.
    assert "По месяцам" in month and '<a href="../2017-07/index.html">Июль 2017 г.</a>' in month
    assert TITLE_RU in (target / "api/v1/exports/ru/events.csv").read_text(encoding="utf-8-sig")
    call_command("check_mirror", str(target))
