"""The languages' machinery (events/languages.py, events/translation.py, events/chronology_ru.py):
which language a request is answered in, the two languages kept in step, the bundled Russian
loaded with the record, and the catalogues compiled safely. The pages' own Russian is tested in
test_i18n_pages.py, the API's in test_i18n_api.py, search in test_i18n_search.py."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import translation

from events.chronology import DEFAULT_PATH, load_chronology, upgrade_chronology
from events.chronology_ru import BUNDLED_RUSSIAN, log_line
from events.languages import best_of_accept_language, missing_translation
from events.models import Citation, Claim, ClaimValue, Event, EventActor, Place, Statement

from .factories import PublishedEventFactory

RUSSIAN = json.loads(BUNDLED_RUSSIAN.read_text(encoding="utf-8"))
ENGLISH = json.loads(Path(DEFAULT_PATH).read_text(encoding="utf-8"))


# --- which language -----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_address_chooses_a_pages_language_and_says_so(client):
    event = PublishedEventFactory(title_en="Detentions reported", title_ru="Сообщения о задержаниях")
    english = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
    assert english.status_code == 200
    assert "Detentions reported" in english.content.decode()
    assert english["Content-Language"] == "en"
    assert "Accept-Language" not in english.get("Vary", "")  # the address alone decides
    russian = client.get("/ru" + event.get_absolute_url())
    assert russian.status_code == 200
    assert "Сообщения о задержаниях" in russian.content.decode()
    assert russian["Content-Language"] == "ru"
    # The thread is left in the default language for whatever runs next.
    assert translation.get_language() == "en"


@pytest.mark.django_db
def test_page_cache_keeps_the_languages_apart(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    event = PublishedEventFactory(title_en="Detentions reported", title_ru="Сообщения о задержаниях")
    assert "Сообщения о задержаниях" in client.get("/ru/").content.decode()
    english = client.get("/").content.decode()
    assert "Detentions reported" in english and "Сообщения" not in english
    assert event.title == "Detentions reported"


@pytest.mark.django_db
@pytest.mark.parametrize("header,expected", [
    ("ru", "ru"), ("ru-RU,ru;q=0.9", "ru"), ("en-GB,en;q=0.9,ru;q=0.8", "en"),
    ("de,ru;q=0.5", "ru"), ("de,fr", "en"), ("", "en"), ("en;q=0.2, ru;q=0.9", "ru"),
])
def test_the_api_follows_accept_language(client, header, expected):
    PublishedEventFactory()
    response = client.get("/api/v1/events", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]
    assert best_of_accept_language(header) == expected


@pytest.mark.django_db
def test_lang_parameter_wins_and_an_unknown_one_is_refused(client):
    PublishedEventFactory()
    response = client.get("/api/v1/events?lang=ru", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Language"] == "ru"
    refused = client.get("/api/v1/events?lang=xx<script>")
    assert refused.status_code == 400
    detail = refused.json()["detail"]
    assert "lang must be one of en, ru" in detail and "<script>" not in refused.content.decode()


# --- kept in step -------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_change_to_one_language_flags_the_other_as_outdated():
    event = PublishedEventFactory(title_en="Detentions", title_ru="Задержания")
    assert event.outdated_language == ""
    event.summary_en = "What happened, as now reported."
    event.save()
    assert event.outdated_language == "ru"
    event.summary_ru = "Что произошло, по новым сообщениям."
    event.save()
    assert event.outdated_language == ""  # the Russian caught up
    event.title_ru = "Задержания в Чечне"
    event.save()
    assert event.outdated_language == "en"  # a change made in Russian first
    event.title_en = "Detentions in Chechnya"
    event.save()
    assert event.outdated_language == ""
    event.title_en, event.title_ru = "Mass detentions", "Массовые задержания"
    event.save()
    assert event.outdated_language == ""  # both at once: in step
    event.refresh_from_db()
    assert event.outdated_language == ""


@pytest.mark.django_db
def test_a_flag_survives_a_process_whose_hash_seed_orders_the_fields_otherwise(monkeypatch):
    """django-modeltranslation keeps a model's translated fields in a set, ordered by the
    process's hash seed. The fingerprints of each language's text were taken in that order, so
    after a restart the next save saw both languages changed and cleared a real flag."""
    from modeltranslation.translator import translator

    from events import languages

    event = PublishedEventFactory(title_en="Detentions", title_ru="Задержания",
                                  summary_en="Reported.", summary_ru="Сообщается.")
    event.summary_en = "Reported, and confirmed."
    event.save()
    assert event.outdated_language == "ru"
    options = translator.get_options_for_model(Event)
    monkeypatch.setattr(options, "fields", tuple(reversed(tuple(options.fields))))
    languages.translated_fields.cache_clear()  # as in a new process
    try:
        event = Event.objects.get(pk=event.pk)
        event.verification_note_en = "Checked against the original."
        event.save()  # another English change: the Russian is still behind
        assert event.outdated_language == "ru"
    finally:
        languages.translated_fields.cache_clear()


@pytest.mark.django_db
def test_no_translation_is_missing_not_outdated():
    event = PublishedEventFactory(title_en="Detentions")
    event.summary_en = "Changed."
    event.save()
    assert event.outdated_language == ""
    with translation.override("ru"):
        assert event.title == "Detentions"  # falls back to the English...
        assert "title" in missing_translation(event)  # ...and says so
    assert missing_translation(event, "en") == []


# --- the bundled Russian --------------------------------------------------------------------

def none(column):
    return Q(**{f"{column}__isnull": True}) | Q(**{column: ""})


@pytest.mark.django_db
def test_every_bundled_item_is_loaded_in_both_languages():
    load_chronology()
    assert not Event.objects.filter(none("title_ru") | none("summary_ru")).exists()
    assert not Statement.objects.filter(none("rendering_ru")).exists()
    assert not EventActor.objects.exclude(role_en="").filter(none("role_ru")).exists()
    assert not Place.objects.filter(none("name_ru")).exists()
    assert not Claim.objects.filter(none("question_ru")).exists()
    assert not ClaimValue.objects.filter(none("value_ru")).exists()
    summaries = Citation.objects.filter(is_summary=True)
    assert summaries.exists() and not summaries.filter(none("excerpt_ru")).exists()
    # A verbatim excerpt stays as the source prints it: no Russian of ours.
    assert not Citation.objects.filter(is_summary=False).exclude(none("excerpt_ru")).exists()
    slug = ENGLISH["events"][0]["slug"]
    event = Event.objects.get(slug=slug)
    assert event.title_ru == RUSSIAN["events"][slug]["title"]
    assert event.title_en == ENGLISH["events"][0]["title"]
    with translation.override("ru"):
        assert Event.objects.get(slug=slug).title == RUSSIAN["events"][slug]["title"]
    # Loaded in the load's own revision: an upgrade from the same files finds nothing edited.
    report = upgrade_chronology()
    assert report.for_review == [] and report.updated == []


def test_bundled_correction_lines_have_their_russian():
    event = next(e for e in ENGLISH["events"] if e.get("corrections"))
    line = event["corrections"][0]
    assert log_line(line, "ru") == RUSSIAN["events"][event["slug"]]["corrections"][0]
    assert log_line(line, "en") == line
    assert log_line("A curator's own later line.", "ru") == "A curator's own later line."


# --- the catalogues -------------------------------------------------------------------------

def _catalogue(folder, msgid, msgstr):
    path = folder / "ru" / "LC_MESSAGES"
    path.mkdir(parents=True)
    (path / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "{msgid}"\nmsgstr "{msgstr}"\n', encoding="utf-8"
    )
    return path


def test_compile_translations_writes_mo_files(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    path = _catalogue(tmp_path, "%(count)s events", "%(count)s событий")
    call_command("compile_translations", stdout=io.StringIO())
    assert (path / "django.mo").stat().st_size > 0


def test_compile_translations_refuses_a_broken_placeholder(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    path = _catalogue(tmp_path, "%(count)s events", "%(число)s событий")
    with pytest.raises(CommandError, match="placeholders"):
        call_command("compile_translations", stdout=io.StringIO())
    assert not (path / "django.mo").exists()


@pytest.mark.django_db
def test_an_upgrade_gives_rows_loaded_before_the_russian_record_their_russian(tmp_path):
    """A database loaded from English-only files (as every deployment before the Russian
    record was) gets the Russian of every untouched bundled row; a row a curator edited keeps
    what it has and gets no Russian."""
    english_only = tmp_path / "chronology.json"
    english_only.write_text(Path(DEFAULT_PATH).read_text(encoding="utf-8"), encoding="utf-8")
    load_chronology(english_only)  # no chronology_ru.json beside it
    assert Event.objects.filter(none("title_ru")).count() == len(ENGLISH["events"])
    edited = Event.objects.get(slug=ENGLISH["events"][1]["slug"])
    import reversion

    with reversion.create_revision():
        reversion.set_comment("A curator's edit.")
        edited.summary = edited.summary + " (Edited.)"
        edited.save()
    report = upgrade_chronology()  # the bundled files, Russian included
    assert report.translated > 1000
    slug = ENGLISH["events"][0]["slug"]
    assert Event.objects.get(slug=slug).title_ru == RUSSIAN["events"][slug]["title"]
    assert not Event.objects.get(pk=edited.pk).title_ru
    assert upgrade_chronology().translated == 0  # and it is recognised as bundled afterwards


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["aliases_ru", "description_ru", "aliases_en"])
def test_a_protected_identity_has_nothing_more_in_any_language(column):
    """A Russian alias or description names or describes a survivor as surely as an English
    one: the form refuses it and so does the database."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from events.models import Actor, Naming

    actor = Actor(name="Anzor", slug="anzor", protected_identity=True, naming=Naming.FIRST_NAME)
    actor.save()
    setattr(actor, column, "Анзор Фамилия")
    with pytest.raises(ValidationError, match="nothing more"):
        actor.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        actor.save()


@pytest.mark.django_db
def test_migrate_fills_the_search_documents_a_migration_left_empty():
    """The search documents are built after migrate by the live search code, once every
    column it reads exists (a migration that called it fails on a fresh database)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("stored search documents exist on PostgreSQL only")
    from django.apps import apps

    from events.signals import fill_search_vectors

    event = PublishedEventFactory(title_en="Detentions in Argun", title_ru="Задержания в Аргуне")
    Event.objects.filter(pk=event.pk).update(search_vector=None, search_vector_ru=None)
    fill_search_vectors(apps.get_app_config("events"))
    assert Event.objects.search("Аргуне").filter(pk=event.pk).exists()
    assert Event.objects.search("detention").filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_words_said_in_russian_and_printed_in_english_are_the_sources_translation(client):
    """A statement said in Russian and quoted from an English source is that source's
    translation, and says so in both languages, with our Russian rendering labelled as ours."""
    from .factories import PublishedStatementFactory

    event = PublishedEventFactory()
    statement = PublishedStatementFactory(
        event=event, quote="There are no such people here.", spoken_language="ru",
        rendering_ru="Таких людей здесь нет.",
    )
    source = statement.citations.get().source
    assert source.language == "en"
    english = client.get(event.get_absolute_url()).content.decode()
    assert "As translated from Russian by" in english
    russian = client.get("/ru" + event.get_absolute_url()).content.decode()
    assert "В переводе" in russian and "с русского" in russian
    assert "There are no such people here." in russian  # as the source prints it
    assert "Таких людей здесь нет." in russian  # beside it, ours
    # Words said in English, printed in English: no translation claimed.
    statement.spoken_language = "en"
    statement.save()
    assert "As translated" not in client.get(event.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_oembed_answers_for_a_russian_page_in_russian(client, settings):
    event = PublishedEventFactory()
    url = f"{settings.SITE_URL}/ru/categories/{event.category.slug}/"
    answer = client.get("/oembed", {"url": url})
    assert answer.status_code == 200
    assert "/ru/embed/" in answer.json()["html"]
    english = client.get("/oembed", {"url": url.replace("/ru/", "/")})
    assert english.status_code == 200 and "/ru/" not in english.json()["html"]
