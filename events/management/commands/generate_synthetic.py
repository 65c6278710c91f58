"""manage.py generate_synthetic N [--seed S] [--clear]: fill the database with N made-up events.

For measuring, never for the public record: every row is invented (example.org sources, made-up
names), shaped like the curated chronology so that pages, filters and search do realistic work.
The same N and seed always give the same rows. Rows go in with bulk_create, in batches, inside
one transaction, so 100,000 events take a minute or two; bulk_create skips Model.save(), so the
partial dates are built as PartialDate values, which already hold the period's first day.

Places and claims come as in the bundled record: about three events in four have a place (the
place their location names, now and then a second one), a few places are sensitive (stored
snapped to the grid, as Place.save() would), and about one event in twenty-five has a claim,
a figure the sources report differently (2 to 6 values, a later count now and then
superseding an earlier one), a few events several. Places and claims carry Russian names,
questions and, for some, values. They are drawn from their own seeded generators, so adding
them left the events, actors and sources of a seed as they were.

It refuses to add to a database that holds events; --clear first deletes the whole record
(events, statements, citations, actors, sources, categories).
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

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
    PlaceKind,
    RecordState,
    Review,
    SourceArticle,
    SourceType,
    Statement,
    Status,
    Verification,
)
from events.partial_dates import PartialDate, Precision

BATCH_SIZE = 2000
FIRST_DAY = datetime.date(2016, 1, 1)
LAST_DAY = datetime.date(2018, 12, 31)

CATEGORIES = [
    "Detentions",
    "Abductions and disappearances",
    "Torture and secret prisons",
    "Official denials",
    "Investigations",
    "Media reporting",
    "International reactions",
    "Evacuations and asylum",
    "Threats and reprisals",
    "Legal action",
]

FIRST_NAMES = [
    "Anzor", "Maxim", "Ruslan", "Islam", "Adam", "Zelimkhan", "Movsar", "Aslan", "Magomed",
    "Timur", "Elena", "Tatyana", "Irina", "Olga", "Svetlana", "Igor", "Sergei", "Alexander",
    "Dmitry", "Nikolai", "Marie", "Thomas", "Hannah", "Laura", "Peter", "Anna", "Kheda",
    "Zaur", "Shamil", "Apti", "Said", "Rustam", "Ibragim", "Lyudmila", "Natalia", "Oleg",
]
SURNAMES = [
    "Petrov", "Ivanova", "Kadyrov", "Alvi", "Gorbunova", "Milashina", "Kochetkov", "Lokshina",
    "Moskalkova", "Peskov", "Tumso", "Abdurakhmanov", "Dudayev", "Umarov", "Bisultanov",
    "Smirnov", "Volkova", "Fischer", "Durand", "Bennett", "Kowalski", "Novak", "Hartmann",
    "Lindqvist", "Marchetti", "Okafor", "Reyes", "Sokolov", "Zakharova", "Belova",
]
ORGANISATION_WORDS = (
    ["Russian", "North Caucasus", "International", "European", "Independent", "Moscow",
     "Eurasian", "Civic", "Human", "Regional"],
    ["LGBT", "Rights", "Helsinki", "Memorial", "Refugee", "Legal", "Crisis", "Solidarity",
     "Justice", "Asylum"],
    ["Network", "Watch", "Committee", "Foundation", "Alliance", "Centre", "Initiative",
     "Project", "Union", "Coalition"],
)
GOVERNMENT_WORDS = (
    ["Ministry of Internal Affairs", "Prosecutor's Office", "Investigative Committee",
     "Office of the Ombudsman", "Parliament", "Ministry of Foreign Affairs", "Presidential Office",
     "Department of State", "Foreign Office", "Council"],
    ["Chechnya", "Russia", "the Chechen Republic", "Germany", "France", "Lithuania",
     "the United States", "the United Kingdom", "Canada", "the Netherlands", "Sweden"],
)
MEDIA_WORDS = (
    ["Novaya", "Caucasian", "Moscow", "Baltic", "Berlin", "Northern", "Evening", "Morning",
     "Global", "Kavkaz", "Meduza", "Republic", "Daily", "Free"],
    ["Gazeta", "Knot", "Times", "Herald", "Radio", "Post", "Review", "Journal", "Tribune",
     "Television", "Observer", "Dispatch", "Chronicle", "Wire"],
)
GROUP_WORDS = (
    ["Relatives of", "Survivors from", "Residents of", "Students in", "Volunteers from",
     "Lawyers in", "Activists in", "Families in"],
    ["Argun", "Grozny", "Gudermes", "Shali", "Urus-Martan", "Kurchaloy", "Tsotsi-Yurt",
     "Nalchik", "Makhachkala", "Vladikavkaz"],
)
PLACES = [
    "Grozny, Chechnya", "Argun, Chechnya", "Gudermes, Chechnya", "Shali, Chechnya",
    "Urus-Martan, Chechnya", "Kurchaloy, Chechnya", "Tsotsi-Yurt, Chechnya", "Moscow, Russia",
    "St Petersburg, Russia", "Nalchik, Kabardino-Balkaria", "Makhachkala, Dagestan",
    "Berlin, Germany", "Brussels, Belgium", "Geneva, Switzerland", "Strasbourg, France",
    "Vilnius, Lithuania", "Toronto, Canada", "Washington, D.C.", "London, United Kingdom",
    "The Hague, Netherlands", "",
]
TITLE_SUBJECTS = [
    "Police", "Security officers", "Chechen officials", "Novaya Gazeta", "Rights groups",
    "Survivors", "Relatives", "Lawyers", "Journalists", "Investigators", "Diplomats",
    "Activists", "Prosecutors", "The Kremlin", "Local authorities", "The LGBT Network",
    "Human Rights Watch", "The ombudsman", "Witnesses", "European ministers",
]
TITLE_VERBS = [
    "report", "deny", "describe", "confirm", "condemn", "investigate", "document", "dispute",
    "publish", "demand", "announce", "question", "reveal", "allege", "reject", "uncover",
    "protest", "examine", "record", "debate",
]
TITLE_OBJECTS = [
    "detentions of men", "a secret prison", "abductions", "an official inquiry",
    "torture allegations", "evacuation flights", "witness testimony", "a list of names",
    "threats against journalists", "the purge", "honour killings", "a crisis hotline",
    "new arrests", "a criminal complaint", "targeted sanctions", "asylum requests",
    "forced disappearances", "a street protest", "an official denial", "beatings in custody",
    "ransom demands", "a former military base", "confiscated phones", "checkpoint raids",
    "a parliamentary hearing", "humanitarian visas", "leaked documents", "safe houses",
]
SUMMARY_OPENERS = [
    "According to the report,", "Several sources say", "The article states that",
    "Witnesses told reporters that", "In a statement,", "Officials claimed that",
    "Rights workers said", "The newspaper wrote that", "Relatives alleged that",
    "A later investigation found that",
]
SUMMARY_SUBJECTS = [
    "men suspected of being gay", "detainees", "local police", "security forces",
    "the regional government", "volunteers", "federal investigators", "foreign governments",
    "survivors", "family members", "journalists", "the prosecutor's office", "an informant",
    "a group of students", "the commander", "neighbours",
]
SUMMARY_VERBS = [
    "were held", "were beaten", "were released", "were questioned", "denied any knowledge",
    "refused to comment", "demanded an investigation", "fled the region", "were threatened",
    "were forced to give names", "received asylum", "were transferred", "were photographed",
    "went missing", "were returned to relatives", "filed complaints", "gave testimony",
    "were interrogated", "asked for protection", "met with diplomats",
]
SUMMARY_TAILS = [
    "for several weeks", "near Argun", "in an unofficial prison", "at a police station",
    "without charge", "after a raid", "in early spring", "during Ramadan", "over the summer",
    "before the elections", "despite official denials", "with the help of volunteers",
    "in the capital", "according to their lawyers", "on the orders of a senior official",
    "after their phones were searched", "in a former military compound", "at the border",
    "while the inquiry continued", "under pressure from relatives",
]
QUOTE_PARTS = (
    ["We have", "Nobody has", "They have", "I have", "The authorities have", "We never",
     "No one has", "The police have", "Our lawyers have", "The investigators have"],
    ["seen", "found", "received", "documented", "confirmed", "heard", "collected", "verified",
     "denied", "reported"],
    ["no evidence of", "clear evidence of", "dozens of reports of", "credible accounts of",
     "new testimony about", "nothing to suggest", "repeated complaints about",
     "photographs of", "the names of those behind", "many families affected by"],
    ["these detentions", "such people in our republic", "the secret prison", "the abductions",
     "torture in custody", "the killings", "the threats", "the evacuations", "this campaign",
     "what happened in Argun"],
)
ROLES = [
    "reported", "denied", "detained", "condemned", "investigated", "witnessed", "published",
    "organised", "spoke", "evacuated", "questioned", "called for an inquiry", "",
]
VENUES = [
    "to Interfax", "press briefing", "HBO Real Sports interview", "to reporters", "on television",
    "in a written statement", "at the UN Human Rights Council", "on Instagram", "to the BBC",
    "to Novaya Gazeta", "",
]
DISPUTE_NOTES = [
    "Officials deny the detentions; the newspaper stands by its sources.",
    "The number of people held differs between sources: some say dozens, others over a hundred.",
    "The date is contested: the survivor's account and the article differ by several weeks.",
    "Only one outlet reports the location; the authorities call the report invented.",
]
DATE_NOTES = [
    "The date comes from the article's 'last month', counted from its publication.",
    "Sources give only the season; the month is the earliest they allow.",
    "",
]
EXCERPT_LEADS = [
    "Speaking on the record,", "In the interview,", "Asked about the reports, the speaker said:",
    "The statement read:", "At the briefing the speaker added:",
]
EXCERPT_TAILS = [
    "The remarks were widely reported.", "No further details were given.",
    "The claim could not be verified independently.", "Others disputed the account.",
]

# The places of the locations above (and a few more the record has: a region, a country, two
# buildings): slug, English name, Russian name, kind, latitude, longitude, radius in km,
# sensitive. Coordinates of city centres, as in events/fixtures/places.json.
KNOWN_PLACES = [
    ("grozny", "Grozny", "Грозный", "city", 43.3178, 45.6985, 10, False),
    ("argun", "Argun", "Аргун", "city", 43.3, 45.9, 10, True),
    ("gudermes", "Gudermes", "Гудермес", "city", 43.3519, 46.1036, 10, False),
    ("shali", "Shali", "Шали", "city", 43.1486, 45.9009, 10, False),
    ("urus-martan", "Urus-Martan", "Урус-Мартан", "city", 43.1356, 45.5392, 10, False),
    ("kurchaloy", "Kurchaloy", "Курчалой", "city", 43.2047, 46.0889, 10, False),
    ("tsotsi-yurt", "Tsotsi-Yurt", "Цоци-Юрт", "city", 43.2, 46.0, 10, True),
    ("moscow", "Moscow", "Москва", "city", 55.7558, 37.6173, 20, False),
    ("st-petersburg", "St Petersburg", "Санкт-Петербург", "city", 59.9311, 30.3609, 20, False),
    ("nalchik", "Nalchik", "Нальчик", "city", 43.4853, 43.6071, 10, False),
    ("makhachkala", "Makhachkala", "Махачкала", "city", 42.9849, 47.5047, 10, False),
    ("berlin", "Berlin", "Берлин", "city", 52.52, 13.405, 15, False),
    ("brussels", "Brussels", "Брюссель", "city", 50.8503, 4.3517, 10, False),
    ("geneva", "Geneva", "Женева", "city", 46.2044, 6.1432, 10, False),
    ("strasbourg", "Strasbourg", "Страсбург", "city", 48.5734, 7.7521, 10, False),
    ("vilnius", "Vilnius", "Вильнюс", "city", 54.6872, 25.2797, 10, False),
    ("toronto", "Toronto", "Торонто", "city", 43.6532, -79.3832, 15, False),
    ("washington", "Washington", "Вашингтон", "city", 38.9072, -77.0369, 10, False),
    ("london", "London", "Лондон", "city", 51.5074, -0.1278, 15, False),
    ("the-hague", "The Hague", "Гаага", "city", 52.0705, 4.3007, 10, False),
    ("chechnya", "Chechnya", "Чечня", "region", 43.4, 45.7, 100, False),
    ("russia", "Russia", "Россия", "country", 61.5, 105.3, 3000, False),
    ("akhmad-kadyrov-mosque", "Akhmad Kadyrov Mosque, Grozny", "Мечеть «Сердце Чечни», Грозный",
     "building", 43.3172, 45.6925, 1, False),
    ("house-of-commons", "House of Commons, London", "Палата общин, Лондон", "building",
     51.4995, -0.1248, 1, False),
    ("germany", "Germany", "Германия", "country", 51.1657, 10.4515, 400, False),
]
# More towns and villages of the region, at made-up points within it, for a larger record.
VILLAGE_NAMES = [
    "Alkhan", "Achkhoy", "Bachi", "Benoy", "Gekhi", "Goyty", "Ishkhoy", "Mesker", "Nozhay",
    "Samashki", "Sernovodsk", "Sunzha", "Tolstoy", "Tsentoroy", "Vedeno", "Znamenskoye",
    "Itum-Kali", "Avtury", "Serzhen", "Dzhalka", "Mayrtup", "Roshni", "Starye Atagi", "Germenchuk",
]
VILLAGE_SUFFIXES = ["", "", "-Yurt", "-Kala", " Khutor"]
REGION_BOX = ((42.6, 43.9), (44.9, 46.6))  # (latitudes, longitudes) around Chechnya
PLACE_DESCRIPTIONS = [
    "Synthetic: where detentions were reported.",
    "Synthetic: named in reports of the purge.",
    "",
    "",
]

# Claims: the figures the sources report differently. Each question has its values' templates
# in both languages ({n} a number, {small} a small one, {low}-{high} a range).
CLAIM_QUESTIONS = [
    ("How many men were detained?", "Сколько мужчин было задержано?", "count"),
    ("How many men were killed?", "Сколько мужчин было убито?", "small"),
    ("How many secret prisons were there?", "Сколько было секретных тюрем?", "small"),
    ("How many prisoners were held per room?", "Сколько задержанных держали в одной комнате?",
     "range"),
    ("How many people were evacuated?", "Сколько человек было эвакуировано?", "count"),
    ("How many complaints were filed?", "Сколько жалоб было подано?", "count"),
    ("Who ordered the detentions?", "Кто отдал приказ о задержаниях?", "who"),
    ("When did the detentions begin?", "Когда начались задержания?", "when"),
]
CLAIM_VALUES = {
    "count": [("more than {n}", "более {n}"), ("at least {n}", "не менее {n}"),
              ("about {n}", "около {n}"), ("some {n}", "примерно {n}"),
              ("several dozen", "несколько десятков"), ("over a hundred", "более ста")],
    "small": [("at least {small}", "не менее {small}"), ("{small}", "{small}"),
              ("{small} named", "{small} названы по имени"),
              ("no confirmation received", "подтверждений не получено")],
    "range": [("{low} to {high}", "от {low} до {high}"), ("up to {high}", "до {high}")],
    "who": [("a senior official", "высокопоставленный чиновник"),
            ("the local police chief", "начальник местной полиции"),
            ("the head's administration", "администрация главы"),
            ("not known", "неизвестно")],
    "when": [("late February", "конец февраля"), ("early March", "начало марта"),
             ("December 2016", "декабрь 2016 года"), ("the spring", "весна")],
}
CLAIM_RELIES_ON = [
    ("its own sources in the police", "собственные источники в полиции"),
    ("men who escaped", "мужчины, которым удалось бежать"),
    ("a rights group's hotline", "горячая линия правозащитной группы"),
    ("Novaya Gazeta", "«Новая газета»"),
    ("an official statement", "официальное заявление"),
    ("", ""),
]
CLAIM_CONCLUSIONS = [
    ("One figure in different words, not a dispute.", "Одна цифра разными словами, не спор."),
    ("The later reports found more: the count grew as reporting went on.",
     "Поздние сообщения нашли больше: число росло по мере расследования."),
    ("", ""),
    ("", ""),
]
# About one event in this many has a claim; the first few claims are the headline figures.
EVENTS_PER_CLAIM = 40
HEADLINE_CLAIMS = 5


class Command(BaseCommand):
    help = "Fill the database with N synthetic events (for benchmarks; never for the record)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many events to create (1 to 1,000,000).")
        parser.add_argument("--seed", type=int, default=2017, help="Same seed, same rows.")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="First delete the whole record: events, statements, citations, actors, "
            "sources and categories.",
        )

    def handle(self, *args, count, seed, clear, **options):
        if not 1 <= count <= 1_000_000:
            raise CommandError("The count of events must be between 1 and 1,000,000.")
        with transaction.atomic():
            if clear:
                clear_record()
            elif Event.objects.exists() or Actor.objects.exists():
                raise CommandError(
                    "The database already holds a record: nothing generated. "
                    "Use --clear to delete it first."
                )
            totals = SyntheticRecord(count, seed).create()
        self.stdout.write(
            self.style.SUCCESS(
                "Generated " + ", ".join(f"{number:,} {name}" for name, number in totals.items())
                + f" (seed {seed})."
            )
        )


def clear_record():
    # Deepest first, so nothing a PROTECT foreign key points to is deleted before its referrers.
    Review.objects.all().delete()  # reviews of the items (events/review.py) go with them
    Claim.objects.all().delete()  # with their values
    Citation.objects.all().delete()
    Statement.objects.all().delete()
    EventActor.objects.all().delete()
    Event.objects.all().delete()  # and, with them, their places (EventPlace)
    Place.objects.all().delete()
    SourceArticle.objects.all().delete()
    Actor.objects.update(affiliation=None)
    Actor.objects.all().delete()
    Category.objects.all().delete()


class SyntheticRecord:
    """Builds the rows for one (count, seed); `create()` saves them and returns the counts."""

    def __init__(self, count, seed):
        self.count = count
        # Reproducible made-up text, not secrets: a seeded generator is the point.
        self.random = random.Random(seed)  # noqa: S311
        # A few hundred actors and sources at scale, fewer for a tiny record.
        self.actor_count = min(300, max(40, count // 5))
        self.source_count = min(300, max(30, count // 5))
        # Places and claims draw from their own generators: the rows above stay the same.
        self.place_random = random.Random(f"places {seed}")  # noqa: S311
        self.claim_random = random.Random(f"claims {seed}")  # noqa: S311
        self.place_count = min(300, max(len(KNOWN_PLACES), count // 50))
        self.claim_number = 0
        self.totals = {}

    def create(self):
        self.categories = Category.objects.bulk_create(
            Category(name=name, slug=slugify(name), description=f"Synthetic: {name.lower()}.")
            for name in CATEGORIES
        )
        self.actors = self._create_actors()
        self.public_speakers = [actor for actor in self.actors if actor.kind != "media"]
        self.sources = self._create_sources()
        self.places = self._create_places()
        self.place_of_location = {
            place.name_en: place for place in self.places[:len(KNOWN_PLACES)]
        }
        self.totals = {
            "categories": len(self.categories),
            "actors": len(self.actors),
            "sources": len(self.sources),
            "places": len(self.places),
            "events": 0,
            "actors involved": 0,
            "statements": 0,
            "citations": 0,
            "places of events": 0,
            "claims": 0,
            "claim values": 0,
        }
        for start in range(0, self.count, BATCH_SIZE):
            self._create_events(range(start, min(start + BATCH_SIZE, self.count)))
        # bulk_create sends no signals: build the stored search documents (PostgreSQL) at once,
        # and move the record's generation so a running server's cached pages are not kept.
        Event.objects.refresh_search_vectors()
        RecordState.objects.bump()
        return self.totals

    # Actors and sources -----------------------------------------------------------------------

    def _create_actors(self):
        rng = self.random
        kinds = (
            ["person"] * 45 + ["organisation"] * 15 + ["government"] * 15 + ["media"] * 15
            + ["group"] * 10
        )
        bodies, people = [], []
        for number in range(self.actor_count):
            # Every tenth actor is a protected survivor or witness; the first kinds cycle so
            # that even a tiny record has one of each.
            protected = number % 10 == 9
            kind = "person" if protected else (
                Actor.Kind.values[number] if number < 5 else rng.choice(kinds)
            )
            if protected:
                name = rng.choice(FIRST_NAMES)
            elif kind == "person":
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            elif kind == "organisation":
                name = " ".join(rng.choice(words) for words in ORGANISATION_WORDS)
            elif kind == "government":
                name = " of ".join(rng.choice(words) for words in GOVERNMENT_WORDS)
            elif kind == "media":
                name = " ".join(rng.choice(words) for words in MEDIA_WORDS)
            else:
                name = " ".join(rng.choice(words) for words in GROUP_WORDS)
            actor = Actor(
                name=name,
                slug=f"{slugify(name)[:150]}-{number + 1}",
                kind=kind,
                protected_identity=protected,
                naming=rng.choice(Naming.values) if protected else "",
            )
            if not protected:
                actor.description = (
                    f"Synthetic {kind} named in {rng.randint(1, 40)} reports "
                    f"about {rng.choice(TITLE_OBJECTS)}."
                )
                if rng.random() < 0.3:
                    actor.aliases = f"{name.split()[0]} {rng.choice(SURNAMES)}"
                if rng.random() < 0.4:
                    actor.url = f"https://example.org/actors/{actor.slug}"
            (people if kind == "person" else bodies).append(actor)
        bodies = Actor.objects.bulk_create(bodies, batch_size=BATCH_SIZE)
        affiliations = [body for body in bodies if body.kind in ("government", "organisation")]
        for person in people:
            if not person.protected_identity and affiliations and rng.random() < 0.5:
                person.affiliation = rng.choice(affiliations)
        people = Actor.objects.bulk_create(people, batch_size=BATCH_SIZE)
        return bodies + people

    def _create_sources(self):
        rng = self.random
        outlets = [actor for actor in self.actors if actor.kind == "media"]
        sources = []
        for number in range(self.source_count):
            outlet = rng.choice(outlets) if rng.random() < 0.85 else None
            title = self._title()
            published = self._partial_date(FIRST_DAY, LAST_DAY, day_share=0.85)
            source = SourceArticle(
                title=title,
                slug=f"{slugify(title)[:150]}-{number + 1}",
                publisher=outlet,
                url=f"https://example.org/articles/{number + 1}" if rng.random() < 0.9 else "",
                author=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
                if rng.random() < 0.6 else "",
                language=rng.choice(["en", "en", "en", "ru", "de"]),
                source_type=rng.choice(SourceType.values),
                notes=self._sentence() if rng.random() < 0.3 else "",
            )
            source.published = published
            sources.append(source)
        return SourceArticle.objects.bulk_create(sources, batch_size=BATCH_SIZE)

    def _create_places(self):
        rng = self.place_random
        places = []
        for slug, name, name_ru, kind, latitude, longitude, radius, sensitive in KNOWN_PLACES:
            places.append(Place(
                name=name, name_ru=name_ru, slug=slug, kind=kind, latitude=latitude,
                longitude=longitude, radius_km=radius, sensitive=sensitive, aliases=name_ru,
                description=rng.choice(PLACE_DESCRIPTIONS),
            ))
        (low_latitude, high_latitude), (low_longitude, high_longitude) = REGION_BOX
        for number in range(len(KNOWN_PLACES), self.place_count):
            name = rng.choice(VILLAGE_NAMES) + rng.choice(VILLAGE_SUFFIXES)
            sensitive = rng.random() < 0.1
            place = Place(
                name=name,
                slug=f"{slugify(name)}-{number + 1}",
                kind=PlaceKind.CITY,
                latitude=round(rng.uniform(low_latitude, high_latitude), 4),
                longitude=round(rng.uniform(low_longitude, high_longitude), 4),
                radius_km=rng.choice([10, 10, 20]) if sensitive else rng.choice([2, 5, 10]),
                sensitive=sensitive,
                description=rng.choice(PLACE_DESCRIPTIONS),
            )
            places.append(place)
        for place in places:
            if place.sensitive:  # as Place.save() would: only the rounded point is kept
                place.latitude, place.longitude = place.snapped_coordinates()
        return Place.objects.bulk_create(places, batch_size=BATCH_SIZE)

    # Events, one batch at a time --------------------------------------------------------------

    def _create_events(self, numbers):
        rng = self.random
        events = []
        for number in numbers:
            title = self._title()
            verification = rng.choices(
                [Verification.REPORTED, Verification.CORROBORATED, Verification.DISPUTED],
                weights=[55, 35, 10],
            )[0]
            note = ""
            if verification == Verification.DISPUTED:
                note = rng.choice(DISPUTE_NOTES)
            elif rng.random() < 0.1:
                note = rng.choice(DATE_NOTES)
            event = Event(
                title=title,
                slug=f"{slugify(title)[:150]}-{number + 1}",
                summary=" ".join(self._sentence() for _ in range(rng.randint(2, 5))),
                category=rng.choice(self.categories),
                location=rng.choice(PLACES),
                status=Status.PUBLISHED if rng.random() < 0.9 else Status.DRAFT,
                verification=verification,
                verification_note=note,
            )
            event.start = self._partial_date(FIRST_DAY, LAST_DAY)
            if rng.random() < 0.2:
                event.end = self._end_after(event.start)
            event.sort_date = event.chronology_date()  # bulk_create sends no pre_save
            events.append(event)
        events = Event.objects.bulk_create(events, batch_size=BATCH_SIZE)

        participations, statements, citations = [], [], []
        for event in events:
            for actor in rng.sample(self.actors, rng.randint(1, 4)):
                participations.append(
                    EventActor(event=event, actor=actor, role=rng.choice(ROLES))
                )
            for _ in range(rng.randint(0, 3)):
                statement = Statement(
                    quote=self._quote(),
                    speaker=rng.choice(self.public_speakers),
                    venue=rng.choice(VENUES),
                    event=event,
                    status=Status.PUBLISHED if rng.random() < 0.95 else Status.DRAFT,
                )
                statement.said_on = self._partial_date(
                    event.start_date,
                    min(event.start_date + datetime.timedelta(days=60), LAST_DAY),
                    day_share=0.8,
                )
                statements.append(statement)
            for source in rng.sample(self.sources, rng.randint(1, 3)):
                summary = rng.random() < 0.1
                citations.append(
                    Citation(
                        source=source,
                        event=event,
                        excerpt=" ".join(self._sentence() for _ in range(rng.randint(1, 3))),
                        is_summary=summary,
                        note="Supports the date only." if rng.random() < 0.05 else "",
                    )
                )
        EventActor.objects.bulk_create(participations, batch_size=BATCH_SIZE)
        statements = Statement.objects.bulk_create(statements, batch_size=BATCH_SIZE)
        for statement in statements:
            # The excerpt quotes the statement verbatim, as the record requires.
            citations.append(
                Citation(
                    source=rng.choice(self.sources),
                    statement=statement,
                    excerpt=f"{rng.choice(EXCERPT_LEADS)} {statement.quote} "
                    f"{rng.choice(EXCERPT_TAILS)}",
                )
            )
        Citation.objects.bulk_create(citations, batch_size=BATCH_SIZE)
        self._place_events(events)
        self._create_claims(events)
        self.totals["events"] += len(events)
        self.totals["actors involved"] += len(participations)
        self.totals["statements"] += len(statements)
        self.totals["citations"] += len(citations)

    def _place_events(self, events):
        """About three events in four get the place their location names (else any place),
        one in ten of those a second place."""
        rng = self.place_random
        links = []
        for event in events:
            if rng.random() >= 0.75:
                continue
            named = self.place_of_location.get(event.location.split(",")[0])
            first = named if named and rng.random() < 0.9 else rng.choice(self.places)
            chosen = [first]
            if rng.random() < 0.1:
                second = rng.choice(self.places)
                if second is not first:
                    chosen.append(second)
            links += [EventPlace(event=event, place=place) for place in chosen]
        EventPlace.objects.bulk_create(links, batch_size=BATCH_SIZE)
        self.totals["places of events"] += len(links)

    def _create_claims(self, events):
        """One claim for about every EVENTS_PER_CLAIM events of the batch, each on one to
        three of them; half the claims go to a few "hub" events, which so have several, as the
        record's main events do."""
        rng = self.claim_random
        published = [event for event in events if event.status == Status.PUBLISHED]
        count = round(len(events) / EVENTS_PER_CLAIM)
        if not published or not count:
            return
        hubs = rng.sample(published, max(1, len(published) // 100))
        claims, claim_events = [], []
        for _ in range(count):
            self.claim_number += 1
            headline = self.claim_number <= HEADLINE_CLAIMS
            # The headline figures each answer a different question, as on the record's `/`.
            question, question_ru, kind = (
                CLAIM_QUESTIONS[self.claim_number - 1] if headline
                else rng.choice(CLAIM_QUESTIONS)
            )
            conclusion, conclusion_ru = rng.choice(CLAIM_CONCLUSIONS)
            claim = Claim(
                question=question,
                question_ru=question_ru,
                slug=f"{slugify(question)}-{self.claim_number}",
                conclusion=conclusion,
                conclusion_ru=conclusion_ru,
                headline=headline,
                order=self.claim_number if headline else 0,
                status=Status.PUBLISHED if headline or rng.random() < 0.9 else Status.DRAFT,
            )
            chosen = rng.sample(published, min(len(published), rng.randint(1, 3)))
            if rng.random() < 0.5:
                hub = rng.choice(hubs)
                if hub not in chosen:
                    chosen[0] = hub
            claims.append((claim, kind, chosen))
        created = Claim.objects.bulk_create([claim for claim, _, _ in claims])
        links, values, later = [], [], []
        Link = Claim.events.through
        for claim, (_, kind, chosen) in zip(created, claims):
            links += [Link(claim=claim, event=event) for event in chosen]
            translated = rng.random() < 0.5
            earlier = None
            for _ in range(rng.randint(2, 6)):
                value = self._claim_value(claim, kind, translated)
                # A later count superseding an earlier one, dated after it (ClaimValue.clean).
                if earlier is not None and kind in ("count", "small") and rng.random() < 0.25:
                    value.reported = PartialDate(
                        earlier.date.first_day + datetime.timedelta(days=rng.randint(1, 90)),
                        Precision.DAY,
                    )
                    later.append((value, earlier))
                else:
                    values.append(value)
                    earlier = value
        Link.objects.bulk_create(links, batch_size=BATCH_SIZE)
        ClaimValue.objects.bulk_create(values, batch_size=BATCH_SIZE)
        for value, earlier in later:
            value.supersedes = earlier
        ClaimValue.objects.bulk_create([value for value, _ in later], batch_size=BATCH_SIZE)
        self.totals["claims"] += len(created)
        self.totals["claim values"] += len(values) + len(later)

    def _claim_value(self, claim, kind, translated):
        rng = self.claim_random
        template, template_ru = rng.choice(CLAIM_VALUES[kind])
        low = rng.randint(5, 40)
        numbers = {"n": rng.randint(20, 300), "small": rng.randint(2, 30), "low": low,
                   "high": low + rng.randint(5, 30)}
        relies_on, relies_on_ru = rng.choice(CLAIM_RELIES_ON)
        text = template.format(**numbers)
        summary = rng.random() < 0.4
        if summary:
            excerpt = (f"The report gives {text}, according to "
                       f"{relies_on or 'sources it does not name'}.")
        else:
            excerpt = (f"{rng.choice(EXCERPT_LEADS)} “The figure is {text}.” "
                       f"{rng.choice(EXCERPT_TAILS)}")
        value = ClaimValue(
            claim=claim,
            value=text,
            source=rng.choice(self.sources),
            relies_on=relies_on,
            excerpt=excerpt,
            is_summary=summary,
        )
        if rng.random() < 0.3:
            value.reported = self._partial_date(FIRST_DAY, LAST_DAY, rng=rng)
        if translated:
            value.value_ru = template_ru.format(**numbers)
            value.relies_on_ru = relies_on_ru
        return value

    # Text and dates ---------------------------------------------------------------------------

    def _title(self):
        rng = self.random
        place = rng.choice(PLACES).split(",")[0]
        parts = (TITLE_SUBJECTS, TITLE_VERBS, TITLE_OBJECTS)
        title = " ".join(rng.choice(words) for words in parts)
        return f"{title} in {place}" if place else title

    def _sentence(self):
        rng = self.random
        return (
            f"{rng.choice(SUMMARY_OPENERS)} {rng.choice(SUMMARY_SUBJECTS)} "
            f"{rng.choice(SUMMARY_VERBS)} {rng.choice(SUMMARY_TAILS)}."
        )

    def _quote(self):
        words = " ".join(self.random.choice(part) for part in QUOTE_PARTS)
        return f"{words}."

    def _partial_date(self, first, last, day_share=0.7, rng=None):
        rng = rng or self.random
        day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
        roll = rng.random()
        if roll < day_share:
            precision = Precision.DAY
        elif roll < day_share + (1 - day_share) * 0.7:
            precision = Precision.MONTH
        else:
            precision = Precision.YEAR
        return PartialDate(day, precision, approximate=rng.random() < 0.15)

    def _end_after(self, start):
        """An end no earlier than the start, as the database requires of stored first days."""
        rng = self.random
        latest = min(start.last_day + datetime.timedelta(days=rng.randint(1, 120)), LAST_DAY)
        end = self._partial_date(start.last_day, latest)
        if end.date < start.date:
            end = PartialDate(start.last_day, Precision.DAY, end.approximate)
        return end
