"""The record: actors, source articles, events, statements and the citations that tie them.

Rules of the record live as close to the data as they can: database constraints where the
database can check them (both SQLite and PostgreSQL), model validation (`clean`) for the rest,
so the admin reports a broken rule as a form error instead of a server error.
"""

import datetime
import hashlib
import time

import reversion
from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import Contains, IContains
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from .excerpts import appears_in_order, first_missing_part, visible_parts

# Migration 0001 names HttpURLField and NormalizedPartialDates as events.models.*: they must
# stay importable from here.
from .fields import (
    HttpURLField,
    NormalizedPartialDates,
    Versioned,
    precision_field,
)
from .links import url_for
from .partial_dates import PartialDate, PartialDateAttribute, Precision, format_range


class TranslationState(models.Model):
    """Whether an item's two languages are in step (events/languages.py): each language's
    text is fingerprinted on every save, and a save that changes one and not the other flags
    the other as outdated, for readers, the curators' queue and the API."""

    outdated_language = models.CharField(
        "translation out of date",
        max_length=5,
        blank=True,
        choices=[("en", "English"), ("ru", "Russian")],
        help_text="Set on its own when one language's text changes and the other's does not. "
        "Clear it once the texts agree again.",
    )
    en_digest = models.CharField(max_length=16, blank=True, editable=False)
    ru_digest = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        abstract = True


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Verification(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CORROBORATED = "corroborated", _("Corroborated")
    DISPUTED = "disputed", _("Disputed")


class CategoryQuerySet(models.QuerySet):
    def with_event_count(self):
        """Each category's number of published events, as `event_count`."""
        return self.annotate(
            event_count=Count("events", filter=Q(events__status=Status.PUBLISHED))
        )


@reversion.register()
class Category(Versioned, TranslationState, models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("events:category_detail", self.slug)


class SubqueryCount(Subquery):
    """The number of rows of a subquery, as a correlated scalar (one query for a whole list)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = models.IntegerField()


def every_word_in(fields, text):
    """Q for: each word of text (at most 20) appears in one of fields, case-insensitively,
    Cyrillic included (contains_word)."""
    condition = Q()
    for word in text.split()[:20]:
        condition &= any_contains(fields, word)
    return condition


def any_contains(fields, word):
    """Q for: word appears in one of fields (contains_word)."""
    condition = Q()
    for name in fields:
        condition |= contains_word(name, word)
    return condition


def fold_case(text):
    """The form text and a searched word are compared in: lower case, "ё" read as "е" (Russian
    print mostly writes "е" for it, and readers type it so)."""
    return None if text is None else text.lower().replace("ё", "е")


class Folded(models.Func):
    """fold_case() in SQL. SQLite's own lower() and LIKE fold ASCII letters only ("кадыров"
    would miss "Кадыров"), so there it is fold_case itself, registered on every connection
    (register_search_functions); elsewhere lower() with ё translated."""

    function = "lower"
    output_field = models.TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"translate({sql}, 'ёЁ', 'ее')", params

    def as_sqlite(self, compiler, connection, **extra_context):
        return models.Func.as_sql(
            self, compiler, connection, function=FOLD_FUNCTION, **extra_context
        )


FOLD_FUNCTION = "events_fold_case"


def register_search_functions(sender, connection, **kwargs):
    """connection_created receiver (events/signals.py): fold_case on SQLite connections."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, fold_case, deterministic=True)


def contains_word(expression, word):
    """Q for: the text of expression (a column name or an expression) contains word, whatever
    the case. An ASCII word is a plain icontains, which every database folds for it (and
    SQLite fastest, in C); any other word is compared folded (Folded)."""
    if word.isascii():
        if isinstance(expression, str):
            return Q(**{f"{expression}__icontains": word})
        return Q(IContains(expression, word))
    if isinstance(expression, str):
        expression = F(expression)
    return Q(Contains(Folded(expression), fold_case(word)))


def both_languages(name):
    """The columns of a translated field in every language (title_en, title_ru): a search
    finds a word in either, whatever the page's language."""
    return [f"{name}_{code}" for code, _ in settings.LANGUAGES]


class ActorQuerySet(models.QuerySet):
    def protected(self):
        return self.filter(protected_identity=True)

    def search(self, text):
        """Actors whose name or other spellings, in either language, hold every word of text:
        "Кадыров" finds Ramzan Kadyrov, "Kadyrov" Рамзан Кадыров. (A protected identity has
        its shown name and no other spellings, in every language: Actor.Meta.constraints.)"""
        return self.filter(every_word_in(both_languages("name") + both_languages("aliases"), text))

    def public(self):
        """Actors the public record names: in a published event or a public statement, as a
        publisher, or as the affiliation of such an actor. An actor that only a draft mentions
        stays unknown to readers, so a draft cannot leak through an actor page or filter."""
        members_in_record = Actor.objects.filter(affiliation=OuterRef("pk")).filter(
            _named_in_public_record(OuterRef("pk"))
        )
        return self.filter(_named_in_public_record(OuterRef("pk")) | Exists(members_in_record))

    def with_public_counts(self):
        """Each actor's number of published events they are listed in (`event_count`) and of
        public statements (`statement_count`), in the same query."""
        return self.annotate(
            event_count=SubqueryCount(
                EventActor.objects.filter(actor=OuterRef("pk"), event__status=Status.PUBLISHED)
                .values("pk")
            ),
            statement_count=SubqueryCount(
                Statement.objects.public().filter(speaker=OuterRef("pk")).values("pk")
            ),
        )

    def publishers(self):
        """The public record's publishers, whatever their kind (a media outlet, a rights
        group, a government): what a publisher filter can name."""
        return self.public().filter(Exists(
            SourceArticle.objects.filter(publisher=OuterRef("pk"))
        ))

    def filter_by(self, *, kind="", q=""):
        """The API's actor filters: a kind, and words of the name or other spellings."""
        actors = self.filter(kind=kind) if kind else self
        return actors.search(q) if q else actors


def _named_in_public_record(actor):
    return (
        Exists(EventActor.objects.filter(actor=actor, event__status=Status.PUBLISHED))
        | Exists(Statement.objects.public().filter(speaker=actor))
        | Exists(SourceArticle.objects.filter(publisher=actor))
    )


class Naming(models.TextChoices):
    """How a protected person is named in the record: what the shown name is."""

    PSEUDONYM = "pseudonym", _("pseudonym")
    FIRST_NAME = "first_name", _("first name only")
    ANONYMOUS = "anonymous", _("anonymous")


@reversion.register()
class Actor(Versioned, TranslationState, models.Model):
    # Other spellings are added per language where useful; none is missing when absent.
    TRANSLATION_NOT_NEEDED = ("aliases",)

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")
        GOVERNMENT = "government", _("Government body")
        MEDIA = "media", _("Media outlet")
        GROUP = "group", _("Group")

    name = models.CharField(
        max_length=200,
        help_text="The name readers know, as the sources spell it most often. For a protected "
        "identity: only the name the source printed with the person's consent (a pseudonym, "
        "a first name) or a descriptive label (“Anonymous survivor (CNN interview)”).",
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The actor's address. For a protected identity it is made from the name "
        "shown alone (pseudonym, first name or label) whatever is typed here: any word not in "
        "that name is replaced.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    aliases = models.TextField(
        blank=True,
        help_text="Other spellings and names the sources use, one per line "
        "(e.g. “Ramazan Kadyrov”). Searched like the name. Must be empty for a protected "
        "identity.",
    )
    affiliation = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The body this actor speaks for (Mark Toner → U.S. State Department).",
    )
    description = models.TextField(
        blank=True,
        help_text="One or two sentences on who this is, from the sources. Must be empty for a "
        "protected identity.",
    )
    url = HttpURLField(
        "web address",
        blank=True,
        help_text="An official page, if any. Must be empty for a protected identity.",
    )
    protected_identity = models.BooleanField(
        default=False,
        help_text="A survivor or witness whose identity is protected. Only the name above is "
        "ever shown or served, with what kind of name it is; aliases, affiliation, description "
        "and web address must stay empty. Keep anything more out of the record entirely.",
    )
    naming = models.CharField(
        "kind of name",
        max_length=20,
        choices=Naming.choices,
        blank=True,
        help_text="Protected identities only, and required for them: a pseudonym (a name the "
        "source made up, e.g. GCN's “Ahmed”), first name only (the real first name, printed on "
        "that condition, e.g. the AP's “Anzor”), or anonymous (the name is our descriptive "
        "label). Readers see it beside the name.",
    )
    naming_note = models.CharField(
        "how the name was printed",
        max_length=100,
        blank=True,
        help_text="Protected identities only, optional: who printed the name, in a few words "
        "(“as the AP printed it”). Nothing about the person.",
    )

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                # In every language: a Russian alias would name the person as surely.
                condition=Q(protected_identity=False)
                | (
                    Q(aliases="", description="", url="", affiliation__isnull=True)
                    & (Q(aliases_en="") | Q(aliases_en__isnull=True))
                    & (Q(aliases_ru="") | Q(aliases_ru__isnull=True))
                    & (Q(description_en="") | Q(description_en__isnull=True))
                    & (Q(description_ru="") | Q(description_ru__isnull=True))
                ),
                name="protected_actor_has_pseudonym_only",
                violation_error_message="A protected identity has its name and nothing "
                "more: clear the aliases, affiliation, description and web address.",
            ),
            models.CheckConstraint(
                condition=Q(protected_identity=False, naming="", naming_note="")
                | Q(protected_identity=True, naming__in=Naming.values),
                name="protected_actor_says_what_its_name_is",
                violation_error_message="A protected identity says what kind of name it has "
                "(pseudonym, first name only or anonymous); no other actor has one.",
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="actor_url_is_http",
                violation_error_message="A web address must start with http:// or https://.",
            ),
            models.CheckConstraint(
                condition=~Q(affiliation=models.F("id")),
                name="actor_not_affiliated_to_itself",
                violation_error_message="An actor cannot be affiliated to itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.protected_identity:
            self.slug = self._pseudonymous_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return url_for("events:actor_detail", self.slug)

    @property
    def naming_display(self):
        """What the shown name is: "first name only, as the AP printed it" (protected only)."""
        if not self.protected_identity:
            return ""
        return ", ".join(part for part in (self.get_naming_display(), self.naming_note) if part)

    @property
    def name_with_naming(self):
        """The name as every public surface shows it: a protected identity's name says what
        kind of name it is, "Anzor (first name only, as the AP printed it)"."""
        if not self.protected_identity:
            return self.name
        return f"{self.name} ({self.naming_display})"

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def _pseudonymous_slug(self):
        return pseudonymous_slug(self.name, self.slug, Actor.objects.exclude(pk=self.pk))

    def clean(self):
        if self.protected_identity:
            self.slug = self._pseudonymous_slug()
            revealing = [
                field.verbose_name
                for field in (
                    self._meta.get_field(name)
                    for name in ("aliases", "description", "url", "affiliation")
                )
                # in every language (a Russian alias names the person as surely)
                if any(getattr(self, name, None) for name in _in_every_language(field.attname))
            ]
            if revealing:
                raise ValidationError(
                    "A protected identity has its name and nothing more: clear "
                    + ", ".join(revealing)
                    + "."
                )
            if not self.naming:
                raise ValidationError(
                    {"naming": "Say what the name of a protected identity is: a pseudonym, "
                     "a first name only or an anonymous label."}
                )
        elif self.naming or self.naming_note:
            raise ValidationError(
                {"naming": "Only a protected identity has a kind of name: clear it, or tick "
                 "protected identity."}
            )
        if self.affiliation_id and self.affiliation_id == self.pk:
            raise ValidationError({"affiliation": "An actor cannot be affiliated to itself."})


def _in_every_language(attname):
    """A field's column and, for a translated field, its column in each language."""
    return [attname] + [f"{attname}_{code}" for code, _name in settings.LANGUAGES]


def pseudonymous_slug(name, slug, other_actors):
    """The slug of a protected identity: only words of the name it is shown by (a pseudonym,
    a first name only or an anonymous label), so that a slug made from a real name before the
    actor was protected (or typed by mistake) does not stay in every address. The old slug is
    not redirected: it simply stops resolving."""
    pseudonym = slugify(name)[:190] or "protected-identity"
    if slug and set(slug.split("-")) <= set(pseudonym.split("-")):
        return slug
    taken = set(other_actors.filter(slug__startswith=pseudonym).values_list("slug", flat=True))
    candidate, number = pseudonym, 1
    while candidate in taken:
        number += 1
        candidate = f"{pseudonym}-{number}"
    return candidate


class PlaceKind(models.TextChoices):
    CITY = "city", _("City or town")
    BUILDING = "building", _("Building or site")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")


# A sensitive place (a detention site, a safe house) is never shown closer than this: its town
# at best, whatever the sources say. Its coordinates are stored already snapped to a grid of
# SENSITIVE_GRID_DEGREES (about 11 km), so the precise point is not in the database at all.
SENSITIVE_MIN_RADIUS_KM = 10
SENSITIVE_GRID_DEGREES = 0.1


def published_decimals(radius_km):
    """Decimal places of a coordinate published at this radius: none finer than about a
    tenth of the radius (0.1° of latitude is about 11 km, 0.01° about 1 km)."""
    if radius_km >= 1000:
        return 0
    if radius_km >= 100:
        return 1
    if radius_km >= 10:
        return 2
    return 3


def snap_to_grid(value, step=SENSITIVE_GRID_DEGREES):
    return round(round(value / step) * step, 6)


class PlaceQuerySet(models.QuerySet):
    def public(self):
        """Places linked to at least one published event: the others stay unknown to
        readers (a place only a draft names could leak the draft)."""
        return self.filter(Exists(
            EventPlace.objects.filter(place=OuterRef("pk"), event__status=Status.PUBLISHED)
        ))

    def with_event_count(self, events=None):
        """Each place's number of `events` (default: the published ones), as `event_count`;
        places with none are dropped. One query, whatever the number of places."""
        events = Event.objects.public() if events is None else events
        # One pass over the links, grouped by place: a count per place in a correlated
        # subquery had SQLite read every matching event once per place.
        return self.filter(event_places__event__in=events.values("pk")).annotate(
            event_count=Count("event_places")
        )

    def search(self, text):
        """Places whose name or other names, in either language, hold every word of text."""
        return self.filter(every_word_in(both_languages("name") + both_languages("aliases"), text))


@reversion.register()
class Place(Versioned, TranslationState, models.Model):
    """Where events happened, at a stated precision. A sensitive place is only ever shown
    approximately: its coordinates are stored snapped to a grid and its radius is at least
    SENSITIVE_MIN_RADIUS_KM, so no surface can give away more than the town."""

    TRANSLATION_NOT_NEEDED = ("aliases",)

    Kind = PlaceKind

    name = models.CharField(
        max_length=200,
        help_text="The name readers know: “Grozny”, “Moscow”, “House of Commons, London”. "
        "For a sensitive place, the town or area only (“Argun”), never the site itself.",
    )
    slug = models.SlugField(
        max_length=200, unique=True,
        help_text="The place's permanent address: never change it once published.",
    )
    kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.CITY)
    latitude = models.FloatField(
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Decimal degrees north (south negative), e.g. 43.3178 for Grozny. Of the "
        "town centre for a sensitive place, never of the site.",
    )
    longitude = models.FloatField(
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="Decimal degrees east (west negative), e.g. 45.6985 for Grozny.",
    )
    radius_km = models.PositiveIntegerField(
        "precision (radius in km)",
        default=10,
        validators=[MinValueValidator(1)],
        help_text="How precisely readers are told where it is: the place lies within this "
        "many kilometres of the point shown. Coordinates are published only to that "
        "precision. At least 10 for a sensitive place.",
    )
    sensitive = models.BooleanField(
        "sensitive (shown only approximately)",
        default=False,
        help_text="A detention site, a safe house, anywhere a precise location could put "
        "someone at risk. It is shown only as its town or area, within its radius (at least "
        f"{SENSITIVE_MIN_RADIUS_KM} km), on every page, in the API and the exports; the "
        "coordinates are stored rounded to 0.1°, so the precise point is never kept.",
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other spellings and names, one per line (“Groznyy”, “Грозный”).",
    )
    description = models.TextField(
        blank=True,
        help_text="Optional, one sentence: what the place is in this story. For a sensitive "
        "place nothing that narrows it down.",
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="place_coordinates_on_earth",
                violation_error_message="Latitude is between -90 and 90, longitude between "
                "-180 and 180.",
            ),
            models.CheckConstraint(
                condition=Q(radius_km__gte=1),
                name="place_radius_at_least_1_km",
                violation_error_message="The precision is at least 1 km.",
            ),
            models.CheckConstraint(
                condition=Q(sensitive=False)
                | (Q(radius_km__gte=SENSITIVE_MIN_RADIUS_KM) & ~Q(kind=PlaceKind.BUILDING)),
                name="sensitive_place_only_approximate",
                violation_error_message="A sensitive place is shown only approximately: a "
                f"town or area (not a building), within at least {SENSITIVE_MIN_RADIUS_KM} km.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.sensitive:
            self.latitude, self.longitude = self.snapped_coordinates()
        super().save(*args, **kwargs)

    def snapped_coordinates(self):
        return snap_to_grid(self.latitude), snap_to_grid(self.longitude)

    def clean(self):
        errors = {}
        if self.sensitive:
            if self.kind == PlaceKind.BUILDING:
                errors["kind"] = ("A sensitive place is shown only as its town or area: "
                                  "enter the town (kind “City or town”), never the building.")
            if self.radius_km is not None and self.radius_km < SENSITIVE_MIN_RADIUS_KM:
                errors["radius_km"] = (f"A sensitive place is shown within at least "
                                       f"{SENSITIVE_MIN_RADIUS_KM} km.")
        if errors:
            raise ValidationError(errors)
        if self.sensitive and self.latitude is not None and self.longitude is not None:
            # Rounded before validation too, so that the form shows what will be kept.
            self.latitude, self.longitude = self.snapped_coordinates()

    def get_absolute_url(self):
        return url_for("events:place_detail", self.slug)

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def published_radius_km(self):
        if self.sensitive:
            return max(self.radius_km, SENSITIVE_MIN_RADIUS_KM)
        return self.radius_km

    @property
    def published_coordinates(self):
        """(latitude, longitude) as every public surface gives them: rounded to the place's
        precision, and for a sensitive place snapped to the grid again (should a row have
        escaped save(), e.g. through QuerySet.update)."""
        latitude, longitude = self.latitude, self.longitude
        if self.sensitive:
            latitude, longitude = self.snapped_coordinates()
        decimals = published_decimals(self.published_radius_km)
        return round(latitude, decimals), round(longitude, decimals)

    @property
    def published_label(self):
        """The place as one line of the exports: “Argun (43.3, 45.9; shown only
        approximately, on purpose: within 10 km)”."""
        latitude, longitude = self.published_coordinates
        return f"{self.name} ({latitude:g}, {longitude:g}; {self.precision_display})"

    @property
    def precision_display(self):
        if self.sensitive:
            return (f"shown only approximately, on purpose: within {self.published_radius_km} km")
        return f"within {self.published_radius_km} km"


class SourceArticleQuerySet(models.QuerySet):
    def with_public_citation_count(self):
        """Each source's number of citations in the public record, as `citation_count`."""
        public_citations = Citation.objects.public().filter(source=OuterRef("pk"))
        return self.annotate(
            citation_count=Coalesce(
                public_citations.order_by().values("source").annotate(n=Count("pk")).values("n"),
                0,
            )
        )

    def with_citing_event_count(self):
        """Each source's number of published events that cite it, directly or through a
        public statement (what the source filter selects), as `citing_event_count`."""
        events = (
            Citation.objects.public().filter(source=OuterRef("pk"))
            .annotate(cited_event=Coalesce("event", "statement__event"))
            .filter(cited_event__isnull=False)
            .order_by().values("cited_event").distinct()
        )
        return self.annotate(citing_event_count=SubqueryCount(events))

    def filter_by(self, *, publisher=None):
        """The API's source filters."""
        return self.filter(publisher=publisher) if publisher is not None else self


class SourceType(models.TextChoices):
    """What kind of document a source is: how close it stands to what it reports."""

    ORIGINAL = "original", _("Original reporting")
    WIRE = "wire", _("Wire or agency report")
    OFFICIAL = "official", _("Official document or statement")
    REPUBLICATION = "republication", _("Republication or compilation")
    OPINION = "opinion", _("Opinion")


PUBLISHER_KINDS = (Actor.Kind.MEDIA, Actor.Kind.ORGANISATION, Actor.Kind.GOVERNMENT)


@reversion.register()
class SourceArticle(NormalizedPartialDates, Versioned, TranslationState, models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    publisher = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_articles",
        limit_choices_to={"kind__in": PUBLISHER_KINDS},
        help_text="Who published it: the outlet, agency, organisation or official body "
        "(“TASS”, “Human Rights Watch”, “UK House of Commons”). Every source needs one; "
        "for a site that names no publisher, the actor “Unidentified website”. "
        "`manage.py audit_record` lists the sources without one.",
    )
    source_type = models.CharField(
        "type",
        max_length=20,
        choices=SourceType.choices,
        help_text="Original reporting: the outlet's own reporting. Wire: a news agency's "
        "report (TASS, Interfax, AP). Official: a government's, parliament's or UN body's own "
        "document or statement. Republication: a site that copies or strings together others' "
        "reports. Opinion: a comment piece. Cite the original beside a republication.",
    )
    url = HttpURLField(
        "web address", max_length=500, blank=True, help_text="Where the article can be read."
    )
    published_date = models.DateField(
        "publication date",
        null=True,
        blank=True,
        help_text="The first day of the period the article was published in.",
    )
    published_precision = precision_field("publication date")
    published_approximate = models.BooleanField("publication date approximate", default=False)
    author = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=16,
        default="en",
        help_text="Language of the article, as a code: en, ru… (an original Russian title "
        "stays in Russian).",
    )
    archive_filename = models.CharField(
        "archived text file",
        max_length=200,
        blank=True,
        help_text="File name of the archived plain text of this article, if kept. "
        "`manage.py check_excerpts FOLDER` checks citation excerpts against it verbatim.",
    )
    archive_url = HttpURLField(
        "archived copy",
        max_length=500,
        blank=True,
        help_text="A dated snapshot of the article in a web archive "
        "(https://web.archive.org/web/20170420000000/https://…): readers see it beside the "
        "original, which may change or vanish. Public; the archived text below is not.",
    )
    archived_on = models.DateField(
        "archived copy's date",
        null=True,
        blank=True,
        help_text="The day the snapshot was taken. Required with an archived copy.",
    )
    notes = models.TextField(
        blank=True,
        help_text="How the publication date was worked out, what the article is, its reliability.",
    )
    english_gloss = models.CharField(
        "English gloss of the title",
        max_length=300,
        blank=True,
        help_text="For a source not in English: what its own headline says, in English, shown "
        "beside the headline on the English pages.",
    )

    published = PartialDateAttribute("published")
    partial_dates = ("published",)

    objects = SourceArticleQuerySet.as_manager()

    class Meta:
        ordering = ["published_date", "published_precision", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="source_url_is_http",
                violation_error_message="A source's web address must start with http:// or https://.",
            ),
            # Empty only on rows older than the field (audit_record lists them); every form
            # and the loader require a type.
            models.CheckConstraint(
                condition=Q(source_type__in=[*SourceType.values, ""]),
                name="source_type_is_known",
                violation_error_message="Choose one of the source types.",
            ),
            models.CheckConstraint(
                condition=Q(archive_url="")
                | Q(archive_url__startswith="http://", archived_on__isnull=False)
                | Q(archive_url__startswith="https://", archived_on__isnull=False),
                name="source_archived_copy_is_dated_http",
                violation_error_message="An archived copy's address starts with http:// or "
                "https://, and the copy has the date it was taken.",
            ),
            models.CheckConstraint(
                condition=~Q(language=""),
                name="source_has_a_language",
                violation_error_message="Give the source's language (en, ru…).",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def headline(self):
        """The source's own title as printed, whatever the page's language: a Russian paper's
        Russian headline on the English pages too. A bracketed title is our description of a
        source whose headline was not seen, so it is given in the page's language."""
        english = self.title_en or ""
        return self.title if english.startswith("[") else english

    @property
    def gloss(self):
        """What the headline says in the page's language, where it is in another one."""
        english = self.title_en or ""
        if english.startswith("["):
            return ""
        if get_language() == "ru":
            russian = self.title_ru or ""
            return russian if russian and russian != english else ""
        return self.english_gloss if self.language != "en" else ""

    def get_absolute_url(self):
        return url_for("events:source_detail", self.slug)

    def clean(self):
        if self.publisher_id and self.publisher.kind not in PUBLISHER_KINDS:
            raise ValidationError(
                {"publisher": "A publisher is an outlet, an organisation or an official body, "
                 "not a person or a group."}
            )
        if self.archive_url and not self.archived_on:
            raise ValidationError(
                {"archived_on": "Give the day the archived copy was taken (its snapshot's "
                 "date): readers see it beside the link."}
            )

    def kept_text(self):
        """The archived text kept for checking excerpts (curators only), or None."""
        try:
            return self.archived_text.text
        except ArchivedText.DoesNotExist:
            return None

    @property
    def language_name(self):
        try:
            return get_language_info(self.language)["name"]
        except KeyError:
            return self.language

    @property
    def credit(self):
        """Who published it, what kind of source it is and its language, as readers see it
        beside the title: "TASS; wire or agency report; English"."""
        parts = [self.publisher.name if self.publisher_id else "publisher not known"]
        if self.source_type:
            parts.append(self.get_source_type_display().lower())
        parts.append(self.language_name)
        return "; ".join(parts)

    def record_problems(self):
        """What the audit reports about this source beyond what validation refuses: a
        publisher is required of the record, but a source saved before it was may lack one
        until a curator finds out who published it."""
        # A missing type is clean_fields()'s to report (the field is required).
        return [] if self.publisher_id else ["has no publisher"]


def listing_prefetches():
    """The related rows of an event a listing shows (EventQuerySet.for_listing)."""
    return [
        Prefetch(
            "participations",
            queryset=EventActor.objects.select_related("actor").order_by("pk"),
            to_attr=Event.LISTED_PARTICIPATIONS,
        ),
        Prefetch(
            "statements",
            queryset=Statement.objects.public()
            .select_related("speaker")
            .with_citations()
            .chronological(),
            to_attr=Event.LISTED_STATEMENTS,
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source__publisher"),
            to_attr=Event.LISTED_CITATIONS,
        ),
        Prefetch(
            "places",
            queryset=Place.objects.order_by("name", "pk"),
            to_attr=Event.LISTED_PLACES,
        ),
    ]


def statement_citations_prefetch():
    """A statement's citations with their sources, into Statement.citation_list."""
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("source__publisher"),
        to_attr=Statement.LISTED_CITATIONS,
    )


def _text_or_empty(subquery):
    return Coalesce(Subquery(subquery), Value(""), output_field=models.TextField())


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Status.PUBLISHED)

    def chronological(self):
        """The record's order, the same on every surface (Event.CHRONOLOGICAL_ORDER)."""
        return self.order_by(*Event.CHRONOLOGICAL_ORDER)

    def with_citation_count(self):
        return self.annotate(citation_count=Count("citations", distinct=True))

    def uncited(self):
        return self.filter(citations__isnull=True)

    def for_listing(self):
        """Everything a listing shows of each event, in a fixed number of queries.

        The related rows go into plain lists (`to_attr`, read through Event.participation_list
        and the other *_list properties): Django's default prefetch builds a queryset for every
        row it attaches to, a sizeable part of a listing page's time.
        """
        return (
            self.defer(*Event.SEARCH_DOCUMENTS)
            .select_related("category")
            .prefetch_related(*listing_prefetches())
        )

    def filter_by(
        self,
        *,
        q="",
        category=(),
        actor=None,
        actor_kind="",
        source=None,
        publisher=None,
        date_from=None,
        date_to=None,
        verification=(),
        place=None,
    ):
        """The reader's filters, with one meaning for the pages, the API and the exports.

        An actor matches the events they take part in or made a statement in; a source (or a
        publisher's sources) matches the events it is cited for, directly or through one of
        their statements. Dates select events that start within the range, each end taken as
        a whole period: from "2017-04" means from 1 April, to "2017-04" up to 30 April.
        """
        events = self
        if category:
            events = events.filter(category__in=category)
        if actor is not None:
            events = events.filter(
                Exists(EventActor.objects.filter(event=OuterRef("pk"), actor=actor))
                | Exists(Statement.objects.public().filter(event=OuterRef("pk"), speaker=actor))
            )
        if actor_kind:
            events = events.filter(
                Exists(EventActor.objects.filter(event=OuterRef("pk"), actor__kind=actor_kind))
            )
        if source is not None or publisher is not None:
            citations = Citation.objects.all()
            if source is not None:
                citations = citations.filter(source=source)
            if publisher is not None:
                citations = citations.filter(source__publisher=publisher)
            events = events.filter(
                Exists(citations.filter(event=OuterRef("pk")))
                | Exists(citations.filter(statement__event=OuterRef("pk"),
                                          statement__status=Status.PUBLISHED))
            )
        if date_from is not None:
            events = events.filter(start_date__gte=date_from.first_day)
        if date_to is not None:
            events = events.filter(start_date__lte=date_to.last_day)
        if verification:
            events = events.filter(verification__in=verification)
        if place is not None:
            events = events.filter(
                Exists(EventPlace.objects.filter(event=OuterRef("pk"), place=place))
            )
        if q:
            events = events.search(q)
        return events

    def search(self, text):
        """Free text over titles, summaries, locations, public quotes (and our renderings of
        them) and actor names, in English and in Russian, whatever the page's language.

        PostgreSQL: full-text search over a document per language (Event.SEARCH_DOCUMENTS),
        each with its own stemming ("arrested" finds "arrests", «задержали» finds
        «задержаны»), websearch syntax ("quoted phrases", -excluded words) and a
        `search_rank` annotation. Elsewhere (SQLite): every word must appear somewhere,
        case-insensitively, Cyrillic included. Names match across scripts through the
        actors' names and other spellings in both languages: "Кадыров" finds Kadyrov.
        """
        text = " ".join(text.split())
        if not text:
            return self
        if connection.vendor == "postgresql":
            return self._search_postgresql(text)
        return self._search_contains(text)

    def _search_postgresql(self, text):
        # One stored, GIN-indexed document per language (refresh_search_vectors), each asked
        # in its own configuration: one index scan each, OR-ed (a bitmap OR).
        text = fold_yo(text)
        match, rank = Q(), None
        for column, (_language, config) in Event.SEARCH_DOCUMENTS.items():
            query = SearchQuery(text, config=config, search_type="websearch")
            match |= Q(**{column: query})
            language_rank = SearchRank(F(column), query)
            rank = language_rank if rank is None else rank + language_rank
        return self.filter(match).annotate(search_rank=rank)

    def refresh_search_vectors(self):
        """Recompute the stored search documents of these events (PostgreSQL only).

        Each language's document (Event.SEARCH_DOCUMENTS) holds that language's title (weight
        A), the actors' names and other spellings in every language (B), summary (B),
        location, and the public quotes with our rendering of them (C), stemmed for that
        language, in one UPDATE.
        events/signals.py calls it for the events a save touches; bulk loads call it once at
        the end.
        """
        if connection.vendor != "postgresql":
            return 0
        documents = {}
        for column, (code, config) in Event.SEARCH_DOCUMENTS.items():

            def vector(expression, weight, config=config):
                if isinstance(expression, str):
                    expression = F(expression)
                return SearchVector(_yo_folded(expression), weight=weight, config=config)

            documents[column] = (
                vector(f"title_{code}", "A")
                + vector(_text_or_empty(_actor_names_of_event()), "B")
                + vector(f"summary_{code}", "B")
                + vector(f"location_{code}", "C")
                + vector(_text_or_empty(_public_quotes_of_event(code)), "C")
            )
        return self.update(**documents)

    def _search_contains(self, text):
        # One folded text per event, per statement and per actor (both languages, "\n"
        # between columns so a word never spans two): on SQLite one call of fold_case per row
        # for a word that needs it, not one per column.
        event_text = _joined(*(both_languages("title") + both_languages("summary")
                               + both_languages("location")))
        quote_text = _joined("quote", *both_languages("rendering"))
        name_text = _joined(*[f"actor__{name}"
                              for name in both_languages("name") + both_languages("aliases")])
        events = self
        for word in text.split()[:20]:
            word = word.strip("\"'")
            if not word:
                continue
            events = events.filter(
                contains_word(event_text, word)
                | Exists(
                    Statement.objects.public().filter(event=OuterRef("pk"))
                    .filter(contains_word(quote_text, word))
                )
                | Exists(
                    EventActor.objects.filter(event=OuterRef("pk"))
                    .filter(contains_word(name_text, word))
                )
            )
        return events


def fold_yo(text):
    """ё read as е in a search text (see fold_case)."""
    return text.replace("ё", "е").replace("Ё", "Е")


def _yo_folded(expression):
    """ё read as е in a document's text, as fold_yo reads a search text."""
    return models.Func(
        expression, Value("ёЁ"), Value("еЕ"), function="translate",
        output_field=models.TextField(),
    )


def _joined(*columns, separator="\n"):
    parts = []
    for column in columns:
        parts += [Coalesce(column, Value(""), output_field=models.TextField()), Value(separator)]
    return Concat(*parts[:-1], output_field=models.TextField())


def _actor_names_of_event():
    """Subquery: the names and other spellings of an event's actors, in every language,
    space-separated. Each language's document holds them all: a name is the bridge between
    the scripts, so "Кадыров gays" finds an event whose Russian is not written yet."""
    names = [F(f"actor__{name}") for name in both_languages("name") + both_languages("aliases")]
    return (
        EventActor.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(text=StringAgg(_joined(*names, separator=" "), " "))
        .values("text")
    )


def _public_quotes_of_event(code):
    """Subquery: an event's public quotes as the sources print them, with our rendering of
    each in one language, space-separated."""
    return (
        Statement.objects.public()
        .filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(text=StringAgg(_joined("quote", f"rendering_{code}", separator=" "), " "))
        .values("text")
    )


# Event's order, named once for Event.CHRONOLOGICAL_ORDER and Event.Meta.ordering (a class body's
# names are not visible inside its Meta).
_CHRONOLOGICAL_ORDER = ("sort_date", "start_precision", "day_order", "title", "pk")


class CitedToPublish:
    """A published event or statement rests on at least one citation.

    The one statement of the rule: the admin's formsets, inline form and publish action, the
    loader and the audit all ask it, so they refuse the same thing with the same words.
    """

    def uncited_problem(self, cited):
        """The rule's message if this item, with or without a citation (`cited`), breaks it."""
        if self.status != Status.PUBLISHED or cited:
            return None
        return (
            f"A published {self._meta.verbose_name} needs at least one citation: add the "
            "source and the excerpt that supports it, or save it as a draft."
        )


@reversion.register(follow=["citations", "participations", "statements"])
class Event(CitedToPublish, NormalizedPartialDates, Versioned, TranslationState, models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The event's permanent address: never change it once published.",
    )
    summary = models.TextField(
        help_text="What happened, in plain words, as the sources report it. No claims the "
        "citations do not support."
    )
    start_date = models.DateField(
        "date", help_text="The first day of the period the event happened in."
    )
    start_precision = precision_field("date")
    start_approximate = models.BooleanField("date approximate", default=False)
    end_date = models.DateField("end date", null=True, blank=True)
    end_precision = precision_field("end date")
    end_approximate = models.BooleanField("end date approximate", default=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="events")
    location = models.CharField(
        max_length=200, blank=True, help_text="Where it happened, e.g. “Argun, Chechnya”."
    )
    actors = models.ManyToManyField(
        Actor, through="EventActor", related_name="events", blank=True
    )
    places = models.ManyToManyField(
        Place, through="EventPlace", related_name="events", blank=True,
        help_text="Where it happened: one or more places of the record.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published events are shown to readers. Publishing needs a citation.",
    )
    verification = models.CharField(
        max_length=20,
        choices=Verification.choices,
        default=Verification.REPORTED,
        help_text="Reported: one source says so. Corroborated: independent sources agree. "
        "Disputed: sources disagree or the claim is contested; explain in the note.",
    )
    verification_note = models.TextField(
        blank=True,
        help_text="Required when disputed: what differs, and which source says which. Also the "
        "place to say how a vague date was pinned down.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL's full-text documents of the event, one per language, derived (never edited,
    # never serialized): EventQuerySet.refresh_search_vectors keeps them current, each
    # GIN-indexed (migrations 0007 and 0022). Unused (NULL) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)
    search_vector_ru = SearchVectorField(null=True, editable=False, serialize=False)
    # Column: (language of the columns it is made of, text search configuration).
    SEARCH_DOCUMENTS = {"search_vector": ("en", "english"), "search_vector_ru": ("ru", "russian")}

    sort_as = models.DateField(
        "sort as (best estimate of the day)",
        null=True,
        blank=True,
        help_text="Only for an event known to the month or the year: the curators' best "
        "estimate of its day, from the evidence (say what in the note). It places the event "
        "at that day in the chronology, shown as “c. 15 April 2017”. Leave it empty when "
        "nothing supports an estimate: the event is then listed after the month's dated "
        "events, under “April 2017, day not known”.",
    )
    day_order = models.PositiveSmallIntegerField(
        "order within the day",
        default=0,
        help_text="Only when several events share a day and the sources show which came "
        "first (a morning press release, an evening statement): lower numbers are listed "
        "first. Leave 0 when the order within the day is not known.",
    )
    # The day the event sits at in the record's order, derived from the date and sort_as on
    # every save (events/signals.py), never edited: see chronology_date().
    sort_date = models.DateField(editable=False)

    start = PartialDateAttribute("start")
    end = PartialDateAttribute("end")
    partial_dates = ("start", "end")

    objects = EventQuerySet.as_manager()

    # One sort key for every surface: the day it sits at, a known day before an estimated or
    # unknown one, the curators' order within a day, then the title. Indexed with status
    # (event_public_chronology).
    CHRONOLOGICAL_ORDER = _CHRONOLOGICAL_ORDER

    class Meta:
        ordering = list(_CHRONOLOGICAL_ORDER)
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="event_end_not_before_start",
                # The one rule for an end (Event.clean checks it too): its period begins no
                # earlier than the start's, each taken by its first day as stored.
                violation_error_message="The end date cannot be before the start date. An end "
                "given only as a month or a year counts from its first day (“April 2017” is 1 "
                "April): give the end as precisely as the start, or leave it empty.",
            ),
            models.CheckConstraint(
                condition=~Q(verification=Verification.DISPUTED) | ~Q(verification_note=""),
                name="disputed_event_has_note",
                violation_error_message="A disputed event needs a note saying what is disputed.",
            ),
            models.CheckConstraint(
                condition=Q(sort_as__isnull=True)
                | Q(sort_as__gte=models.F("start_date"), start_precision__gt=Precision.DAY),
                name="event_sort_as_estimates_an_unknown_day",
                violation_error_message="A best estimate of the day is only for an event "
                "known to the month or the year, and falls within its dates.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "sort_date", "start_precision", "day_order", "title"],
                name="event_public_chronology",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_for("events:event_detail", self.slug)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def is_placed_by_estimate(self):
        return self.sort_as is not None and self.start_precision != Precision.DAY

    @property
    def placed_on(self):
        """The best estimate of the day as a partial date ("c. 15 April 2017"), or None."""
        if not self.is_placed_by_estimate:
            return None
        return PartialDate(self.sort_as, Precision.DAY, approximate=True)

    @property
    def date_display(self):
        """The date as readers see it; a curator's estimate of the day shows with "c."."""
        return format_range(self.placed_on or self.start, self.end)

    def chronology_date(self):
        """The day this event sits at in the record's order.

        Known to the day: that day. Known to the month or year, with a curator's estimate
        (sort_as): the estimate. Otherwise the period's last day, so that the event comes
        after every event dated within the period (start_precision breaks the tie with an
        event of that last day).
        """
        start = self.start
        if start.precision == Precision.DAY:
            return start.date
        return self.sort_as if self.sort_as else start.last_day

    @property
    def month_label(self):
        """The heading the chronology groups this event under: its month, or its month or
        year "not known" for an event listed after the dated ones."""
        start = self.start
        if start.precision == Precision.DAY or self.is_placed_by_estimate:
            return self.chronology_date().strftime("%B %Y")
        if start.precision == Precision.MONTH:
            return f"{start.date.strftime('%B %Y')}, day not known"
        return f"{start.date.year}, month not known"

    def timeline_day(self):
        """Where a date-axis view (TimelineJS) puts the event: its day, the estimate, or the
        middle of its period (the 15th of its month; 1 July of its year), never the 1st."""
        start = self.start
        if start.precision == Precision.DAY:
            return start.date
        if self.sort_as:
            return self.sort_as
        if start.precision == Precision.MONTH:
            return start.date.replace(day=15)
        return start.date.replace(month=7, day=1)

    @property
    def is_disputed(self):
        return self.verification == Verification.DISPUTED

    # What EventQuerySet.for_listing() prefetched, else a query: the same rows either way.
    LISTED_PARTICIPATIONS = "listed_participations"
    LISTED_STATEMENTS = "listed_statements"
    LISTED_CITATIONS = "listed_citations"
    LISTED_PLACES = "listed_places"

    @property
    def place_list(self):
        return _listed(self, self.LISTED_PLACES, listing_prefetches)

    @property
    def participation_list(self):
        return _listed(self, self.LISTED_PARTICIPATIONS, listing_prefetches)

    @property
    def statement_list(self):
        """Published statements, in the order they were said."""
        return _listed(self, self.LISTED_STATEMENTS, listing_prefetches)

    @property
    def citation_list(self):
        return _listed(self, self.LISTED_CITATIONS, listing_prefetches)

    def citations_by_source(self):
        """Each cited source once, in the order of its first citation, with all of this
        event's citations of it: one numbered note per source, with its excerpts."""
        notes = {}
        for citation in self.citation_list:
            notes.setdefault(citation.source_id, (citation.source, []))[1].append(citation)
        return list(notes.values())

    def cited_sources(self):
        """Each source this event cites, once, in citation order (uses prefetched citations)."""
        sources = {}
        for citation in self.citation_list:
            sources.setdefault(citation.source_id, citation.source)
        return list(sources.values())

    def clean(self):
        errors = {}
        if self.end_date and self.start_date:
            # The database's own constraint, evaluated here, so that the form refuses exactly
            # what the database would (the form edits `start`/`end`, not the columns the
            # constraint names, so ModelForm validation alone would skip it).
            end_rule = next(
                constraint for constraint in self._meta.constraints
                if constraint.name == "event_end_not_before_start"
            )
            try:
                end_rule.validate(type(self), self)
            except ValidationError as error:
                errors["end_date"] = error.messages
        if self.sort_as and self.start_date:
            if self.start_precision == Precision.DAY:
                errors["sort_as"] = (
                    "This event's day is known: a best estimate is only for an event known "
                    "to the month or the year. Clear it."
                )
            else:
                last_day = (self.end or self.start).last_day
                if not self.start.first_day <= self.sort_as <= last_day:
                    errors["sort_as"] = (
                        f"The best estimate must fall within the event's dates "
                        f"({self.start.first_day:%-d %B %Y} to {last_day:%-d %B %Y})."
                    )
        if self.verification == Verification.DISPUTED and not self.verification_note.strip():
            errors["verification_note"] = (
                "A disputed event needs a note saying what is disputed and which source says what."
            )
        if errors:
            raise ValidationError(errors)


@reversion.register()
class EventActor(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(
        max_length=100,
        blank=True,
        help_text="What this actor did in the event, in a few words: “reported”, “denied”, "
        "“detained”, “condemned”.",
    )

    class Meta:
        verbose_name = "actor involved"
        verbose_name_plural = "actors involved"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor"],
                name="actor_once_per_event",
                violation_error_message="This actor is already listed for this event.",
            )
        ]

    def __str__(self):
        return f"{self.actor} ({self.role})" if self.role else str(self.actor)


@reversion.register()
class EventPlace(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_places")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="event_places")

    class Meta:
        verbose_name = "place"
        verbose_name_plural = "places"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "place"],
                name="place_once_per_event",
                violation_error_message="This place is already listed for this event.",
            )
        ]

    def __str__(self):
        return str(self.place)


class StatementQuerySet(models.QuerySet):
    def public(self):
        """Published statements, never one that belongs to an unpublished event."""
        return self.filter(status=Status.PUBLISHED).filter(
            Q(event__isnull=True) | Q(event__status=Status.PUBLISHED)
        )

    def chronological(self):
        return self.order_by("date", "date_precision", "pk")

    def with_citations(self):
        return self.prefetch_related(statement_citations_prefetch())

    def uncited(self):
        return self.filter(citations__isnull=True)

    def for_listing(self):
        """Everything a list of statements shows, in the order they were said."""
        return self.select_related("speaker", "event").with_citations().chronological()

    def filter_by(self, *, q="", speaker=None, event=None, date_from=None, date_to=None):
        """Statement filters; dates mean what they mean for events (each end a whole period)."""
        statements = self
        if speaker is not None:
            statements = statements.filter(speaker=speaker)
        if event is not None:
            statements = statements.filter(event=event)
        if date_from is not None:
            statements = statements.filter(date__gte=date_from.first_day)
        if date_to is not None:
            statements = statements.filter(date__lte=date_to.last_day)
        return statements.filter(every_word_in(["quote", *both_languages("rendering")], q))


class StatementKind(models.TextChoices):
    """How a statement records what was said: the words themselves, or our account of them."""

    QUOTE = "quote", _("Verbatim quote")
    REPORTED = "reported", _("Reported speech")


@reversion.register(follow=["citations"])
class Statement(
    CitedToPublish, NormalizedPartialDates, Versioned, TranslationState, models.Model
):
    Kind = StatementKind

    kind = models.CharField(
        max_length=10,
        choices=StatementKind.choices,
        default=StatementKind.QUOTE,
        help_text="Verbatim quote: the speaker's exact words, which must appear in a cited "
        "excerpt, shown in quotation marks. Reported speech: our own words of what the speaker "
        "said, from an outside reference (its citation may be a summary), shown without "
        "quotation marks as “<speaker> said <text>”: write the text to follow “said”, e.g. "
        "“that Moscow had no reason to believe the reports”.",
    )
    quote = models.TextField(
        "words",
        help_text="For a verbatim quote, the exact words from the cited source, its own "
        "punctuation and spelling kept. For reported speech, our own words of what was said, "
        "to follow “<speaker> said”. No quotation marks around it.",
    )
    speaker = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="statements")
    date = models.DateField(help_text="The first day of the period the words were said in.")
    date_precision = precision_field("date")
    date_approximate = models.BooleanField("date approximate", default=False)
    venue = models.CharField(
        "where or to whom",
        max_length=200,
        blank=True,
        help_text="E.g. “to Interfax”, “HBO Real Sports interview”, “press briefing”.",
    )
    spoken_language = models.CharField(
        "said in",
        max_length=5,
        blank=True,
        choices=[("ru", "Russian"), ("en", "English"), ("ce", "Chechen")],
        help_text="The language the words were said in, where the sources show it. A quote "
        "printed by a source in another language is then shown as that source's translation.",
    )
    rendering = models.TextField(
        "our rendering",
        blank=True,
        help_text="Our own rendering of the words in this language, shown beside them, "
        "labelled as ours, where the cited source prints them in another language (the "
        "Russian site shows an English quote with our Russian). For reported speech, our "
        "account of what was said in this language.",
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        help_text="The event this statement belongs to, if any.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published statements of published events are shown. Publishing needs "
        "a citation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    said_on = PartialDateAttribute("date", date_field="date")
    partial_dates = ("said_on",)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["date", "date_precision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quote=""), name="statement_has_quote",
                violation_error_message="A statement needs its quote.",
            ),
        ]

    def __str__(self):
        quote = " ".join(self.quote.split())
        short = quote if len(quote) <= 60 else quote[:59] + "…"
        if self.is_reported:
            return f"{self.speaker} said {short}" if self.speaker_id else f"(said) {short}"
        return f"{self.speaker}: “{short}”" if self.speaker_id else f"“{short}”"

    @property
    def is_reported(self):
        return self.kind == StatementKind.REPORTED

    def as_text(self):
        """The statement as one line of plain text, its kind visible: a quote in quotation
        marks, reported speech as “<speaker> said <text>” (the exports and the feed)."""
        speaker = self.speaker.name_with_naming
        if self.is_reported:
            return f"{speaker} said {self.quote}"
        return f"{speaker}: “{self.quote}”"

    def as_html(self):
        """as_text() as escaped HTML (TimelineJS and the feed): a quote in <q>, reported
        speech without quotation marks and labelled as such."""
        speaker = self.speaker.name_with_naming
        if self.is_reported:
            return format_html('<p class="statement statement--reported">{} said {} '
                               "<small>(reported speech, not a quotation)</small></p>",
                               speaker, self.quote)
        return format_html('<p class="statement statement--quote">{}: <q>{}</q></p>',
                           speaker, self.quote)

    def citation_problem(self, citation):
        """Why this citation cannot support this statement, or None. A quote must stand
        verbatim in a quoting excerpt; reported speech only needs its source cited (a
        summary of the passage is enough, no verbatim requirement)."""
        if self.is_reported:
            return None
        if citation.is_summary:
            return "A verbatim quote's citation must quote the source, not summarise it."
        if citation.excerpt and not appears_in_order(self.quote, citation.excerpt):
            return ("The excerpt must contain the statement's quote verbatim (an elision […] "
                    "in the quote must be in the excerpt too).")
        return None

    def rule_problems(self):
        """What breaks this statement's kind's rule, across its citations (the audit). A quote
        must be verbatim in one of its citations' excerpts; reported speech must be cited."""
        citations = list(self.citations.all())
        if self.is_reported:
            return [] if citations else ["Reported speech must be cited."]
        if not any(not c.is_summary and appears_in_order(self.quote, c.excerpt)
                   for c in citations):
            return ["The quote is not verbatim in any of its citations' excerpts."]
        return []

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    LISTED_CITATIONS = "listed_citations"  # as Event's, prefetched by for_listing()

    @property
    def citation_list(self):
        return _listed(self, self.LISTED_CITATIONS, lambda: [statement_citations_prefetch()])

    def clean(self):
        errors = {}
        if self.event_id and self.date and self.event.start_date:
            problem = self.date_contradicts_event()
            if problem:
                errors["date"] = problem
        if (not self.is_reported and self.pk
                and any(citation.is_summary for citation in self.citations.all())):
            errors["kind"] = ("A verbatim quote cannot rest on a summary citation: keep it "
                              "reported speech, or cite the words.")
        if errors:
            raise ValidationError(errors)

    def date_contradicts_event(self):
        """Why the date of these words contradicts their event's, or "".

        Words may be dated more vaguely than their event, or said about it before or after
        (a testimony about a detention, an interview published later): only when both are
        known to the day does a date outside the event's days contradict it, since a
        different day is a different happening (../shared/RECORD.md), or one date is wrong.
        """
        said, event = self.said_on, self.event
        if said.precision != Precision.DAY or event.start.precision != Precision.DAY:
            return ""
        last_day = (event.end or event.start).last_day
        if not event.start.first_day <= said.date <= last_day:
            return (f"Said {said.display()}, a day outside its event's ({event.date_display}): "
                    "correct one of the two dates, or give the statement its own event.")
        return ""


def _listed(instance, attribute, prefetches):
    """The rows a listing prefetched into `attribute`; for an instance that was not prefetched,
    the same prefetch run for it alone, so the rows come with their related objects."""
    if not hasattr(instance, attribute):
        prefetch_related_objects([instance], *prefetches())
    return getattr(instance, attribute)


class QuotesSource:
    """An excerpt of a source (a citation, a claim value): checked against the source's
    archived text when it is kept."""

    def archive_problem(self, text=None):
        """Why the excerpt is not verbatim in its source's archived text, or None: each
        visible part must appear in it, in order (events/excerpts.py, as check_excerpts and
        the audit compare). A summary, or a source without an archived text, is not checked.
        `text` spares reading the archived text again when the caller has it."""
        if self.is_summary or not self.excerpt or not self.source_id:
            return None
        if text is None:
            text = self.source.kept_text()
            if text is None:
                return None
        missing = first_missing_part(self.excerpt, text)
        if missing is None:
            return None
        return (f"Not verbatim in the archived text of “{self.source}”: “{short_text(missing)}” "
                "is not there (after the parts before it). Copy the passage exactly, or leave "
                "words out with […].")

    def is_verbatim_in(self, text):
        """Each visible part of the excerpt is in the source text, in order. Summaries are
        the curators' words: never compared."""
        return self.is_summary or appears_in_order(self.excerpt, text)


class CitationQuerySet(models.QuerySet):
    def public(self):
        """Citations of a published event or of a public statement."""
        return self.filter(
            Q(event__status=Status.PUBLISHED) | Q(statement__in=Statement.objects.public())
        )

    def first_citing_events(self, per_source):
        """{source id: [event, ...]}: for each source, the earliest published events that cite
        it (directly or through a public statement), at most `per_source`, in one query.

        The window numbers citations, not events; an event citing a source several times takes
        several numbers, so a source can show fewer than `per_source` events: the bibliography
        says how many there are in all and links to the source's page for the whole list."""
        cited_event_order = Coalesce("event__sort_date", "statement__event__sort_date")
        rows = (
            self.public()
            .filter(Q(event__isnull=False) | Q(statement__event__isnull=False))
            .annotate(rank=models.Window(
                models.functions.RowNumber(), partition_by=[F("source_id")],
                order_by=[cited_event_order.asc(), F("pk").asc()],
            ))
            .filter(rank__lte=per_source * 2)
            .select_related("event", "statement__event")
            .only("source_id", "event__slug", "event__title", "statement__event__slug",
                  "statement__event__title")
            .order_by("source_id", "rank")
        )
        events = {}
        for citation in rows:
            event = citation.event or citation.statement.event
            listed = events.setdefault(citation.source_id, [])
            if len(listed) < per_source and all(item.pk != event.pk for item in listed):
                listed.append(event)
        return events

    def quoting_kept_texts(self):
        """Citations that quote a source whose text is kept for checking, by file: what
        check_excerpts and audit_record compare (summaries are the curators' words)."""
        return (
            self.filter(~Q(source__archive_filename="") | Q(source__archived_text__isnull=False))
            .filter(is_summary=False)
            .select_related("source__archived_text")
            .order_by("source__archive_filename", "pk")
        )


@reversion.register()
class Citation(QuotesSource, Versioned, models.Model):
    source = models.ForeignKey(SourceArticle, on_delete=models.PROTECT, related_name="citations")
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    excerpt = models.TextField(
        help_text="The passage of the source that supports the claim, copied verbatim. Leave "
        "out words with “[…]” (never anything else) to drop what identifies a protected "
        "person; each part around it must stay verbatim and in order. For a verbatim quote it "
        "must contain the quote."
    )
    is_summary = models.BooleanField(
        "excerpt is a summary",
        default=False,
        help_text="Tick when the excerpt is the curators' summary of the passage, not its exact "
        "words (for a source that cannot be quoted here). Readers see it labelled as a summary, "
        "never as a quotation. Only reported speech may cite a summary: a verbatim quote's "
        "citation must quote.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="Optional: what this citation supports, if not all."
    )

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, statement__isnull=True)
                | Q(event__isnull=True, statement__isnull=False),
                name="citation_cites_exactly_one",
                violation_error_message="A citation supports exactly one event or one statement.",
            ),
            models.CheckConstraint(
                condition=~Q(excerpt=""), name="citation_has_excerpt",
                violation_error_message="A citation needs the supporting excerpt.",
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.event or self.statement}"

    def clean(self):
        problem = self.statement.citation_problem(self) if self.statement_id else None
        if problem:
            raise ValidationError({"is_summary" if self.is_summary else "excerpt": problem})
        if self.excerpt and not visible_parts(self.excerpt):
            raise ValidationError({"excerpt": "An excerpt needs words, not only elisions."})
        problem = self.archive_problem()
        if problem:
            raise ValidationError({"excerpt": problem})


@reversion.register()
class ArchivedText(models.Model):
    """The full text of a source as archived, kept for checking excerpts against it.

    Curators only: no page, API schema, export, feed or public history reads this table (it
    is never joined by a public query), because the full text keeps what the published
    excerpts elide about people at risk. Versioned on its own (the admin's history of its
    source), never followed from the source's versions, which the public change log reads.
    """

    source = models.OneToOneField(
        SourceArticle, on_delete=models.CASCADE, related_name="archived_text"
    )
    text = models.TextField(
        help_text="The article's full text as archived, unedited: every excerpt cited from "
        "this source must stand in it verbatim. Curators only; readers never see it."
    )
    sha256 = models.CharField(
        "SHA-256", max_length=64, editable=False,
        help_text="Of the text as stored (UTF-8): shows the text has not changed since capture.",
    )
    captured_on = models.DateField(
        "capture date", null=True, blank=True,
        help_text="The day the text was captured, if known.",
    )
    captured_from = HttpURLField(
        "captured from", max_length=500, blank=True,
        help_text="Where the text was captured: the archive snapshot or the original address.",
    )
    filename = models.CharField(
        max_length=200, blank=True, editable=False,
        help_text="The file it was loaded from (load_chronology --archive), if any.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "archived text"

    def __str__(self):
        return f"Archived text of {self.source}"

    def save(self, *args, **kwargs):
        self.sha256 = text_digest(self.text)
        super().save(*args, **kwargs)


class CorrectionReportQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Reports older than the retention period (settings.CORRECTION_RETENTION_DAYS)."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=settings.CORRECTION_RETENTION_DAYS)
        return self.filter(received_at__lt=cutoff)

    def purge_expired(self, now=None):
        """Delete the reports kept longer than the retention period; returns how many."""
        deleted, _ = self.expired(now).delete()
        return deleted


class CorrectionReport(models.Model):
    """A reader's "Suggest a correction" report on an event (events/corrections.py).

    Curators only, kept for settings.CORRECTION_RETENTION_DAYS from its arrival and then
    deleted (purge_correction_reports, and on each new report). Holds what the reader typed
    and nothing else about them: no address, no browser, no account. Not part of the record:
    not versioned, and receiving one does not move the record's generation (a report must not
    empty the page cache).
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="correction_reports"
    )
    message = models.TextField("what is wrong", max_length=5000)
    source_url = HttpURLField(
        "source showing it", max_length=500, blank=True,
        help_text="A link the reader gave to a source that shows the correction.",
    )
    contact = models.EmailField(
        "reader's contact address", blank=True,
        help_text="Only if the reader gave one, to ask them a question: use it for nothing else.",
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    handled = models.BooleanField(
        default=False,
        help_text="Tick once the report is answered or acted on. It is deleted at the end of "
        "the retention period either way.",
    )

    objects = CorrectionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "reader's correction report"

    def __str__(self):
        return f"On “{self.event}”, {self.received_at:%d %b %Y}: {short_text(self.message, 60)}"


def text_digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_text(text, length=80):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class ReviewQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Review.State.PENDING)

    def for_object(self, obj):
        return self.filter(
            content_type__app_label=obj._meta.app_label,
            content_type__model=obj._meta.model_name,
            object_id=obj.pk,
        )


class Review(models.Model):
    """A second person's look at a change to the record (events/review.py says how).

    A new item waits as a draft (`kind` new); a change to a published item waits here, its
    proposed values in `changes`, while readers keep the approved row (`kind` change); an
    urgent takedown is logged here as done at once (`kind` takedown). The editor's verdict,
    what they checked and their comment stay with it: part of the item's history.
    """

    class Kind(models.TextChoices):
        NEW = "new", "New item"
        CHANGE = "change", "Change to a published item"
        TAKEDOWN = "takedown", "Urgent takedown"

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DONE = "done", "Done at once (takedown)"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(
        "item", max_length=300, help_text="What the item was called when this was opened."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    changes = models.JSONField(
        default=dict, blank=True, encoder=DjangoJSONEncoder,
        help_text="The proposed values, by column, and the proposed rows of citations and "
        "actors involved.",
    )
    base_version = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="The item's version the change was made against: approving is refused if "
        "the item changed since.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_reviews"
    )
    comment = models.TextField("author's note", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="given_reviews",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    checked = models.JSONField(
        "what was checked", default=list, blank=True,
        help_text="The checks the editor confirmed (REVIEW_CHECKS in events/review.py).",
    )
    review_comment = models.TextField("reviewer's comment", blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("review_record", "Can approve or send back others' changes (editors)"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="review_target"),
            models.Index(fields=["state", "created_at"], name="review_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reviewer=F("author")) | Q(kind="takedown"),
                name="review_by_another_person",
                violation_error_message="An editor cannot approve or send back their own change.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def target(self):
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first()


def read_generation(database):
    """RecordState's generation on `database` (a connection), in plain SQL: what every cached
    page hit reads. Through the ORM the read cost several times this statement, which is
    little more than the round trip; it has no parameters to bind, because psycopg's
    client-side binding formats them in Python (docs/performance.md has the figures)."""
    with database.cursor() as cursor:
        cursor.execute(generation_sql(database))
        row = cursor.fetchone()
    return row[0] if row else 0


def generation_sql(database):
    """The statement read_generation runs (and events/listener.py, on its own connection)."""
    table = database.ops.quote_name(RecordState._meta.db_table)
    # Both names are ours: a quoted table name and an integer constant.
    return f"SELECT generation FROM {table} WHERE id = {int(RecordState.SINGLETON)}"  # noqa: S608


class RecordStateQuerySet(models.QuerySet):
    def generation(self):
        """The record's generation alone (read_generation, on this queryset's database)."""
        return read_generation(connections[self.db])

    def bump(self):
        updated = self.filter(pk=RecordState.SINGLETON).update(
            generation=models.F("generation") + 1, changed_at=timezone.now()
        )
        if not updated:  # a database emptied by flush: start counting again
            self.get_or_create(pk=RecordState.SINGLETON)
        if self.db == DEFAULT_DB_ALIAS:
            from .listener import wait_after_commit

            wait_after_commit()  # returns when every server's cache hits have the change


def first_generation():
    """Where a new database's count starts: the clock, in milliseconds. Cached pages and
    choices are keyed on the generation, and a cache (Redis) may outlive the database it was
    filled from (a database rebuilt, or restored from a backup, which leaves RecordState out):
    counting from 1 again, the new record's pages would meet the old record's entries."""
    return int(time.time() * 1000)


class RecordState(models.Model):
    """One row counting changes to the record, shared by every server process.

    Any save or delete of the record bumps it (events/signals.py), in the transaction that
    makes the change. Cached pages are keyed on the generation, so a curator's save is visible
    to every reader at once, whichever process or cache server answers them.
    """

    SINGLETON = 1

    generation = models.BigIntegerField(default=first_generation)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = RecordStateQuerySet.as_manager()

    class Meta:
        verbose_name = "record state"

    def __str__(self):
        return f"Record generation {self.generation}, changed {self.changed_at:%Y-%m-%d %H:%M}"


class ClaimQuerySet(models.QuerySet):
    def public(self):
        """Published claims that belong to at least one published event: a claim of a draft
        stays unknown to readers, as the draft's statements do."""
        return self.filter(status=Status.PUBLISHED).filter(
            Exists(Event.claims.through.objects.filter(
                claim=OuterRef("pk"), event__status=Status.PUBLISHED
            ))
        )

    def headline(self):
        return self.filter(headline=True)

    def uncited(self):
        return self.filter(values__isnull=True)

    def for_listing(self):
        """Each claim with its values (sources and publishers) and its published events, in
        a fixed number of queries."""
        return self.prefetch_related(*claim_listing_prefetches()).order_by(*Claim._meta.ordering)

    def filter_by(self, *, q="", event=None, source=None, headline=None):
        """The claims' filters (the API): words of the question or of any value, an event it
        belongs to, a source that reports a value of it, headline figures only."""
        claims = self
        if event is not None:
            claims = claims.filter(events=event)
        if source is not None:
            claims = claims.filter(Exists(
                ClaimValue.objects.filter(claim=OuterRef("pk"), source=source)
            ))
        if headline is not None:
            claims = claims.filter(headline=headline)
        for word in q.split()[:20]:
            claims = claims.filter(
                Q(question__icontains=word)
                | Exists(ClaimValue.objects.filter(claim=OuterRef("pk"), value__icontains=word))
            )
        return claims


@reversion.register(follow=["values"])
class Claim(CitedToPublish, Versioned, TranslationState, models.Model):
    """A figure or an assertion the sources report differently (how many men were detained,
    who said a thing), with one value per source (ClaimValue)."""

    question = models.CharField(
        max_length=200,
        help_text="What the sources answer differently, as a reader's question: “How many "
        "men were detained?”, “Who said there were no gay men in Chechnya?”.",
    )
    slug = models.SlugField(
        max_length=200, unique=True,
        help_text="The claim's permanent address in the API: never change it once published.",
    )
    events = models.ManyToManyField(
        Event, related_name="claims", blank=True,
        help_text="The events this claim belongs to: their pages show its table.",
    )
    conclusion = models.TextField(
        "what the record concludes",
        blank=True,
        help_text="What the record concludes from the values, if anything, and why (“one "
        "figure in different words”; “the original reports name the press secretary”). Leave "
        "empty when the sources cannot be reconciled. No claim stronger than the sources.",
    )
    headline = models.BooleanField(
        "headline figure",
        default=False,
        help_text="Shown in “What the sources say” on the chronology's first page.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers are listed first among the headline figures."
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published claims of published events are shown. Publishing needs at "
        "least one value with its source.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    LISTED_VALUES = "listed_values"
    LISTED_EVENTS = "listed_events"

    class Meta:
        ordering = ["order", "question", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(question=""), name="claim_has_question",
                violation_error_message="A claim needs its question.",
            ),
        ]

    def __str__(self):
        return self.question

    @property
    def value_list(self):
        return _listed(self, self.LISTED_VALUES, claim_listing_prefetches)

    @property
    def event_list(self):
        """The published events this claim belongs to."""
        return _listed(self, self.LISTED_EVENTS, claim_listing_prefetches)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def uncited_problem(self, cited):
        if self.status != Status.PUBLISHED or cited:
            return None
        return ("A published claim needs at least one value with its source and excerpt: add "
                "one, or save it as a draft.")

    def value_rows(self):
        """(value, the first later value that supersedes it, or None) for each value, in the
        order the sources said them (a value without its own date takes its source's)."""
        values = sorted(self.value_list, key=ClaimValue.chronological_key)
        later = {}
        for value in values:
            if value.supersedes_id:
                later.setdefault(value.supersedes_id, value)
        return [(value, later.get(value.pk)) for value in values]


def claim_listing_prefetches():
    """A claim's values (oldest report first, with sources and publishers) and its published
    events, into Claim.value_list and Claim.event_list."""
    return [
        Prefetch(
            "values",
            queryset=ClaimValue.objects.select_related("source__publisher"),
            to_attr=Claim.LISTED_VALUES,
        ),
        Prefetch(
            "events",
            queryset=Event.objects.public().defer(*Event.SEARCH_DOCUMENTS).chronological(),
            to_attr=Claim.LISTED_EVENTS,
        ),
    ]


class ClaimValueQuerySet(models.QuerySet):
    def quoting_kept_texts(self):
        """Values whose excerpt quotes a source whose text is kept for checking (as
        CitationQuerySet.quoting_kept_texts)."""
        return (
            self.filter(~Q(source__archive_filename="") | Q(source__archived_text__isnull=False))
            .filter(is_summary=False)
            .select_related("source__archived_text")
            .order_by("source__archive_filename", "pk")
        )


@reversion.register()
class ClaimValue(QuotesSource, NormalizedPartialDates, Versioned, models.Model):
    """What one source says about a claim: the value or wording, the source, its date, who the
    source relies on, and the excerpt that shows it (the citation rules of the record)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(
        max_length=300,
        help_text="What this source says, short, in its own terms: “more than 100”, “at least "
        "three”, “Alvi Karimov, Kadyrov's press secretary”. No identifying detail of a "
        "protected person.",
    )
    source = models.ForeignKey(
        SourceArticle, on_delete=models.PROTECT, related_name="claim_values",
        help_text="The source that says it. Prefer the original report (RECORD.md).",
    )
    reported_date = models.DateField(
        "date", null=True, blank=True,
        help_text="The first day of the period the source said it in.",
    )
    reported_precision = precision_field("date")
    reported_approximate = models.BooleanField("date approximate", default=False)
    relies_on = models.CharField(
        "relies on",
        max_length=300,
        blank=True,
        help_text="Who the source relies on for it, in a few words: “its own sources in the "
        "Chechen police and FSB”, “Novaya Gazeta”, “men who escaped, via the Russian LGBT "
        "Network”. Never a protected person's name beyond the name the record shows.",
    )
    excerpt = models.TextField(
        help_text=Citation._meta.get_field("excerpt").help_text.replace(
            " For a verbatim quote it must contain the quote.", ""
        ),
    )
    is_summary = models.BooleanField(
        "excerpt is a summary",
        default=False,
        help_text="Tick when the excerpt is the curators' summary of the passage, not its exact "
        "words (an outside reference). Readers see it labelled as a summary.",
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The earlier report of this claim that this later one updates: a count that "
        "changed because later reporting found more (one prison, then two, then six) is a "
        "development, not a dispute. Leave empty when the sources simply disagree.",
    )

    reported = PartialDateAttribute("reported")
    partial_dates = ("reported",)

    objects = ClaimValueQuerySet.as_manager()

    class Meta:
        verbose_name = "value (what one source says)"
        verbose_name_plural = "values (what each source says)"
        ordering = ["reported_date", "reported_precision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(value=""), name="claim_value_has_value",
                violation_error_message="Say what the source says.",
            ),
            models.CheckConstraint(
                condition=~Q(excerpt=""), name="claim_value_has_excerpt",
                violation_error_message="A value needs the excerpt that shows it.",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="claim_value_not_superseding_itself",
                violation_error_message="A report cannot supersede itself.",
            ),
        ]

    def __str__(self):
        return f"{self.source}: {self.value}"

    @property
    def date(self):
        """The date the source said it: its own, else the source's publication date."""
        return self.reported or self.source.published

    def chronological_key(self):
        date = self.date
        if date is None:
            return (datetime.date.max, 0, self.pk or 0)
        return (date.first_day, date.precision, self.pk or 0)

    def clean(self):
        errors = {}
        if self.excerpt and not visible_parts(self.excerpt):
            errors["excerpt"] = "An excerpt needs words, not only elisions."
        elif problem := self.archive_problem():
            errors["excerpt"] = problem
        if self.supersedes_id:
            earlier = self.supersedes
            if self.pk and earlier.pk == self.pk:
                errors["supersedes"] = "A report cannot supersede itself."
            elif self.claim_id and earlier.claim_id != self.claim_id:
                errors["supersedes"] = "Only a report of the same claim can be superseded."
            elif self.date and earlier.date and self.date.first_day < earlier.date.first_day:
                errors["supersedes"] = (
                    f"A later report supersedes an earlier one: this one ({self.date.display()})"
                    f" is dated before the one it would supersede ({earlier.date.display()})."
                )
        if errors:
            raise ValidationError(errors)
