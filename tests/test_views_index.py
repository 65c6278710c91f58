"""Who's who (/actors/), the bibliography (/sources/), the breadcrumbs that lead to them, and
an event's notes grouped by source."""

import re

import pytest

from tests.factories import (
    DRAFT_ONLY_ACTOR,
    DRAFT_TITLE,
    ActorFactory,
    CitationFactory,
    EventActorFactory,
    MediaOutletFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
)

pytestmark = pytest.mark.django_db


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html, heading_id):
    match = re.search(r'<section[^>]*aria-labelledby="' + heading_id + r'"[^>]*>(.*?)</section>',
                      html, re.S)
    assert match, heading_id
    return match.group(1)


def test_whos_who_groups_the_public_record_by_kind_with_counts(client, record):
    page = client.get("/actors/").content.decode()

    people = text(section(page, "kind-person-heading"))
    # Neither the draft statement nor the published one of the draft event counts.
    assert "Ramzan Kadyrov 1 event · 1 statement" in people
    assert "Anzor (first name only, as the AP printed it) 1 event · 1 statement" in people
    assert "Novaya Gazeta 1 event · 0 statements" in text(section(page, "kind-media-heading"))
    assert "Government of Chechnya 1 event · 0 statements" in text(
        section(page, "kind-government-heading"))
    assert DRAFT_ONLY_ACTOR not in page
    assert 'href="/actors/anzor/"' in page
    assert page.index('id="kind-person"') < page.index('id="kind-media"')


def test_whos_who_shows_a_protected_person_by_the_shown_name_only(client, record):
    record.survivor.naming_note = ""
    record.survivor.save()

    page = client.get("/actors/").content.decode()

    entry = re.search(r'<li><a href="/actors/anzor/">(.*?)</li>', page, re.S).group(1)
    assert text(entry) == "Anzor (first name only) 1 event · 1 statement"


def test_the_bibliography_groups_sources_by_type_and_publisher_with_what_cites_them(client,
                                                                                     record):
    page = client.get("/sources/").content.decode()

    original = text(section(page, "type-original-heading"))
    assert original.startswith("Original reporting Novaya Gazeta Honour killing , 1 April 2017")
    assert ("Cited by 2 events: Novaya Gazeta reports the detentions ; Condemnation abroad ."
            in original)
    opinion = text(section(page, "type-opinion-heading"))
    # Cited by one published event, and by the draft, which stays unknown.
    assert "Publisher not known Real Sports interview , July 2017 (Russian) Cited by 1 event: "\
        "Kadyrov denies on HBO ." in opinion
    assert DRAFT_TITLE not in page
    assert page.index('id="type-original"') < page.index('id="type-opinion"')


def test_the_bibliography_links_every_citing_event_up_to_five_then_the_source(client, record):
    wire = SourceArticleFactory(title="A wire", slug="a-wire",
                                publisher=MediaOutletFactory(name="Wire agency"))
    for number in range(7):
        event = PublishedEventFactory(slug=f"cites-wire-{number}", title=f"Wire event {number}",
                                      citation__source=wire)
        CitationFactory(event=event, source=wire, excerpt="Cited twice by one event.")
    PublishedStatementFactory(event=record.denial, citation__source=wire)  # through a statement

    entry = text(re.search(r'<li><a href="/sources/a-wire/">.*?</li>',
                           client.get("/sources/").content.decode(), re.S).group(0))

    assert entry.startswith("A wire , 10 April 2017 (English) Cited by 8 events: ")
    assert entry.count("Wire event") == 5
    assert entry.endswith("; all 8 .")


def test_the_breadcrumbs_lead_to_whos_who_and_the_bibliography(client, record):
    actor_page = client.get("/actors/ramzan-kadyrov/").content.decode()
    source_page = client.get("/sources/novaya-expose/").content.decode()

    assert '› <a href="/actors/">Actors</a></nav>' in actor_page
    assert '› <a href="/sources/">Sources</a></nav>' in source_page
    assert client.get("/actors/").status_code == client.get("/sources/").status_code == 200


def test_repeated_citations_of_one_source_are_one_note_with_each_excerpt(client, record):
    CitationFactory(event=record.exposé_event, source=record.expose,
                    excerpt="A second passage of the same article.")
    CitationFactory(event=record.exposé_event, source=record.hbo, excerpt="Another source.")
    CitationFactory(event=record.exposé_event, source=record.expose,
                    excerpt="A third passage, summarised.", is_summary=True)

    page = client.get("/events/novaya-gazeta-reports/").content.decode()
    notes = re.findall(r'<li id="note-(\d+)">(.*?)</li>', page, re.S)

    assert [number for number, _ in notes] == ["1", "2"]
    first, second = (text(body) for _, body in notes)
    assert first.startswith("Honour killing (Novaya Gazeta; original reporting; English)")
    assert "3 passages." in first
    assert first.index("more than a hundred men") < first.index("A second passage") < first.index(
        "Summary by the curators, not a quotation: A third passage, summarised.")
    assert second.startswith("Real Sports interview") and "Another source." in second


@pytest.mark.parametrize("url", ["/actors/", "/sources/"])
def test_the_index_pages_run_the_same_queries_at_two_sizes(client, record, url,
                                                           django_assert_num_queries):
    expected = {"/actors/": 1, "/sources/": 2}[url]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    for number in range(20):
        event = PublishedEventFactory(slug=f"more-{number}", citation__source=SourceArticleFactory(
            publisher=MediaOutletFactory()))
        EventActorFactory(event=event, actor=ActorFactory())
        PublishedStatementFactory(event=event, speaker=ActorFactory(protected_identity=True))
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
