"""Every fixture the tests share, and the one dataset most of them read (`record`)."""

import datetime
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from events.chronology import DEFAULT_PATH
from events.models import Actor, SourceType, Status, Verification
from events.partial_dates import Precision

from .factories import (
    DRAFT_ONLY_ACTOR,
    DRAFT_QUOTE,
    DRAFT_TITLE,
    ActorFactory,
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    ClaimValueFactory,
    EventActorFactory,
    EventFactory,
    EventPlaceFactory,
    MediaOutletFactory,
    PlaceFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
    StatementFactory,
)


# The precise point of a detention site as a careless source might print it: the record keeps
# only its town, rounded (43.3, 45.9), and no surface may serve these digits.
ARGUN_SITE = (43.29171, 45.87223)
ARGUN_SITE_DIGITS = ("43.29", "45.87")


@pytest.fixture
def argun_site():
    return SimpleNamespace(point=ARGUN_SITE, digits=ARGUN_SITE_DIGITS)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache, so query counts do not depend on test order and
    the API's throttle counts each test's requests from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def chronology_data():
    """The bundled chronology file, as read (never changed by a test)."""
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(
        username="curator", password="a long curator passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="a long editor passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def second_editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="second-editor", password="another long editor passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(editor):
    from django.test import Client

    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def record():
    """A small record: three published events, a draft, statements, a protected identity."""
    reporting = CategoryFactory(name="Reporting", slug="reporting")
    denials = CategoryFactory(name="Denials", slug="denials")
    response = CategoryFactory(name="International response", slug="international-response")
    government = ActorFactory(
        name="Government of Chechnya", slug="chechen-government", kind=Actor.Kind.GOVERNMENT
    )
    kadyrov = ActorFactory(
        name="Ramzan Kadyrov",
        slug="ramzan-kadyrov",
        aliases="Ramazan Kadyrov",
        description="Head of the Chechen Republic.",
        url="https://example.org/kadyrov",
        affiliation=government,
    )
    survivor = ActorFactory(name="Anzor", slug="anzor", protected_identity=True,
                            naming="first_name", naming_note="as the AP printed it")
    novaya = MediaOutletFactory(name="Novaya Gazeta", slug="novaya-gazeta")
    draft_only = ActorFactory(name=DRAFT_ONLY_ACTOR, slug="draft-only-person")
    expose = SourceArticleFactory(
        title="Honour killing", slug="novaya-expose", publisher=novaya,
        url="https://novayagazeta.example/expose",
        published_date=datetime.date(2017, 4, 1),
    )
    hbo = SourceArticleFactory(
        title="Real Sports interview", slug="hbo-interview",
        url="https://hbo.example/real-sports", published_date=datetime.date(2017, 7, 1),
        published_precision=Precision.MONTH, source_type=SourceType.OPINION, language="ru",
    )

    exposé_event = PublishedEventFactory(
        title="Novaya Gazeta reports the detentions",
        slug="novaya-gazeta-reports",
        summary="The newspaper reports that more than a hundred men were detained in Argun.",
        start_date=datetime.date(2017, 4, 1),
        end_date=datetime.date(2017, 4, 3),
        category=reporting,
        location="Argun, Chechnya",
        verification=Verification.CORROBORATED,
        citation__source=expose,
        citation__excerpt="more than a hundred men",
    )
    EventActorFactory(event=exposé_event, actor=novaya, role="reported")
    EventActorFactory(event=exposé_event, actor=survivor, role="detained")
    denial = PublishedEventFactory(
        title="Kadyrov denies on HBO",
        slug="kadyrov-denies-hbo",
        summary="Kadyrov tells HBO there are no such people in Chechnya.",
        start_date=datetime.date(2017, 7, 1),
        start_precision=Precision.MONTH,
        start_approximate=True,
        category=denials,
        verification=Verification.DISPUTED,
        verification_note="The date of the interview's recording is not given.",
        citation__source=hbo,
        citation__excerpt="We don't have any gays.",
    )
    EventActorFactory(event=denial, actor=kadyrov, role="denied")
    condemnation = PublishedEventFactory(
        title="Condemnation abroad",
        slug="condemnation-abroad",
        summary="Governments condemn the purge.",
        start_date=datetime.date(2017, 1, 1),
        start_precision=Precision.YEAR,
        category=response,
        citation__source=expose,
    )
    EventActorFactory(event=condemnation, actor=government, role="criticised")
    draft = EventFactory(
        title=DRAFT_TITLE, slug="draft-event", summary="Not yet checked.",
        start_date=datetime.date(2017, 5, 5), category=denials,
    )
    CitationFactory(event=draft, source=hbo)
    EventActorFactory(event=draft, actor=draft_only, role="accused")

    # Places: Argun is where the detentions were reported, a sensitive place, typed here with
    # a precise point (ARGUN_SITE) that must never be served; Grozny; London; and a place
    # only the draft names, unknown to readers.
    argun = PlaceFactory(name="Argun", slug="argun", sensitive=True, radius_km=10,
                         latitude=ARGUN_SITE[0], longitude=ARGUN_SITE[1])
    grozny = PlaceFactory(name="Grozny", slug="grozny", latitude=43.3178, longitude=45.6985,
                          aliases="Groznyy")
    london = PlaceFactory(name="London", slug="london", latitude=51.5074, longitude=-0.1278,
                          radius_km=15)
    draft_place = PlaceFactory(name="Place named only in a draft", slug="draft-only-place",
                               latitude=10.0, longitude=10.0)
    EventPlaceFactory(event=exposé_event, place=argun)
    EventPlaceFactory(event=denial, place=grozny)
    EventPlaceFactory(event=condemnation, place=london)
    EventPlaceFactory(event=draft, place=draft_place)
    EventPlaceFactory(event=draft, place=grozny)

    testimony = PublishedStatementFactory(
        quote="They beat us with pipes.", speaker=survivor, event=exposé_event,
        date=datetime.date(2017, 4, 2), venue="to Novaya Gazeta",
        citation__source=expose,
    )
    interview = PublishedStatementFactory(
        quote="We don't have any gays.", speaker=kadyrov, event=denial,
        date=datetime.date(2017, 7, 1), date_precision=Precision.MONTH, venue="HBO Real Sports",
        citation__source=hbo,
    )
    StatementFactory(quote=DRAFT_QUOTE, speaker=kadyrov, event=denial, status=Status.DRAFT)
    PublishedStatementFactory(
        quote="Words in a draft event stay unpublished.", speaker=kadyrov, event=draft,
        citation__source=hbo,
    )
    return SimpleNamespace(
        reporting=reporting, denials=denials, response=response, government=government,
        kadyrov=kadyrov, survivor=survivor, novaya=novaya, draft_only=draft_only,
        expose=expose, hbo=hbo, exposé_event=exposé_event, denial=denial,
        condemnation=condemnation, draft=draft, testimony=testimony, interview=interview,
        argun=argun, grozny=grozny, london=london, draft_place=draft_place,
    )


DRAFT_CLAIM = "A question still in draft?"
DRAFT_EVENT_CLAIM = "A question only a draft event has?"


@pytest.fixture
def claims(record):
    """Claims on the shared record: a dispute (two sources, two figures) and a development
    (one prison, then six, the later superseding the earlier) on the exposé; a draft claim on
    it and a published claim of the draft event only, which no public surface may show."""
    detained = ClaimFactory(
        question="How many men were detained?", slug="men-detained", headline=True, order=1,
        events=[record.exposé_event], conclusion="One figure in different words.",
    )
    newspaper = ClaimValueFactory(
        claim=detained, source=record.expose, value="more than a hundred",
        relies_on="police sources", excerpt="more than a hundred men", is_summary=False,
    )
    television = ClaimValueFactory(
        claim=detained, source=record.hbo, value="several dozen", is_summary=True,
        excerpt="The programme says several dozen men were held.",
    )
    prisons = ClaimFactory(
        question="How many secret prisons?", slug="secret-prisons", headline=True, order=2,
        events=[record.exposé_event, record.denial],
    )
    one = ClaimValueFactory(claim=prisons, source=record.expose, value="one")
    six = ClaimValueFactory(claim=prisons, source=record.hbo, value="at least six",
                            supersedes=one)
    draft = ClaimFactory(question=DRAFT_CLAIM, slug="draft-claim", status=Status.DRAFT,
                         events=[record.exposé_event], headline=True)
    ClaimValueFactory(claim=draft, source=record.expose, value="unchecked figure")
    of_draft_event = ClaimFactory(question=DRAFT_EVENT_CLAIM, slug="draft-event-claim",
                                  events=[record.draft], headline=True)
    ClaimValueFactory(claim=of_draft_event, source=record.hbo, value="hidden figure")
    return SimpleNamespace(detained=detained, newspaper=newspaper, television=television,
                           prisons=prisons, one=one, six=six, draft=draft,
                           of_draft_event=of_draft_event)
