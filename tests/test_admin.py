"""The curators' admin, driven as a member of Curators through the Django test client."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from events.models import Actor, Citation, Event, Place, SourceArticle, Statement, Status
from events.partial_dates import PartialDate, Precision

from .factories import (
    EventFactory,
    PublishedEventFactory,
)
from .helpers import inline_management

pytestmark = pytest.mark.django_db




def event_form(record, **overrides):
    data = {
        "title": "Kadyrov's spokesman denies the report",
        "slug": "karimov-denies",
        "start": "1 April 2017",
        "end": "",
        "category": record.denials.pk,
        "location": "Grozny",
        "summary": "Alvi Karimov told Interfax the report was a lie.",
        "status": "published",
        "verification": "disputed",
        "verification_note": "The two articles quote him in different words.",
        **inline_management("citations", 2),
        "citations-0-source": record.expose.pk,
        "citations-0-excerpt": "Karimov denied the claims.",
        "citations-1-source": record.hbo.pk,
        "citations-1-excerpt": "A spokesperson denied the existence of LGBTQ people.",
        **inline_management("participations", 2),
        "participations-0-actor": record.kadyrov.pk,
        "participations-0-role": "denied the report",
        "participations-1-actor": record.novaya.pk,
        "participations-1-role": "reported the denial",
        **inline_management("event_places", 1),
        "event_places-0-place": record.grozny.pk,
        **inline_management("statements", 1),
        "statements-0-kind": "quote",
        "statements-0-quote": "You cannot detain and persecute people who simply do not exist "
        "in the republic.",
        "statements-0-speaker": record.kadyrov.pk,
        "statements-0-said_on": "2017-04-01",
        "statements-0-venue": "to Interfax",
        "statements-0-status": "published",
        "statements-0-cite_source": record.hbo.pk,
        "statements-0-cite_excerpt": "telling the Interfax news agency, “You cannot detain and "
        "persecute people who simply do not exist in the republic.”",
    }
    data.update(overrides)
    return data


def test_curator_enters_a_complete_event_in_one_submission(curator_client, record):
    response = curator_client.post(reverse("admin:events_event_add"), event_form(record))
    assert response.status_code == 302, response.context["errors"] if response.context else ""

    event = Event.objects.get(slug="karimov-denies")
    assert event.status == Status.PUBLISHED
    assert event.start == PartialDate.parse("2017-04-01")
    assert [c.source.slug for c in event.citations.all()] == ["novaya-expose", "hbo-interview"]
    assert {(p.actor.slug, p.role) for p in event.participations.all()} == {
        ("ramzan-kadyrov", "denied the report"), ("novaya-gazeta", "reported the denial")
    }
    assert [place.slug for place in event.places.all()] == ["grozny"]
    statement = event.statements.get()
    assert statement.speaker == record.kadyrov
    assert statement.said_on == PartialDate.parse("2017-04-01")
    assert statement.citations.get().source == record.hbo
    assert event in Event.objects.public()
    assert statement in Statement.objects.public()


def test_an_inline_statement_follows_the_citations_elision_rule(curator_client, record):
    """The inline form asks the citation's own rule: an elided quote is carried by the full
    excerpt, as everywhere else (the form once had its own, stricter copy of the rule)."""
    data = event_form(record, **{
        "statements-0-quote": "You cannot detain […] people who simply do not exist",
    })
    response = curator_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    statement = Event.objects.get(slug="karimov-denies").statements.get()
    assert statement.quote == "You cannot detain […] people who simply do not exist"


def test_a_partial_date_is_entered_as_text(curator_client, record):
    data = event_form(record, start="c. April 2017", end="May 2017")
    assert curator_client.post(reverse("admin:events_event_add"), data).status_code == 302
    event = Event.objects.get(slug="karimov-denies")
    assert (event.start_date.isoformat(), event.start_precision, event.start_approximate) == (
        "2017-04-01", Precision.MONTH, True
    )
    assert event.date_display == "c. April 2017 - May 2017"
    page = curator_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert 'value="c. April 2017"' in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": "2017-13-45"}, "There is no month 13"),
        ({"start": ""}, "This field is required"),
        ({"start": "x" * 10_000}, "at most 40 characters"),
        ({"start": "2017-04-03", "end": "2017-04-01"}, "cannot be before the start"),
        # An end known less precisely than the start begins on its period's first day.
        ({"start": "2 April 2017", "end": "April 2017"}, "cannot be before the start"),
        ({"start": "April 2017", "end": "2017"}, "cannot be before the start"),
        ({"start": "15 April 2017", "end": "c. April 2017"}, "cannot be before the start"),
        ({"verification_note": ""}, "A disputed event needs a note"),
        ({"citations-TOTAL_FORMS": "0"}, "A published event needs at least one citation"),
        ({"statements-0-cite_excerpt": "Nothing like the quote."}, "must contain the quote"),
        ({"statements-0-cite_source": "", "statements-0-cite_excerpt": ""},
         "A published statement needs at least one citation"),
        ({"citations-0-source": "999999"}, "Select a valid choice"),
        ({"slug": "not a slug!"}, "Enter a valid “slug”"),
        ({"title": "a\x00b"}, "Null characters are not allowed"),
        ({"citations-0-source": "1; DROP TABLE events_event"}, "Select a valid choice"),
        ({"statements-0-speaker": "abc"}, "Select a valid choice"),
        ({"category": "9" * 30}, "Select a valid choice"),
        ({"participations-0-actor": "9" * 30}, "Select a valid choice"),
    ],
)
def test_bad_input_comes_back_as_form_errors(curator_client, record, overrides, message):
    data = event_form(record, **overrides)
    response = curator_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.filter(slug="karimov-denies").exists()
    assert not Citation.objects.filter(excerpt="Karimov denied the claims.").exists()


def test_a_draft_may_be_saved_without_citations(curator_client, record):
    data = event_form(record, status="draft", **{"citations-TOTAL_FORMS": "0",
                                                 "statements-TOTAL_FORMS": "0"})
    assert curator_client.post(reverse("admin:events_event_add"), data).status_code == 302
    assert Event.objects.get(slug="karimov-denies").status == Status.DRAFT


def test_source_with_a_javascript_url_is_refused(curator_client):
    response = curator_client.post(reverse("admin:events_sourcearticle_add"), {
        "title": "Bad", "slug": "bad", "url": "javascript:alert(1)", "language": "en",
        "published": "2017-04",
    })
    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://" in response.content.decode()
    assert not SourceArticle.objects.exists()


def test_protected_actor_with_revealing_details_is_refused(curator_client):
    response = curator_client.post(reverse("admin:events_actor_add"), {
        "name": "Anzor", "slug": "anzor", "kind": "person", "protected_identity": "on",
        "description": "In his 40s, from Argun",
    })
    assert response.status_code == 200
    assert "its name and nothing more" in response.content.decode()
    assert not Actor.objects.exists()


class TestPublishActions:
    def test_publish_refuses_uncited_events(self, curator_client):
        cited = PublishedEventFactory(status=Status.DRAFT)
        uncited = EventFactory(title="Not yet sourced")
        response = curator_client.post(
            reverse("admin:events_event_changelist"),
            {"action": "publish", "_selected_action": [cited.pk, uncited.pk]},
            follow=True,
        )
        cited.refresh_from_db()
        uncited.refresh_from_db()
        assert (cited.status, uncited.status) == (Status.PUBLISHED, Status.DRAFT)
        assert "Not published, no citation yet: Not yet sourced" in response.content.decode()

    def test_unpublish(self, curator_client):
        event = PublishedEventFactory()
        curator_client.post(reverse("admin:events_event_changelist"),
                            {"action": "unpublish", "_selected_action": [event.pk]})
        event.refresh_from_db()
        assert event.status == Status.DRAFT

    def test_publishing_goes_through_the_save_path(self, curator_client):
        # Versioned, recorded in the history, and indexed for search with its quotes (which
        # a draft's search document leaves out), as a save from the change form would be.
        from reversion.models import Version

        from .factories import PublishedStatementFactory

        event = PublishedEventFactory(status=Status.DRAFT)
        PublishedStatementFactory(event=event, quote="We heard the word zugzwang")
        version = Event.objects.get(pk=event.pk).version
        curator_client.post(reverse("admin:events_event_changelist"),
                            {"action": "publish", "_selected_action": [event.pk]})
        assert Event.objects.get(pk=event.pk).version == version + 1
        assert Version.objects.get_for_object(event).count() == 1
        assert list(Event.objects.public().search("zugzwang")) == [event]


class TestCuratorLimits:
    def test_curators_cannot_delete(self, curator_client):
        event = PublishedEventFactory()
        response = curator_client.post(
            reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        response = curator_client.post(
            reverse("admin:events_event_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
        )
        assert Event.objects.filter(pk=event.pk).exists()
        changelist = curator_client.get(reverse("admin:events_event_changelist"))
        assert 'value="delete_selected"' not in changelist.content.decode()

    @pytest.mark.parametrize("url_name", [
        "admin:auth_user_changelist", "admin:auth_user_add", "admin:auth_group_changelist",
    ])
    def test_curators_cannot_manage_users_or_groups(self, curator_client, url_name):
        assert curator_client.get(reverse(url_name)).status_code == 403

    def test_curators_cannot_promote_themselves(self, curator_client, curator):
        response = curator_client.post(
            reverse("admin:auth_user_change", args=[curator.pk]),
            {"username": "curator", "is_superuser": "on", "is_staff": "on"},
        )
        assert response.status_code == 403
        curator.refresh_from_db()
        assert not curator.is_superuser

    def test_curators_group_has_exactly_add_change_view_on_the_record(self):
        codenames = set(Group.objects.get(name="Curators").permissions.values_list(
            "codename", flat=True))
        models = ["actor", "category", "citation", "claim", "claimvalue", "event", "eventactor",
                  "eventplace", "place",
                  "sourcearticle", "statement"]
        assert codenames == {f"{a}_{m}" for m in models for a in ("add", "change", "view")}

    def test_readers_are_sent_to_the_login_page(self, client):
        response = client.get(reverse("admin:events_event_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]

    def test_logged_in_non_staff_cannot_enter(self, client):
        client.force_login(User.objects.create_user("reader", password="x" * 20))
        assert client.get(reverse("admin:events_event_changelist")).status_code == 302


@pytest.mark.parametrize("url_name", [
    "admin:events_event_changelist", "admin:events_event_add",
    "admin:events_statement_changelist", "admin:events_statement_add",
    "admin:events_sourcearticle_changelist", "admin:events_sourcearticle_add",
    "admin:events_actor_changelist", "admin:events_actor_add",
    "admin:events_category_changelist", "admin:events_citation_changelist",
])
def test_every_admin_page_loads_for_a_curator(curator_client, url_name):
    PublishedEventFactory()
    assert curator_client.get(reverse(url_name)).status_code == 200


def test_change_pages_load(curator_client):
    event = PublishedEventFactory()
    citation = event.citations.get()
    for name, obj in [("event", event), ("sourcearticle", citation.source),
                      ("category", event.category), ("citation", citation)]:
        response = curator_client.get(reverse(f"admin:events_{name}_change", args=[obj.pk]))
        assert response.status_code == 200, name
    source_page = curator_client.get(
        reverse("admin:events_sourcearticle_change", args=[citation.source.pk])
    ).content.decode()
    assert event.title in source_page  # "what cites it"


def test_event_changelist_query_count_is_constant(curator_client, django_assert_max_num_queries):
    url = reverse("admin:events_event_changelist")
    PublishedEventFactory.create_batch(2)
    with django_assert_max_num_queries(12) as few:
        curator_client.get(url)
    PublishedEventFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        curator_client.get(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/a", "data:text/html,x"])
def test_every_non_http_url_gets_the_same_clear_message(curator_client, url):
    response = curator_client.post(reverse("admin:events_sourcearticle_add"), {
        "title": "Bad", "slug": "bad", "url": url, "language": "en",
    })
    assert "Enter a web address starting with http:// or https://" in response.content.decode()
    assert not SourceArticle.objects.exists()


def place_form(**overrides):
    return {"name": "Argun", "slug": "argun-town", "kind": "city", "latitude": "43.29171",
            "longitude": "45.87223", "radius_km": "10", "sensitive": "on", "aliases": "",
            "description": "", **overrides}


def test_a_curator_adds_a_sensitive_place_and_only_its_rounded_point_is_kept(curator_client):
    response = curator_client.post(reverse("admin:events_place_add"), place_form())
    assert response.status_code == 302

    assert Place.objects.values_list("latitude", "longitude").get(slug="argun-town") == (
        43.3, 45.9
    )


def test_a_sensitive_place_is_never_a_building_nor_closer_than_10_km(curator_client):
    response = curator_client.post(reverse("admin:events_place_add"),
                                   place_form(kind="building", radius_km="1"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "never the building" in errors["kind"][0]
    assert "at least 10 km" in errors["radius_km"][0]
    assert not Place.objects.filter(slug="argun-town").exists()


def test_bad_coordinates_are_form_errors(curator_client):
    response = curator_client.post(reverse("admin:events_place_add"),
                                   place_form(latitude="91", longitude="east", sensitive=""))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"latitude", "longitude"}
