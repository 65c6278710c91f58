"""The curators' side of the Russian record (issue 17): both languages edited in the admin
through review, the translation lines of the attention queue, the admin's own words in
Russian."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Category, Event, Review, SourceArticle

from .factories import PublishedEventFactory
from .helpers import change_form

pytestmark = pytest.mark.django_db

RUSSIAN_TITLE = "«Новая газета» сообщает о задержаниях"


def post_change(client, obj, **changes):
    """Posts obj's admin change form back as a browser would, with `changes` made."""
    url = reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])
    data = {**change_form(client, obj), **changes} if isinstance(obj, Event) else {
        **_form_of(client, url), **changes}
    return client.post(url, data)


def _form_of(client, url):
    from .helpers import form_data

    return form_data(client.get(url))


def approve_pending(editor_client):
    pending = Review.objects.pending().get()
    url = reverse("admin:events_review_change", args=[pending.pk])
    response = editor_client.post(url, {"verdict": "approve"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return pending


def queue_line(page, label):
    """(href, count) of the attention queue's line `label` on the admin index, or None."""
    match = re.search(r'<td><a href="([^"]+)">' + re.escape(label) + r"</a></td><td>(\d+)</td>",
                      page)
    return (html.unescape(match.group(1)), int(match.group(2))) if match else None


def in_both_languages(event):
    event.title_ru = RUSSIAN_TITLE
    event.summary_ru = "Газета сообщает, что в Аргуне задержаны более ста мужчин."
    event.save()
    event.refresh_from_db()
    assert event.outdated_language == ""
    return event


def test_a_russian_title_edited_in_the_admin_reaches_the_russian_page_once_approved(
        client, curator_client, editor_client, record):
    event = record.exposé_event
    russian_page = f"/ru/events/{event.slug}/"

    response = post_change(curator_client, event, title_ru=RUSSIAN_TITLE)
    assert response.status_code == 302
    assert RUSSIAN_TITLE not in client.get(russian_page).content.decode()  # awaits review

    pending = Review.objects.pending().get()
    assert pending.changes == {"title_ru": RUSSIAN_TITLE}
    shown = editor_client.get(reverse("admin:events_review_change", args=[pending.pk]))
    assert "title [ru]" in shown.content.decode().lower()
    assert html.escape(RUSSIAN_TITLE) in shown.content.decode()

    approve_pending(editor_client)
    assert RUSSIAN_TITLE in client.get(russian_page).content.decode()
    english = client.get(event.get_absolute_url()).content.decode()
    assert RUSSIAN_TITLE not in english and event.title_en in english


def test_a_curator_writing_russian_in_a_russian_browser_leaves_the_english_alone(
        curator_client, editor_client, record):
    # The admin in Russian (Accept-Language): the English columns are still the English ones.
    event = record.exposé_event
    english = event.title_en
    curator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    editor_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    assert post_change(curator_client, event, title_ru=RUSSIAN_TITLE).status_code == 302
    approve_pending(editor_client)
    event.refresh_from_db()
    assert (event.title_en, event.title_ru) == (english, RUSSIAN_TITLE)


def test_changing_only_the_english_flags_the_russian_and_the_queue_shows_it(
        curator_client, editor_client, record):
    event = in_both_languages(record.exposé_event)
    other = in_both_languages(record.condemnation)
    index = reverse("admin:index")
    label = "Russian translation out of date: events"
    assert queue_line(curator_client.get(index).content.decode(), label) is None

    post_change(curator_client, event, summary_en="A corrected English summary.")
    approve_pending(editor_client)
    event.refresh_from_db()
    assert event.outdated_language == "ru"

    href, count = queue_line(curator_client.get(index).content.decode(), label)
    assert (href, count) == (reverse("admin:events_event_changelist") + "?outdated=ru", 1)
    listed = curator_client.get(href).content.decode()
    assert html.escape(event.title_en) in listed and html.escape(other.title_en) not in listed

    # The Russian brought in line: the flag is cleared and the line goes.
    post_change(curator_client, event, summary_ru="Исправленное краткое содержание.")
    approve_pending(editor_client)
    event.refresh_from_db()
    assert event.outdated_language == ""
    assert queue_line(curator_client.get(index).content.decode(), label) is None


def test_changing_only_the_russian_flags_the_english(curator_client, record):
    category = record.exposé_event.category
    category.name_ru = "Сообщения"
    category.save()
    post_change(curator_client, category, description_ru="Первые сообщения прессы.")
    category.refresh_from_db()
    assert category.outdated_language == "en"
    href, count = queue_line(curator_client.get(reverse("admin:index")).content.decode(),
                             "English out of date: categories")
    assert (href, count) == (reverse("admin:events_category_changelist") + "?outdated=en", 1)


def test_a_curator_clears_the_flag_once_the_texts_agree(curator_client, record):
    category = record.exposé_event.category
    category.name_ru = "Сообщения"
    category.save()
    Category.objects.filter(pk=category.pk).update(outdated_language="ru")
    response = post_change(curator_client, category, outdated_language="")
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.outdated_language == ""


def test_not_yet_translated_lists_published_items_without_russian(curator_client, record):
    in_both_languages(record.exposé_event)
    published_without = Event.objects.public().exclude(pk=record.exposé_event.pk)
    page = curator_client.get(reverse("admin:index")).content.decode()
    href, count = queue_line(page, "Not yet translated into Russian: events")
    assert count == published_without.count() > 0
    assert href == reverse("admin:events_event_changelist") + "?russian=missing&status__exact=published"
    listed = curator_client.get(href).content.decode()
    assert all(html.escape(event.title_en) in listed for event in published_without)
    assert html.escape(record.exposé_event.title_en) not in listed
    assert html.escape(record.draft.title_en) not in listed  # a draft waits for its review first


def test_english_is_required_and_russian_is_not(curator_client):
    url = reverse("admin:events_category_add")
    refused = curator_client.post(url, {"name_ru": "Только по-русски", "slug": "only-ru"})
    assert refused.status_code == 200
    assert "name_en" in refused.context["adminform"].form.errors
    for number in (1, 2):  # two without a Russian name are not two with the same one
        response = curator_client.post(url, {"name_en": f"English only {number}",
                                             "slug": f"english-only-{number}"})
        assert response.status_code == 302
    assert Category.objects.filter(slug__startswith="english-only", name_ru=None).count() == 2


def test_a_sources_english_gloss_is_edited_in_the_admin(curator_client, record):
    source = SourceArticle.objects.exclude(language="en").first() or record.hbo
    url = reverse("admin:events_sourcearticle_change", args=[source.pk])
    page = curator_client.get(url).content.decode()
    assert 'name="english_gloss"' in page and 'name="title_ru"' in page
    post_change(curator_client, source, english_gloss="Murders of gay men in Chechnya")
    source.refresh_from_db()
    assert source.english_gloss == "Murders of gay men in Chechnya"


def test_the_admins_own_words_follow_the_browsers_language(curator_client, record):
    event = in_both_languages(record.exposé_event)
    Event.objects.filter(pk=event.pk).update(outdated_language="ru")
    index = reverse("admin:index")
    english = curator_client.get(index).content.decode()
    assert "What needs attention" in english
    russian = curator_client.get(index, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "What needs attention" not in russian
    assert "Что требует внимания" in russian
    assert queue_line(russian, "Русский перевод устарел: события") is not None
    change = curator_client.get(reverse("admin:events_event_change", args=[event.pk]),
                                HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Публикация и проверка" in change and "Publication and verification" not in change
    changelist = curator_client.get(reverse("admin:events_event_changelist"),
                                    HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "перевод устарел" in changelist.lower()  # the filter's title


def test_the_index_query_count_is_constant_in_both_languages(
        curator_client, curator, record, django_assert_num_queries):
    url = reverse("admin:index")
    curator_client.get(url)
    with django_assert_num_queries(13):
        curator_client.get(url)
    for number in range(4):
        in_both_languages(PublishedEventFactory(slug=f"more-{number}"))
        PublishedEventFactory(slug=f"untranslated-{number}")
    Event.objects.filter(slug__startswith="more-").update(outdated_language="en")
    with django_assert_num_queries(13):
        page = curator_client.get(url).content.decode()
    assert queue_line(page, "English out of date: events")[1] == 4
    russian = Client(HTTP_ACCEPT_LANGUAGE="ru")
    russian.force_login(curator)
    russian.get(url)
    with django_assert_num_queries(13):
        russian.get(url)
