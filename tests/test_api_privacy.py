"""Drafts and protected identities: absent from every response and every export."""

import pytest

from events.models import Actor
from events.schemas import ActorOut
from tests.factories import DRAFT_ONLY_ACTOR, DRAFT_QUOTE, DRAFT_TITLE

pytestmark = pytest.mark.django_db

DRAFT_TEXTS = [DRAFT_TITLE, DRAFT_QUOTE, DRAFT_ONLY_ACTOR, "draft-event", "draft-only-person",
               "Words in a draft event", "Not yet checked.", "Place named only in a draft",
               "draft-only-place"]


def every_public_url(record):
    urls = [
        "/api/v1/events?limit=200", "/api/v1/actors?limit=200", "/api/v1/statements?limit=200",
        "/api/v1/sources?limit=200", "/api/v1/categories?limit=200",
        "/api/v1/exports/timelinejs", "/api/v1/exports/events.csv", "/feed/",
        "/api/v1/events?q=Unconfirmed", "/api/v1/statements?q=verified",
        "/api/v1/places?limit=200", "/api/v1/exports/places.geojson", "/places/",
        "/api/v1/places/grozny", "/places/grozny/",
    ]
    for slug in ("novaya-gazeta-reports", "kadyrov-denies-hbo", "condemnation-abroad"):
        urls += [f"/api/v1/events/{slug}", f"/events/{slug}/"]
    for slug in ("anzor", "ramzan-kadyrov", "novaya-gazeta", "chechen-government"):
        urls.append(f"/api/v1/actors/{slug}")
    for slug in ("novaya-expose", "hbo-interview"):
        urls.append(f"/api/v1/sources/{slug}")
    for slug in ("denials", "reporting"):
        urls.append(f"/api/v1/categories/{slug}")
    urls += [f"/api/v1/statements/{statement.pk}"
             for statement in (record.testimony, record.interview)]
    return urls


def test_no_response_or_export_mentions_a_draft(client, record):
    for url in every_public_url(record):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for draft_text in DRAFT_TEXTS:
            assert draft_text not in text, (url, draft_text)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/events/draft-event", 404),
        ("/api/v1/actors/draft-only-person", 404),
        # Filters name only what readers can see: a draft's slug is not a valid choice.
        ("/api/v1/events?actor=draft-only-person", 422),
        ("/api/v1/statements?event=draft-event", 422),
        ("/api/v1/places/draft-only-place", 404),
        ("/api/v1/events?place=draft-only-place", 422),
    ],
)
def test_asking_for_a_draft_reveals_nothing(client, record, url, status):
    response = client.get(url)

    assert response.status_code == status
    for draft_text in DRAFT_TEXTS[:3]:
        assert draft_text not in response.content.decode()


def test_statement_of_a_draft_is_a_404(client, record):
    draft_statement = record.draft.statements.get()

    assert client.get(f"/api/v1/statements/{draft_statement.pk}").status_code == 404


def objects_in(data):
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from objects_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from objects_in(value)


def test_a_protected_identity_is_served_by_its_name_and_its_kind_everywhere(client, record):
    seen = 0
    for url in every_public_url(record):
        response = client.get(url)
        if not response["Content-Type"].startswith("application/json"):
            continue
        for item in objects_in(response.json()):
            if item.get("slug") != "anzor":
                continue
            seen += 1
            assert item["name"] == "Anzor" and item["protected_identity"] is True
            assert item.get("aliases", []) == [] and item.get("description", "") == ""
            assert item.get("website") is None and item.get("affiliation") is None
            assert item["naming"] == "first_name"
            assert item["naming_display"] == "first name only, as the AP printed it"
            assert set(item) <= {"id", "slug", "name", "kind", "protected_identity", "url",
                                 "api_url", "aliases", "description", "website", "affiliation",
                                 "statements", "events", "naming", "naming_display",
                                 "translation"}
            # Its translation state speaks only of what is shown: the name and what it is.
            assert set(item["translation"]["missing"]) <= {"name", "naming_note"}
            assert item["translation"]["outdated"] is False
    assert seen >= 5


def test_serialiser_withholds_everything_but_the_pseudonym(rf):
    # The database refuses such a row; the serialiser must not depend on that alone.
    unsaved = Actor(
        pk=99, name="Ahmed", slug="ahmed", protected_identity=True,
        aliases="Real Name", description="Lives in Grozny", url="https://social.example/real",
        affiliation=Actor(pk=98, name="Employer", slug="employer"),
    )
    data = ActorOut.from_orm(unsaved, context={"request": rf.get("/")}).model_dump()

    assert data["name"] == "Ahmed" and data["slug"] == "ahmed"
    assert data["aliases"] == [] and data["description"] == ""
    assert data["website"] is None and data["affiliation"] is None
    assert "Real Name" not in str(data) and "Grozny" not in str(data)
    assert "social.example" not in str(data) and "Employer" not in str(data)


def test_jsonld_gives_a_protected_speaker_no_link(client, record):
    html = client.get("/events/novaya-gazeta-reports/").content.decode()

    assert '{"@type": "Person", "name": "Anzor"}' in html
    assert "/actors/anzor/" not in html.split('application/ld+json">')[1].split("</script>")[0]


def test_protecting_an_actor_leaves_nothing_of_the_real_name(record, curator_client):
    """An actor first entered under a real name, then renamed to a pseudonym and protected:
    the old name-based slug goes too, from every surface, and no longer resolves."""
    from django.test import Client

    from .factories import EventActorFactory, PublishedStatementFactory

    actor = Actor.objects.create(name="Rustam Probaev", slug="rustam-probaev")
    event = record.exposé_event
    EventActorFactory(event=event, actor=actor, role="testified")
    PublishedStatementFactory(event=event, speaker=actor, quote="They held us for days.")
    reader = Client()
    urls = [*every_public_url(record), "/", "/?actor=rustam-probaev", "/actors/rustam-probaev/"]
    for url in urls:
        reader.get(url)  # what was public before sits in every cache

    response = curator_client.post(
        f"/admin/events/actor/{actor.pk}/change/",
        {"name": "Rustik", "slug": "rustam-probaev", "kind": "person",
         "protected_identity": "on", "naming": "pseudonym", "opened_version": actor.version},
    )
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.slug == "rustik"

    for url in ["/actors/rustam-probaev/", "/api/v1/actors/rustam-probaev"]:
        assert reader.get(url).status_code == 404, url
    filtered = reader.get("/api/v1/events?actor=rustam-probaev")
    assert filtered.status_code == 422 or filtered.json()["count"] == 0
    for url in [*urls, "/actors/rustik/", "/api/v1/actors/rustik", "/?actor=rustik"]:
        text = reader.get(url).content.decode().lower()
        assert "rustam" not in text and "probaev" not in text, url
    assert "Rustik" in reader.get("/events/novaya-gazeta-reports/").content.decode()
    assert reader.get("/api/v1/events?q=Probaev").json()["count"] == 0  # nor its search
