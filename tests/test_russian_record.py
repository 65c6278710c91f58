"""The bundled record in Russian (events/fixtures/chronology_ru.json) against the English one.

Plain JSON checks, no database and no i18n machinery: every key is a slug of chronology.json,
every statement is keyed by a (speaker, quote) of its event copied byte for byte, the file is the
one tools/russian_record/build.py writes from its sources, no Russian field is empty where the
English one is not, and the parts declared finished below cover every English item.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = json.loads((ROOT / "events/fixtures/chronology.json").read_text(encoding="utf-8"))
RU_TEXT = (ROOT / "events/fixtures/chronology_ru.json").read_text(encoding="utf-8")
RU = json.loads(RU_TEXT)

# (section, field) pairs that are translated for every English item that has the field.
FINISHED = {
    ("categories", "name"), ("categories", "description"),
    ("actors", "name"),
    ("events", "title"), ("events", "summary"), ("events", "location"),
    ("sources", "title"),
    ("actors", "description"), ("actors", "naming_note"),
    ("events", "verification_note"), ("events", "corrections"),
    ("sources", "notes"),
}
# Every statement of every event has its Russian text (and venue, where the English has one).
STATEMENTS_FINISHED = True
# Russian-language sources whose English title was a bracketed description of ours and whose
# original Russian headline was found; their Russian title is that headline.
RESTORED_TITLES = set()

SECTIONS = ["categories", "actors", "sources", "events"]
TEXT_FIELDS = {
    "categories": ["name", "description"],
    "actors": ["name", "description", "naming_note"],
    "sources": ["title", "notes"],
    "events": ["title", "summary", "location", "verification_note"],
}


def by_slug(section):
    return {item["slug"]: item for item in ENGLISH[section]}


def russian_strings():
    """Every Russian string of the file, with where it is (statement quotes excluded: they are
    the English keys)."""
    yield "about", RU.get("about", "")
    for section in SECTIONS:
        for slug, item in RU[section].items():
            for key, value in item.items():
                if key == "statements":
                    for s in value:
                        yield f"{section}/{slug}/statement", s["text"]
                        if "venue" in s:
                            yield f"{section}/{slug}/venue", s["venue"]
                        for line in s.get("corrections", []):
                            yield f"{section}/{slug}/statement correction", line
                elif key == "summaries":
                    for summary in value:
                        yield f"{section}/{slug}/summary", summary["text"]
                elif key == "roles":
                    for actor, role in value.items():
                        yield f"{section}/{slug}/role of {actor}", role
                elif key == "aliases":
                    continue  # other spellings, Latin ones included on purpose
                elif isinstance(value, list):
                    for v in value:
                        yield f"{section}/{slug}/{key}", v
                elif key == "title" and section == "sources" and by_slug(section)[slug]["language"] == "ru":
                    continue  # a Russian source's own title, printed as it was published
                elif key != "gloss_en":
                    yield f"{section}/{slug}/{key}", value


def test_file_is_built_from_the_sources():
    spec = importlib.util.spec_from_file_location("build", ROOT / "tools/russian_record/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    extra = {name: json.loads((ROOT / f"events/fixtures/{name}.json").read_text())[name]
             for name in ("claims", "places")}
    out, errors = build.build(build.parse(sorted(build.SRC.glob("*.txt"))), ENGLISH, extra)
    assert errors == []
    assert RU_TEXT == json.dumps(out, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("section", SECTIONS)
def test_every_key_is_a_slug_of_the_english_record(section):
    assert set(RU[section]) - set(by_slug(section)) == set()


def test_every_statement_is_keyed_by_a_statement_of_its_event():
    events = by_slug("events")
    for slug, item in RU["events"].items():
        english = {(s["speaker"], s["quote"]) for s in events[slug].get("statements", [])}
        for s in item.get("statements", []):
            assert (s["speaker"], s["quote"]) in english, (slug, s["quote"][:60])
            assert s["text"].strip(), slug


@pytest.mark.parametrize("section", SECTIONS)
def test_fields_only_where_english_has_them_and_never_empty(section):
    english = by_slug(section)
    for slug, item in RU[section].items():
        for field in TEXT_FIELDS[section]:
            if field in item:
                assert english[slug].get(field), f"{section}/{slug}: no English {field}"
                assert item[field].strip(), f"{section}/{slug}: empty {field}"
        if "corrections" in item:
            assert len(item["corrections"]) == len(english[slug]["corrections"]), slug
            assert all(c.strip() for c in item["corrections"]), slug


@pytest.mark.parametrize("section,field", sorted(FINISHED))
def test_finished_parts_cover_every_english_item(section, field):
    missing = [
        item["slug"] for item in ENGLISH[section]
        if item.get(field) and not RU[section].get(item["slug"], {}).get(field)
    ]
    assert missing == []
    if field == "corrections":  # one Russian line per English line
        assert [item["slug"] for item in ENGLISH[section]
                if len(item.get(field, [])) != len(RU[section].get(item["slug"], {}).get(field, []))] == []


@pytest.mark.skipif(not STATEMENTS_FINISHED, reason="statements not yet translated")
def test_every_statement_is_translated():
    for event in ENGLISH["events"]:
        russian = {(s["speaker"], s["quote"]): s
                   for s in RU["events"].get(event["slug"], {}).get("statements", [])}
        for s in event.get("statements", []):
            ru = russian.get((s["speaker"], s["quote"]))
            assert ru is not None, (event["slug"], s["quote"][:60])
            assert bool(s.get("venue")) == bool(ru.get("venue")), (event["slug"], s["quote"][:60])


def test_protected_people_keep_only_their_shown_name():
    for slug, actor in by_slug("actors").items():
        if not (actor.get("protected_identity") or actor.get("naming")):
            continue
        ru = RU["actors"][slug]
        assert set(ru) <= {"name", "naming_note", "corrections"}, slug
        assert not ru.get("aliases"), slug


def test_russian_sources_keep_their_original_title_and_have_an_english_gloss():
    """A Russian-language source's own title is kept as printed; only a bracketed description
    of ours, or our parenthetical note on a summary ('(InoPressa summary of ...)'), is put
    into Russian."""
    for slug, source in by_slug("sources").items():
        ru = RU["sources"].get(slug)
        if ru is None or "title" not in ru:
            continue
        if source["language"] != "ru":
            assert "gloss_en" not in ru, slug
            continue
        assert ru.get("gloss_en", "").strip(), slug
        english = source["title"]
        if slug in RESTORED_TITLES:
            continue
        if english.startswith("["):
            assert ru["title"].startswith("[") and ru["title"].endswith("]"), slug
        elif " (InoPressa summary of " in english:
            original = english.split(" (InoPressa summary of ")[0]
            assert ru["title"].startswith(original + " ("), slug
        else:
            assert ru["title"] == english, slug


def test_russian_typography():
    """Russian quotation marks, no English words left in running text (an English wording
    quoted on purpose, in «», is allowed)."""
    for where, text in russian_strings():
        assert '"' not in text, where
        text = re.sub(r"«[^«»]*»", "", text)
        # a run of four or more English words is an untranslated sentence
        assert not re.search(r"\b(the|and|of|was|were|said)\b(\W+[A-Za-z]+){3}", text), where


def test_about_is_translated():
    assert RU.get("about", "").strip()


CLAIMS = json.loads((ROOT / "events/fixtures/claims.json").read_text(encoding="utf-8"))["claims"]
PLACES = json.loads((ROOT / "events/fixtures/places.json").read_text(encoding="utf-8"))["places"]


def english_summaries():
    """(event slug, source, excerpt) of every curators' summary in the English record."""
    for event in ENGLISH["events"]:
        citations = list(event.get("citations", []))
        for statement in event.get("statements", []):
            citations += statement.get("citations", [])
        for citation in citations:
            if citation.get("is_summary"):
                yield event["slug"], citation["source"], citation["excerpt"]


def test_every_summary_of_ours_is_in_russian_and_no_verbatim_excerpt_is():
    russian = {(slug, s["source"], s["excerpt"])
               for slug, item in RU["events"].items() for s in item.get("summaries", [])}
    missing = [key for key in english_summaries() if key not in russian]
    assert missing == []
    assert russian <= set(english_summaries())


def test_every_role_is_in_russian():
    missing = [(event["slug"], part["actor"]) for event in ENGLISH["events"]
               for part in event.get("actors", []) if part.get("role")
               and not RU["events"].get(event["slug"], {}).get("roles", {}).get(part["actor"])]
    assert missing == []


def test_claims_and_places_are_in_russian():
    for claim in CLAIMS:
        ru = RU["claims"][claim["slug"]]
        assert ru["question"].strip() and ru["conclusion"].strip(), claim["slug"]
        assert [(v["source"], v["value_en"]) for v in ru["values"]] == [
            (v["source"], v["value"]) for v in claim["values"]]
        for value, english in zip(ru["values"], claim["values"], strict=True):
            assert value["value"].strip()
            assert bool(value.get("relies_on")) == bool(english.get("relies_on"))
            assert bool(value.get("excerpt")) == bool(english.get("is_summary"))
            for text in (value["value"], value.get("relies_on", ""), value.get("excerpt", "")):
                assert '"' not in text
    assert set(RU["places"]) == {place["slug"] for place in PLACES}
    assert all(item["name"].strip() for item in RU["places"].values())
