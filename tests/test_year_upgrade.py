"""A running site that holds the previous bundled record gets the rest of 2017 by the upgrade
path (load_chronology --upgrade): the additions (events, sources, actors, reported speech)
arrive, published, with their public "New event" lines, and nothing is lost. (A second run
changing nothing is test_upgrade's.)"""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from events.chronology import DEFAULT_PATH
from events.models import Actor, Event, SourceArticle, Statement, Status

from .test_upgrade import previous  # noqa: F401 (the site that loaded the previous file)

pytestmark = pytest.mark.django_db


def upgrade():
    call_command("load_chronology", "--upgrade", str(DEFAULT_PATH), stdout=StringIO())


def test_the_upgrade_from_the_previous_bundled_record_brings_in_the_year(previous):
    before = set(Event.objects.values_list("slug", flat=True))
    assert not Event.objects.filter(start_date__month__gt=7).exists()

    upgrade()

    bundled = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    added = [event for event in bundled["events"] if event["slug"] not in before]
    assert len(added) >= 60
    published = Event.objects.public()
    for event in added:
        # Every addition says so publicly; what the previous file could not hold (after its
        # last event, the HBO interview) is a "New event".
        assert event["corrections"], event["slug"]
        if event["start"].removeprefix("c. ") > "2017-07":
            assert event["corrections"][0].startswith("New event:"), event["slug"]
        if event.get("status", Status.PUBLISHED) == Status.PUBLISHED:
            assert published.filter(slug=event["slug"]).exists(), event["slug"]
    # Every month from April to December now has published events.
    for month in range(4, 13):
        assert published.filter(start_date__year=2017, start_date__month=month).exists(), month
    # Nothing the site held is lost, and the additions come with their sources and speakers.
    assert before <= set(Event.objects.values_list("slug", flat=True))
    assert SourceArticle.objects.filter(slug="hrw-2017-05-26-they-have-long-arms").exists()
    assert Event.objects.get(slug="lapunov-speaks-publicly-in-moscow").citations.exists()
    assert not Actor.objects.get(slug="maxim-lapunov").protected_identity
    assert Statement.objects.filter(kind=Statement.Kind.REPORTED).count() >= 40
    # The seed's own paraphrase of Lavrov arrives as reported speech on its existing event.
    lavrov = Statement.objects.get(
        speaker__slug="sergey-lavrov", event__slug="lavrov-no-reason-to-believe-reports"
    )
    assert lavrov.kind == Statement.Kind.REPORTED
