import datetime

import factory

from events.models import (
    Actor,
    Category,
    Citation,
    Claim,
    ClaimValue,
    Event,
    EventActor,
    EventPlace,
    Naming,
    Place,
    SourceArticle,
    SourceType,
    Statement,
    Status,
)
from events.partial_dates import Precision

# The drafts of the shared dataset (tests/conftest.py `record`): no public surface may show them.
DRAFT_TITLE = "Unconfirmed claim still under review"
DRAFT_QUOTE = "Words nobody has verified yet"
DRAFT_ONLY_ACTOR = "Person named only in a draft"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = Actor.Kind.PERSON
    protected_identity = False
    # A protected identity must say what its name is; the factory's default is a pseudonym.
    naming = factory.LazyAttribute(
        lambda actor: Naming.PSEUDONYM if actor.protected_identity else ""
    )


class MediaOutletFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    kind = Actor.Kind.MEDIA


class SourceArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceArticle

    title = factory.Sequence(lambda n: f"Source article {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/article-{n}")
    source_type = SourceType.ORIGINAL
    published_date = datetime.date(2017, 4, 10)
    published_precision = Precision.DAY


class EventFactory(factory.django.DjangoModelFactory):
    """A draft event; `PublishedEventFactory` gives one a reader can see, with its citation."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    summary = "What happened, as reported."
    start_date = datetime.date(2017, 4, 1)
    start_precision = Precision.DAY
    category = factory.SubFactory(CategoryFactory, name="Reporting", slug="reporting")
    status = Status.DRAFT


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    source = factory.SubFactory(SourceArticleFactory)
    excerpt = "The supporting passage."


class PublishedEventFactory(EventFactory):
    class Meta:
        skip_postgeneration_save = True

    status = Status.PUBLISHED
    citation = factory.RelatedFactory(CitationFactory, factory_related_name="event")


class EventActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventActor

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = "reported"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = Place.Kind.CITY
    latitude = 55.7558
    longitude = 37.6173
    radius_km = 10


class EventPlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventPlace

    event = factory.SubFactory(EventFactory)
    place = factory.SubFactory(PlaceFactory)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    quote = factory.Sequence(lambda n: f"Words said, number {n}.")
    speaker = factory.SubFactory(ActorFactory)
    date = datetime.date(2017, 4, 3)
    date_precision = Precision.DAY
    status = Status.DRAFT


class PublishedStatementFactory(StatementFactory):
    class Meta:
        skip_postgeneration_save = True

    status = Status.PUBLISHED
    citation = factory.RelatedFactory(
        CitationFactory,
        factory_related_name="statement",
        excerpt=factory.LazyAttribute(lambda c: f"He said: “{c.factory_parent.quote}”"),
    )


class ClaimFactory(factory.django.DjangoModelFactory):
    """A published claim; pass `events=[...]` for the events it belongs to."""

    class Meta:
        model = Claim
        skip_postgeneration_save = True

    question = factory.Sequence(lambda n: f"How many, question {n}?")
    slug = factory.Sequence(lambda n: f"claim-{n}")
    status = Status.PUBLISHED

    @factory.post_generation
    def events(self, create, extracted, **kwargs):
        if create and extracted:
            self.events.set(extracted)


class ClaimValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimValue

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceArticleFactory)
    value = factory.Sequence(lambda n: f"value {n}")
    excerpt = "The passage that shows it."
