"""A statement is a verbatim quote or reported speech, and every surface says which.

Reported speech is our own words of what someone said, from an outside reference: its
citation may be a summary and it is never shown as a quotation (no quotation marks, no
<blockquote>/<q>, no schema.org Quotation). A quote keeps the verbatim rule.
"""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError

from events.chronology import ChronologyDataError, load_chronology
from events.models import Citation, Statement
from tests.factories import (
    ActorFactory,
    PublishedEventFactory,
    SourceArticleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

PARAPHRASE = "that Moscow had no reason to believe the reports"


@pytest.fixture
def reported(record):
    """Lavrov-style reported speech on the exposé event, cited by a curators' summary."""
    lavrov = ActorFactory(name="Sergey Lavrov", slug="sergey-lavrov")
    statement = Statement.objects.create(
        kind=Statement.Kind.REPORTED, quote=PARAPHRASE, speaker=lavrov,
        event=record.exposé_event, date=datetime.date(2017, 4, 24), venue="news conference",
        status="published",
    )
    Citation.objects.create(
        source=record.expose, statement=statement, is_summary=True,
        excerpt="The minister told reporters he saw no grounds to credit the reports.",
    )
    return statement


# The rules on the model.

def test_reported_speech_may_cite_a_summary_without_the_words_in_it():
    statement = StatementFactory(kind=Statement.Kind.REPORTED, quote=PARAPHRASE)
    citation = Citation(source=SourceArticleFactory(), statement=statement, is_summary=True,
                        excerpt="The minister saw no grounds to credit the reports.")
    citation.full_clean()  # no verbatim requirement, a summary allowed


def test_a_quote_must_still_be_verbatim_in_its_excerpt():
    statement = StatementFactory(quote="We don’t have any gays.")
    citation = Citation(source=SourceArticleFactory(), statement=statement,
                        excerpt="He denied there were any.")
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "excerpt" in error.value.message_dict


def test_a_statement_on_a_summary_cannot_become_a_quote(reported):
    reported.kind = Statement.Kind.QUOTE
    with pytest.raises(ValidationError) as error:
        reported.full_clean()
    assert "kind" in error.value.message_dict


def test_rule_problems_check_each_kind_by_its_rule(reported, record):
    assert reported.rule_problems() == []
    assert record.testimony.rule_problems() == []
    uncited = StatementFactory(kind=Statement.Kind.REPORTED, quote=PARAPHRASE)
    assert uncited.rule_problems() == ["Reported speech must be cited."]
    Citation.objects.filter(statement=record.testimony).update(excerpt="Other words.")
    assert record.testimony.rule_problems() == [
        "The quote is not verbatim in any of its citations' excerpts."
    ]


# Pages.

def _statements_section(html):
    return html.split('id="statements-heading"', 1)[1].split("</section>", 1)[0]


def test_event_page_shows_reported_speech_as_said_not_quoted(client, reported):
    html = client.get(reported.event.get_absolute_url()).content.decode()
    section = _statements_section(html)
    reported_html = section.split(f'id="statement-{reported.pk}"', 1)[1].split("</div>", 1)[0]
    text = re.sub(r"<[^>]+>", "", reported_html)
    assert f"Sergey Lavrov said {PARAPHRASE}" in " ".join(text.split())
    assert "<blockquote" not in reported_html and "<q>" not in reported_html
    assert "“" not in reported_html
    assert "not a quotation" in reported_html
    # The verbatim quote beside it is still a quotation.
    assert "<blockquote><p>They beat us with pipes.</p></blockquote>" in section


def test_listing_and_actor_page_show_reported_speech_as_said(client, reported):
    for url in ("/", reported.speaker.get_absolute_url()):
        html = client.get(url).content.decode()
        assert PARAPHRASE in html, url
        assert f"<blockquote><p>{PARAPHRASE}" not in html
        assert f"“{PARAPHRASE}" not in html
        assert "said " + PARAPHRASE in " ".join(re.sub(r"<[^>]+>", "", html).split())


# API and exports.

def test_api_says_which_kind(client, reported):
    data = client.get("/api/v1/events/novaya-gazeta-reports").json()
    kinds = {statement["quote"]: statement["kind"] for statement in data["statements"]}
    assert kinds == {"They beat us with pipes.": "quote", PARAPHRASE: "reported"}
    one = client.get(f"/api/v1/statements/{reported.pk}").json()
    assert one["kind"] == "reported"


def test_jsonld_never_calls_reported_speech_a_quotation(client, reported):
    html = client.get(reported.event.get_absolute_url()).content.decode()
    data = json.loads(
        html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    )
    by_type = {item["@type"]: item["text"] for item in data["subjectOf"]}
    assert by_type == {
        "Quotation": "They beat us with pipes.",
        "Statement": f"Sergey Lavrov said {PARAPHRASE}",
    }


def test_csv_says_which_kind(client, reported):
    content = client.get("/api/v1/exports/events.csv").content.decode()[1:]
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(content))}
    assert rows["novaya-gazeta-reports"]["statements"] == (
        "Anzor (first name only, as the AP printed it): “They beat us with pipes.” | "
        f"Sergey Lavrov said {PARAPHRASE}"
    )


def test_timelinejs_and_feed_say_which_kind(client, reported):
    slides = client.get("/api/v1/exports/timelinejs").json()["events"]
    text = next(s for s in slides if s["unique_id"] == "novaya-gazeta-reports")["text"]["text"]
    feed = client.get("/feed/").content.decode()
    for html in (text, feed):
        assert f"Sergey Lavrov said {PARAPHRASE}" in html
        assert "reported speech, not a quotation" in html
        assert f"<q>{PARAPHRASE}" not in html and f"&lt;q&gt;{PARAPHRASE}" not in html
    assert "<q>They beat us with pipes.</q>" in text


# The data file.

def _data_file(tmp_path, statement):
    event = PublishedEventFactory.build()
    data = {
        "categories": [{"slug": "response", "name": "Response"}],
        "actors": [{"slug": "lavrov", "name": "Sergey Lavrov", "kind": "person"},
                   {"slug": "ap-agency", "name": "Associated Press", "kind": "media"}],
        "sources": [{"slug": "ap", "title": "AP story", "publisher": "ap-agency",
                     "source_type": "wire", "published": "2017-04-24", "language": "en"}],
        "events": [{
            "slug": "lavrov-doubts", "title": event.title, "start": "2017-04-24",
            "category": "response", "summary": "Lavrov doubts the reports.",
            "citations": [{"source": "ap", "excerpt": "Lavrov doubts.", "is_summary": True}],
            "statements": [statement],
        }],
    }
    path = tmp_path / "chronology.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_loader_reads_the_kind(tmp_path):
    path = _data_file(tmp_path, {
        "kind": "reported", "quote": PARAPHRASE, "speaker": "lavrov", "date": "2017-04-24",
        "citations": [{"source": "ap", "excerpt": "He saw no grounds.", "is_summary": True}],
    })
    load_chronology(path)
    statement = Statement.objects.get()
    assert statement.kind == Statement.Kind.REPORTED
    assert statement.citations.get().is_summary


def test_loader_refuses_a_summary_for_a_quote_and_an_unknown_kind(tmp_path):
    quote = {"quote": "No reason.", "speaker": "lavrov", "date": "2017-04-24",
             "citations": [{"source": "ap", "excerpt": "No reason.", "is_summary": True}]}
    with pytest.raises(ChronologyDataError, match="summarise"):
        load_chronology(_data_file(tmp_path, quote))
    with pytest.raises(ChronologyDataError, match="kind must be one of"):
        load_chronology(_data_file(tmp_path, {**quote, "kind": "paraphrase"}))
