"""Claims: figures the sources report differently, one value per source, on every surface
(the event page, the panel on /, the API, JSON-LD, the admin), and their rules."""

import json
import re

import pytest
from django.urls import reverse
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from events.forms import ClaimFilterForm
from events.models import Claim, ClaimValue, Status
from tests.conftest import DRAFT_CLAIM, DRAFT_EVENT_CLAIM
from tests.factories import (
    ClaimFactory,
    ClaimValueFactory,
    PublishedEventFactory,
    SourceArticleFactory,
)

pytestmark = pytest.mark.django_db

# The event page's queries without claims (tests/test_views_timeline.py pins the page): with
# the record's generation, which keys its kept claims (views._event_claims).
EVENT_PAGE_QUERIES = 8
LIST_PAGE_QUERIES = 15
HIDDEN = (DRAFT_CLAIM, DRAFT_EVENT_CLAIM, "unchecked figure", "hidden figure")


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_rows(html, caption):
    """The rows of the claim table with this caption, each as its cells' text."""
    table = re.search(
        r"<table class=\"claim\"[^>]*>\s*<caption[^>]*>" + re.escape(caption)
        + r"</caption>(.*?)</table>", html, re.S,
    )
    assert table, caption
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
         for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


# The model's rules


def test_a_value_needs_words_and_an_excerpt(claims, record):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimValue.objects.create(claim=claims.detained, source=record.expose, value="x",
                                  excerpt="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimValue.objects.create(claim=claims.detained, source=record.expose, value="",
                                  excerpt="words")
    with pytest.raises(ValidationError, match="not only elisions"):
        ClaimValue(claim=claims.detained, source=record.expose, value="x",
                   excerpt="[…]").full_clean()


def test_only_a_later_report_of_the_same_claim_can_supersede(claims, record):
    other_claim = ClaimValue(claim=claims.detained, source=record.hbo, value="six",
                             excerpt="six", supersedes=claims.one)
    with pytest.raises(ValidationError, match="same claim"):
        other_claim.full_clean()
    earlier = ClaimValue(claim=claims.prisons, source=record.expose, value="two",
                         excerpt="two", supersedes=claims.six)  # April cannot supersede July
    with pytest.raises(ValidationError, match="dated before"):
        earlier.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimValue.objects.filter(pk=claims.one.pk).update(supersedes=claims.one)


def test_a_published_claim_needs_a_value(record):
    claim = Claim(question="How many?", slug="how-many", status=Status.PUBLISHED)
    assert "needs at least one value" in claim.uncited_problem(cited=False)
    assert claim.uncited_problem(cited=True) is None


def test_values_read_in_the_order_the_sources_said_them_with_supersession(claims):
    rows = Claim.objects.for_listing().get(pk=claims.prisons.pk).value_rows()

    assert [(value.value, later and later.value) for value, later in rows] == [
        ("one", "at least six"), ("at least six", None),
    ]


# The event page


def test_the_event_page_lists_what_each_source_says(client, claims):
    page = client.get("/events/novaya-gazeta-reports/").content.decode()

    assert table_rows(page, "How many men were detained?") == [
        ["more than a hundred Excerpt more than a hundred men", "Honour killing (Novaya Gazeta)",
         "1 April 2017", "police sources"],
        ["several dozen Summary Summary by the curators, not a quotation: The programme says "
         "several dozen men were held.", "Real Sports interview (publisher not known)",
         "July 2017", "—"],
    ]
    assert "What the record concludes: One figure in different words." in text(page)
    prisons = table_rows(page, "How many secret prisons?")
    assert prisons[0][0].startswith(
        "one Superseded by the later report of July 2017 : at least six.")
    assert prisons[1][0].startswith("at least six Later report : updates an earlier one")
    assert not any(hidden in page for hidden in HIDDEN)


def test_an_event_without_claims_shows_no_table(client, claims):
    page = client.get("/events/condemnation-abroad/").content.decode()

    assert 'id="claims"' not in page


@pytest.mark.parametrize("size", [1, 8])
def test_the_event_page_runs_a_constant_number_of_queries(client, record, size,
                                                          django_assert_num_queries):
    for _ in range(size):
        claim = ClaimFactory(events=[record.exposé_event, record.denial])
        ClaimValueFactory.create_batch(3, claim=claim, source=SourceArticleFactory())

    # The page's own queries, and two for its claims: claims, values with sources (the
    # claims' other events are not on the page, and not read).
    with django_assert_num_queries(EVENT_PAGE_QUERIES + 2):
        page = client.get("/events/novaya-gazeta-reports/").content.decode()
    assert page.count('<table class="claim"') == size


def test_the_event_page_keeps_its_claims_until_the_record_changes(client, claims, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page itself drawn each time
    path = "/events/novaya-gazeta-reports/"
    with CaptureQueriesContext(connection) as drawn:
        first = client.get(path)
    with CaptureQueriesContext(connection) as kept:
        again = client.get(path)
    assert len(kept) == len(drawn) - 2  # the claims and their values are not read again
    assert again.content == first.content
    assert again["Cache-Tag"] == first["Cache-Tag"]  # with the tags of what each source says
    assert f"source-{claims.one.source_id}" in first["Cache-Tag"].split(",")
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                  again.content.decode(), re.S).group(1))
    assert "How many men were detained?" in {item.get("name") for item in jsonld["subjectOf"]}

    ClaimValue.objects.filter(pk=claims.one.pk).update(value="exactly one")  # not a change...
    assert "exactly one" not in client.get(path).content.decode()  # ...the record knows of
    claims.one.value = "exactly one"
    claims.one.save()  # a curator's save moves the generation: seen at once
    assert "exactly one" in client.get(path).content.decode()
    russian = client.get("/ru" + path).content.decode()
    assert "Что сообщает каждый источник" in russian and "What each source says" not in russian


# The panel on /


def test_the_chronology_shows_the_headline_figures(client, claims):
    page = client.get("/").content.decode()

    assert "What the sources say" in page
    assert [row[0] for row in table_rows(page, "How many men were detained?")] == [
        "more than a hundred", "several dozen",
    ]
    assert table_rows(page, "How many secret prisons?")[0][0].startswith("one Superseded")
    assert page.index("How many men were detained?") < page.index("How many secret prisons?")
    assert not any(hidden in page for hidden in HIDDEN)


@pytest.mark.parametrize("size", [1, 8])
def test_the_panel_runs_a_constant_number_of_queries(client, record, size,
                                                     django_assert_num_queries):
    for _ in range(size):
        claim = ClaimFactory(events=[record.exposé_event, record.denial], headline=True)
        ClaimValueFactory.create_batch(3, claim=claim, source=SourceArticleFactory())
    ClaimValueFactory(claim=ClaimFactory(events=[record.denial]))  # not a headline figure

    # The page's own queries (tests/test_views_timeline.py), the claims' values and events.
    with django_assert_num_queries(LIST_PAGE_QUERIES + 2):
        page = client.get("/").content.decode()
    assert page.count('<table class="claim"') == size


def test_the_results_swapped_by_htmx_carry_no_panel(client, claims):
    partial = client.get("/", {"category": "reporting"}, headers={"HX-Request": "true"})

    assert "What the sources say" not in partial.content.decode()


def test_a_record_without_claims_shows_no_panel(client, record):
    assert "What the sources say" not in client.get("/").content.decode()


def test_a_new_value_shows_at_once_on_cached_pages(client, claims, record):
    assert "forty-two" not in client.get("/events/novaya-gazeta-reports/").content.decode()

    ClaimValueFactory(claim=claims.detained, source=record.expose, value="forty-two")

    assert "forty-two" in client.get("/events/novaya-gazeta-reports/").content.decode()
    claims.detained.events.remove(record.exposé_event)
    assert "forty-two" not in client.get("/events/novaya-gazeta-reports/").content.decode()


# The API


def test_the_api_lists_public_claims_with_their_values(client, claims):
    body = client.get("/api/v1/claims").json()

    assert body["count"] == 2
    detained, prisons = body["items"]
    assert detained["slug"] == "men-detained"
    assert [event["slug"] for event in prisons["events"]] == [
        "novaya-gazeta-reports", "kadyrov-denies-hbo",
    ]
    one, six = prisons["values"]
    assert (one["value"], one["supersedes"], one["superseded_by"]) == ("one", None, six["id"])
    assert (six["value"], six["supersedes"]) == ("at least six", one["id"])
    newspaper = detained["values"][0]
    assert newspaper["source"]["slug"] == "novaya-expose"
    assert newspaper["date"]["display"] == "1 April 2017"
    assert (newspaper["relies_on"], newspaper["excerpt_is_summary"]) == ("police sources", False)
    assert detained["values"][1]["excerpt_is_summary"] is True
    assert not any(hidden in json.dumps(body) for hidden in HIDDEN)


def test_the_api_serves_one_claim_and_not_a_hidden_one(client, claims):
    assert client.get("/api/v1/claims/secret-prisons").json()["question"] == (
        "How many secret prisons?"
    )
    for slug in ("draft-claim", "draft-event-claim", "nope"):
        response = client.get(f"/api/v1/claims/{slug}")
        assert response.status_code == 404
        assert response.json()["detail"].startswith("No published claim")


def test_the_api_root_lists_the_claims(client):
    index = client.get("/api/v1/").json()

    assert index["resources"]["claims"] == "http://testserver/api/v1/claims"


def test_the_openapi_schema_documents_the_claim_filters_from_the_form(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/claims"]["get"]["parameters"]
    }

    for name, field in ClaimFilterForm.base_fields.items():
        assert str(field.help_text) in parameters[name]["description"]
    assert parameters["headline"]["schema"]["enum"] == ["", "true", "false"]


@pytest.mark.parametrize("size", [2, 12])
def test_the_claims_list_runs_a_constant_number_of_queries(client, record, size,
                                                         django_assert_num_queries):
    for number in range(size):
        claim = ClaimFactory(events=[record.exposé_event, record.denial])
        ClaimValueFactory.create_batch(3, claim=claim, source=SourceArticleFactory())

    with django_assert_num_queries(4):  # count, claims, values with sources, events
        assert len(client.get("/api/v1/claims").json()["items"]) == size


# JSON-LD


def test_the_event_json_ld_carries_each_sources_claim(client, claims):
    page = client.get("/events/novaya-gazeta-reports/").content.decode()
    data = json.loads(re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))

    found = [(item["name"], item["text"], item["appearance"]["headline"])
             for item in data["subjectOf"] if item["@type"] == "Claim"]
    assert found == [
        ("How many men were detained?", "more than a hundred", "Honour killing"),
        ("How many men were detained?", "several dozen", "Real Sports interview"),
        ("How many secret prisons?", "one", "Honour killing"),
        ("How many secret prisons?", "at least six", "Real Sports interview"),
    ]
    superseded = next(item for item in data["subjectOf"] if item.get("text") == "one")
    assert superseded["description"] == "Superseded by a later report: at least six"


# The admin


def test_a_curator_adds_a_claim_with_its_values(curator_client, record):
    data = {
        "question": "How many men per room?", "slug": "men-per-room",
        "events": [record.exposé_event.pk], "conclusion": "", "order": "0",
        "status": "published",
        "values-TOTAL_FORMS": "2", "values-INITIAL_FORMS": "0",
        "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "1000",
        "values-0-source": record.expose.pk, "values-0-value": "30 to 40",
        "values-0-reported": "c. April 2017", "values-0-excerpt": "between 30 and 40",
        "values-1-source": record.hbo.pk, "values-1-value": "15 to 30",
        "values-1-reported": "", "values-1-excerpt": "from 15 to 30",
        "values-1-is_summary": "on",
    }

    response = curator_client.post("/admin/events/claim/add/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get(slug="men-per-room")
    assert [(value.value, str(value.date)) for value, _ in claim.value_rows()] == [
        ("30 to 40", "c. April 2017"), ("15 to 30", "July 2017"),
    ]


def test_a_curator_cannot_publish_a_claim_from_the_admin(curator_client, record):
    """Claims go through review (events/review.py) like events: a status typed into the form
    is not the curator's to set, so the claim is saved as a draft, unseen by readers."""
    data = {
        "question": "How many?", "slug": "how-many", "events": [record.exposé_event.pk],
        "conclusion": "", "order": "0", "status": "published",
        "values-TOTAL_FORMS": "0", "values-INITIAL_FORMS": "0",
        "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "1000",
    }

    response = curator_client.post("/admin/events/claim/add/", data)

    assert response.status_code == 302
    assert Claim.objects.get(slug="how-many").status == Status.DRAFT
    assert not Claim.objects.public().filter(slug="how-many").exists()


def test_the_admin_refuses_a_malformed_date_with_a_message(curator_client, claims, record):
    data = {
        "question": "How many?", "slug": "how-many", "events": [record.exposé_event.pk],
        "conclusion": "", "order": "0", "status": "draft",
        "values-TOTAL_FORMS": "1", "values-INITIAL_FORMS": "0",
        "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "1000",
        "values-0-source": record.expose.pk, "values-0-value": "three",
        "values-0-reported": "2017-02-30", "values-0-excerpt": "three",
    }

    response = curator_client.post("/admin/events/claim/add/", data)

    assert response.status_code == 200
    assert "has no day 30" in response.content.decode()


def test_only_values_of_the_same_claim_can_be_superseded_in_the_admin(curator_client, claims):
    page = curator_client.get(f"/admin/events/claim/{claims.prisons.pk}/change/")

    choices = page.context["inline_admin_formsets"][0].formset.forms[0].fields["supersedes"]
    assert set(choices.queryset) == {claims.one, claims.six}


# The bundled claims


def test_the_bundled_claims_load_with_the_chronology(db):
    from events.chronology import DEFAULT_PATH, load_chronology

    counts = load_chronology(DEFAULT_PATH)
    again = load_chronology(DEFAULT_PATH)

    assert counts["claims"]["created"] == Claim.objects.count() >= 5
    assert again["claims"] == {"created": 0, "existing": counts["claims"]["created"]}
    assert again["claim_values"]["created"] == 0
    assert set(Claim.objects.public().headline().values_list("slug", flat=True)) >= {
        "men-detained", "men-killed", "secret-prisons", "men-per-room",
        "who-said-no-gays-in-chechnya",
    }
    prisons = Claim.objects.for_listing().get(slug="secret-prisons")
    assert [(value.value, later and later.value) for value, later in prisons.value_rows()][:3] == [
        ("one, in Argun", "two: Argun and Tsotsi-Yurt"),
        ("two: Argun and Tsotsi-Yurt", "at least six"),
        ("at least six", None),
    ]


def test_the_bundled_claims_name_only_events_and_sources_of_the_record(chronology_data):
    from events.chronology import DEFAULT_PATH, claims_data_beside

    claims = claims_data_beside(DEFAULT_PATH)["claims"]
    events = {event["slug"]: event for event in chronology_data["events"]}
    sources = {source["slug"] for source in chronology_data["sources"]}
    for claim in claims:
        assert claim["events"], claim["slug"]
        assert all(events[slug]["status"] == "published" for slug in claim["events"])
        for value in claim["values"]:
            assert value["source"] in sources, value
            # Outside references are cited by the curators' summaries, never quoted.
            kept = next(s for s in chronology_data["sources"] if s["slug"] == value["source"])
            assert value.get("is_summary", False) or kept.get("archive_filename"), value


def test_a_claims_file_naming_an_unknown_event_is_refused_whole(tmp_path, chronology_data):
    from events.chronology import ChronologyDataError, load_chronology

    (tmp_path / "chronology.json").write_text(json.dumps(chronology_data), encoding="utf-8")
    (tmp_path / "claims.json").write_text(json.dumps({"claims": [{
        "slug": "x", "question": "How many?", "events": ["no-such-event"], "values": [],
    }]}), encoding="utf-8")

    with pytest.raises(ChronologyDataError, match="there is no event 'no-such-event'"):
        load_chronology(tmp_path / "chronology.json")
    assert not Claim.objects.exists()


def test_a_published_event_for_the_panel_only_with_its_claims(client, record):
    # A claim shows on the event pages it belongs to, and only those.
    other = PublishedEventFactory(slug="another-event")
    claim = ClaimFactory(question="Who said it?", events=[other])
    ClaimValueFactory(claim=claim, value="the spokesman")

    assert "Who said it?" in client.get("/events/another-event/").content.decode()
    assert "Who said it?" not in client.get("/events/novaya-gazeta-reports/").content.decode()


def test_an_upgrade_adds_the_claims_a_newer_file_brings(tmp_path, chronology_data):
    from events.chronology import DEFAULT_PATH, load_chronology, upgrade_chronology

    (tmp_path / "chronology.json").write_text(json.dumps(chronology_data), encoding="utf-8")
    load_chronology(tmp_path / "chronology.json")  # an older site: no claims file yet
    assert not Claim.objects.exists()
    (tmp_path / "claims.json").write_text(
        DEFAULT_PATH.with_name("claims.json").read_text(encoding="utf-8"), encoding="utf-8")

    report = upgrade_chronology(tmp_path / "chronology.json")

    assert Claim.objects.public().count() >= 5
    assert any("claims" in line for line in report.created)


def test_the_attention_queue_lists_disputed_events_without_claims(client, record, django_user_model):
    """A disputed event whose sources are not yet set side by side is a line of the curators'
    queue, linked to exactly those events; publishing a claim for it takes it off."""
    from django.contrib.auth.models import Group

    from events.models import Claim, Event, Status, Verification

    curator = django_user_model.objects.create_user("queue-curator", password="x", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curators"))
    client.force_login(curator)
    disputed = Event.objects.filter(verification=Verification.DISPUTED)
    assert disputed.exists()
    page = client.get(reverse("admin:index")).content.decode()
    label = "Disputed events without per-source claims"
    assert label in page
    link = reverse("admin:events_event_changelist") + "?verification__exact=disputed&amp;claims=none"
    assert link in page
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    for event in disputed:
        assert event.title in listed
    claim = Claim.objects.create(question="How many?", slug="how-many", status=Status.DRAFT)
    claim.events.set(disputed)
    Claim.objects.filter(pk=claim.pk).update(status=Status.PUBLISHED)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    for event in disputed:
        assert event.title not in listed
