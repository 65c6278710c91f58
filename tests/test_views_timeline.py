"""The public pages: htmx partials, bad input, detail pages, privacy, queries. What each filter
means is tested on every surface at once in test_filters.py."""

import re

import pytest
from django.urls import reverse

from events.models import Status
from events.pagination import EVENTS_PER_PAGE
from events.partial_dates import PartialDate

from .factories import (
    DRAFT_ONLY_ACTOR,
    DRAFT_TITLE,
    CategoryFactory,
    CitationFactory,
    EventActorFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    return [event.slug for event in response.context["page_obj"].object_list]


def get(client, **params):
    return client.get(reverse("events:event_list"), params)


def test_unfiltered_chronology_in_order_grouped_by_month(client, record):
    response = get(client)
    assert response.status_code == 200
    assert slugs(response) == [
        "novaya-gazeta-reports", "kadyrov-denies-hbo", "condemnation-abroad",
    ]
    assert response.context["result_count"] == 3
    page = response.content.decode()
    for heading in ("April 2017", "July 2017, day not known", "2017, month not known"):
        assert f">{heading}</h2>" in page
    assert "c. July 2017" in page
    assert "1-3 April 2017" in page
    assert DRAFT_TITLE not in page


def test_no_match_state_offers_a_reset(client, record):
    page = get(client, q="nothing-like-this").content.decode()
    assert "No events match these filters" in page
    assert 'href="/">Clear all filters</a>' in page


def test_the_filter_form_keeps_its_state(client, record):
    page = get(client, q="HBO", category="denials", date_from="2017-04",
               verification="disputed").content.decode()
    assert 'value="HBO"' in page
    checkbox = r'<input type="checkbox" name="(\w+)" value="([\w-]+)"[^>]* checked>'
    checked = re.findall(checkbox, page)
    assert checked == [("category", "denials"), ("verification", "disputed")]  # those only
    assert re.search(r'name="date_from" value="2017-04"', page)
    assert ('/api/v1/exports/events.csv?q=HBO&amp;category=denials&amp;date_from=2017-04'
            '&amp;verification=disputed"') in page


class TestHtmx:
    def test_htmx_request_gets_the_results_fragment(self, client, record):
        response = client.get("/", {"category": "denials"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<section id="results"')
        assert "<html" not in html and "<form" not in html
        assert "Kadyrov denies on HBO" in html
        assert "HX-Request" in response["Vary"]

    def test_history_restore_gets_the_whole_page(self, client, record):
        response = client.get("/", {"category": "denials"}, headers={
            "HX-Request": "true", "HX-History-Restore-Request": "true"})
        assert "<html" in response.content.decode()

    def test_plain_request_gets_the_whole_page(self, client, record):
        html = client.get("/", {"category": "denials"}).content.decode()
        assert "<html" in html and 'id="results"' in html and "<form" in html
        assert 'hx-get="/"' in html and 'action="/"' in html and 'method="get"' in html


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"date_from": "2017-13-45"}, 400, "There is no month 13"),
        ({"date_to": "2017-02-30"}, 400, "February 2017 has no day 30"),
        ({"date_from": "2017-05", "date_to": "2017-04"}, 400, "“To” is before “From”"),
        ({"actor": "no-such-actor"}, 400, "Select a valid choice"),
        ({"category": "no-such-category"}, 400, "Select a valid choice"),
        ({"source": "x" * 300}, 400, "Select a valid choice"),
        ({"verification": "certain"}, 400, "Select a valid choice"),
        ({"actor_kind": "alien"}, 400, "Select a valid choice"),
        ({"q": "x" * 10_000}, 400, "at most 200 characters"),
        ({"q": "gay\x00men"}, 400, "Null characters are not allowed"),
        ({"page": "999"}, 404, "There is no page 999"),
        ({"page": "-1"}, 400, "Page numbers start at 1"),
        ({"page": "0"}, 400, "Page numbers start at 1"),
        ({"page": "abc"}, 400, "is not a page number"),
        ({"page": "9" * 400}, 404, "There is no page"),
    ],
)
def test_bad_input_gets_a_clear_message_not_a_500(client, record, params, status, message):
    response = get(client, **params)
    assert response.status_code == status
    assert message in response.content.decode()
    assert "<form" in response.content.decode()  # the reader can fix it on the spot


def test_bad_input_via_htmx_still_shows_the_message(client, record):
    response = client.get("/", {"date_from": "April the fools"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


def test_only_get_and_head(client, record):
    assert client.post("/").status_code == 405
    assert client.head("/").status_code == 200


def test_pagination_keeps_filters(client, record):
    category = record.reporting
    for number in range(30):
        PublishedEventFactory(title=f"Filler {number:02d}", category=category,
                              start=PartialDate.parse("2017-05-01"))
    first = get(client, category="reporting")
    assert first.context["result_count"] == 31
    assert len(slugs(first)) == EVENTS_PER_PAGE
    assert 'href="?category=reporting&amp;page=2"' in first.content.decode()
    second = get(client, category="reporting", page=2)
    assert len(slugs(second)) == min(EVENTS_PER_PAGE, 31 - EVENTS_PER_PAGE)
    assert not set(slugs(first)) & set(slugs(second))


def test_past_the_count_limit_the_page_says_more_than_and_still_pages_on(client, record,
                                                                       monkeypatch):
    monkeypatch.setattr("events.pagination.COUNT_LIMIT", 30)
    category = record.reporting
    total = 2 * EVENTS_PER_PAGE + 10  # two full pages and ten, past the limit of 30
    for number in range(total - 1):  # with the record's one in the category
        PublishedEventFactory(title=f"Filler {number:02d}", category=category,
                              start=PartialDate.parse("2017-05-01"))
    first = get(client, category="reporting")
    text = " ".join(first.content.decode().split())
    assert "More than <strong>30</strong> events match these filters; page 1." in text
    assert "Page 1</span>" in text and 'rel="next"' in text  # no "of N" it cannot know
    second = get(client, category="reporting", page=2)  # counted as far as page 2 reaches
    assert not second.context["count_is_exact"] and 'rel="next"' in second.content.decode()
    third = get(client, category="reporting", page=3)
    assert third.context["count_is_exact"] and third.context["result_count"] == total
    assert "page 3 of 3" in third.content.decode() and 'rel="next"' not in third.content.decode()
    assert len(slugs(third)) == 10
    seen = slugs(first) + slugs(second) + slugs(third)
    assert len(set(seen)) == total
    missing = get(client, category="reporting", page=4)
    assert missing.status_code == 404 and "these results fill 3 pages" in missing.content.decode()


def test_a_count_within_the_limit_is_exact(client, record):
    response = get(client)
    assert response.context["count_is_exact"]
    assert f"<strong>{response.context['result_count']}</strong> events" in (
        response.content.decode())


class TestDetailPages:
    def test_event_page(self, client, record):
        response = client.get(reverse("events:event_detail", args=["kadyrov-denies-hbo"]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Kadyrov denies on HBO" in html
        assert "We don&#x27;t have any gays." in html
        assert "Real Sports interview" in html and 'id="note-1"' in html

    def test_disputed_event_shows_its_note(self, client, record):
        url = reverse("events:event_detail", args=["kadyrov-denies-hbo"])
        html = client.get(url).content.decode()
        assert "Disputed: what the sources disagree on" in html
        assert "The date of the interview&#x27;s recording is not given." in html

    def test_draft_event_is_404(self, client, record):
        assert client.get(reverse("events:event_detail", args=["draft-event"])).status_code == 404

    def test_actor_page(self, client, record):
        html = client.get(reverse("events:actor_detail", args=["ramzan-kadyrov"])).content.decode()
        assert "Ramazan Kadyrov" in html  # aliases shown
        assert "Kadyrov denies on HBO" in html

    def test_protected_actor_page_shows_the_name_only(self, client, record):
        response = client.get(reverse("events:actor_detail", args=["anzor"]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Anzor</h1>" in html
        assert "This is the person’s first name only (as the AP printed it)" in html
        assert "This is a pseudonym" not in html
        assert "Person" not in html  # not even the kind is volunteered

    def test_listings_say_what_kind_of_name_a_protected_name_is(self, client, record):
        for url in (reverse("events:event_list"),
                    reverse("events:event_detail", args=["novaya-gazeta-reports"])):
            html = client.get(url).content.decode()
            assert ">Anzor (first name only, as the AP printed it)</a>" in html

    def test_source_page_says_who_published_it_what_it_is_and_its_language(self, client, record):
        html = client.get(reverse("events:source_detail", args=["hbo-interview"])).content.decode()
        assert "<dt>Type</dt><dd>Opinion</dd>" in html
        assert "<dt>Language</dt><dd>Russian</dd>" in html
        assert "<dt>Publisher</dt><dd>Not known</dd>" in html
        # Beside each citation, on every page that lists the event.
        assert "Real Sports interview</a> (publisher not known; opinion; Russian)" in html

    def test_source_page_lists_what_it_supports(self, client, record):
        url = reverse("events:source_detail", args=["novaya-expose"])
        html = client.get(url).content.decode()
        assert "Novaya Gazeta reports the detentions" in html
        assert "Condemnation abroad" in html
        assert "Kadyrov denies" not in html

    def test_category_page(self, client, record):
        html = client.get(reverse("events:category_detail", args=["denials"])).content.decode()
        assert "Kadyrov denies on HBO" in html and "Condemnation abroad" not in html
        assert DRAFT_TITLE not in html

    def test_about_page(self, client):
        html = client.get(reverse("events:about")).content.decode()
        for heading in ("What it covers", "How items are curated", "How items are verified",
                        "How to cite", "How to report a correction"):
            assert heading in html
        assert "Disputed" in html
        # Readers are told what the marks and the kinds of name mean.
        assert "the words left out are marked “[…]”" in html
        for naming in ("<strong>pseudonym</strong>", "<strong>first name only</strong>",
                       "<strong>anonymous</strong>"):
            assert naming in html
        # It says what the record covers: dates, places, what is out of scope and why.
        scope = html.split('id="scope"', 1)[1].split("</dl>", 1)[0]
        for fact in ("early in 2017", "end of December 2017", "Chechnya", "Later years",
                     "Other persecutions in Russia", "Unrelated news about Ramzan Kadyrov"):
            assert fact in scope
        assert "reported speech" in html

    @pytest.mark.parametrize("name", ["actor_detail", "source_detail", "category_detail",
                                      "event_detail"])
    def test_unknown_slug_is_404(self, client, record, name):
        assert client.get(reverse(f"events:{name}", args=["nope"])).status_code == 404

    def test_detail_page_past_the_end_is_404(self, client, record):
        url = reverse("events:actor_detail", args=["ramzan-kadyrov"])
        response = client.get(url, {"page": "5"})
        assert response.status_code == 404
        assert "There is no page 5" in response.content.decode()


def test_escaping_of_curator_text(client, record):
    PublishedEventFactory(title="<script>alert(1)</script>", slug="xss",
                          summary='<img src=x onerror="alert(2)">', category=record.reporting)
    html = get(client).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src=x onerror="alert(2)">' not in html


def grow(record, count):
    category = record.reporting
    for _ in range(count):
        event = PublishedEventFactory(category=category, start=PartialDate.parse("2017-05-02"))
        EventActorFactory(event=event, actor=record.government)
        EventActorFactory(event=event, actor=record.novaya)
        PublishedStatementFactory(event=event, speaker=record.kadyrov)
        CitationFactory(event=event)


# Pinned: a change here is a deliberate decision, not drift. The list page spends 6 of its
# queries on the filter form's choices (the record's generation, then categories, actors,
# sources, publishers, places: the last five come from the cache until the record changes), and
# every listing reads its events' places (one query); and one
# more when a category is given, to validate it. A page whose events have no statements skips the
# statements' citations query, which is why the "condemnation-abroad" page needs one query fewer
# than the "kadyrov-denies-hbo" one. An actor page reads the actor's statements' citations
# (Anzor has one statement) and, for an actor who is not protected, the members. Event
# pages read their public change log: one query here (no history), two with history
# (tests/test_history.py pins that). The list page and event pages read their claims (figures
# in dispute): one query when there are none (tests/test_claims.py pins them with claims).
# Who's who is one query (actors with their counts), the bibliography two (sources with their
# counts, the first events citing each). The chronology's time axis reads its events in one more
# query (tests/test_axis.py pins it on a record too large to draw event by event).
PAGES = {
    "/": ({}, 15),
    "/?filtered": ({"q": "Kadyrov", "category": ["reporting", "denials"], "date_from": "2017-04",
                    "verification": ["reported", "disputed"]}, 16),
    "/events/condemnation-abroad/": ({}, 8),
    "/events/kadyrov-denies-hbo/": ({}, 9),
    "/actors/": ({}, 1),
    "/sources/": ({}, 2),
    "/actors/ramzan-kadyrov/": ({}, 11),
    "/actors/anzor/": ({}, 10),
    "/sources/novaya-expose/": ({}, 8),
    "/categories/reporting/": ({}, 8),
}


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_record(client, record, url, django_assert_num_queries):
    params, expected = PAGES[url]
    path = url.split("?")[0]
    with django_assert_num_queries(expected):
        assert client.get(path, params).status_code == 200
    grow(record, 30)
    with django_assert_num_queries(expected):
        assert client.get(path, params).status_code == 200


def test_filter_checkboxes_follow_the_record_and_the_readers_choice(client, record):
    html = get(client, category="denials", verification="disputed").content.decode()
    assert ('<label class="check"><input type="checkbox" name="category" value="denials" '
            'id="id_category_0" checked> Denials</label>') in html
    assert ('<input type="checkbox" name="verification" value="disputed" id="id_verification_2"'
            " checked> Disputed</label>") in html
    assert 'value="reporting" id="id_category_2"> Reporting' in html  # not checked
    CategoryFactory(name="Asylum <abroad>", slug="asylum")  # a curator adds one: shown at once
    html = get(client).content.decode()
    assert 'value="asylum" id="id_category_0"> Asylum &lt;abroad&gt;</label>' in html
    invalid = get(client, category="no-such-category").content.decode()
    assert 'name="category" value="asylum" id="id_category_0" aria-invalid="true">' in invalid


def test_a_summary_citation_is_labelled_and_not_shown_as_a_quotation(client, record):
    CitationFactory(event=record.exposé_event, excerpt="TASS dates the article to 1 April 2017.",
                    is_summary=True)
    url = reverse("events:event_detail", args=["novaya-gazeta-reports"])
    html = client.get(url).content.decode()
    assert ("Summary by the curators, not a quotation:</span> TASS dates the article to "
            "1 April 2017.") in html
    assert "<blockquote class=\"excerpt\"><p>TASS dates" not in html


def test_an_actor_only_a_draft_names_stays_unknown(client, record):
    url = reverse("events:actor_detail", args=["draft-only-person"])
    assert client.get(url).status_code == 404
    response = get(client, actor="draft-only-person")
    assert response.status_code == 400
    assert DRAFT_ONLY_ACTOR not in response.content.decode()


@pytest.mark.parametrize("field", ["category", "actor", "source", "publisher", "q"])
def test_nul_in_any_filter_is_a_400(client, record, field):
    assert get(client, **{field: "a\x00b"}).status_code == 400


def test_search_follows_every_change_to_what_it_searches(client, record):
    """On PostgreSQL the search reads a stored document; it must never lag behind the record."""
    event = record.denial
    assert slugs(get(client, q="Grozny")) == []
    statement = PublishedStatementFactory(event=event, quote="Nobody in Grozny believes it.")
    assert slugs(get(client, q="Grozny")) == ["kadyrov-denies-hbo"]
    statement.status = Status.DRAFT
    statement.save()
    assert slugs(get(client, q="Grozny")) == []
    record.kadyrov.aliases = "Ramazan Kadyrov\nKadyrov Jr"
    record.kadyrov.save()
    assert slugs(get(client, q="Jr")) == ["kadyrov-denies-hbo"]
    event.location = "Moscow"
    event.save()
    assert "kadyrov-denies-hbo" in slugs(get(client, q="Moscow"))
