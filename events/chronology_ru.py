"""The bundled record's Russian (events/fixtures/chronology_ru.json, docs/russian-record.md),
put into the Russian columns of the rows the loader creates.

The file is keyed by the English items: slugs for categories, actors, sources, events, claims
and places; (speaker, quote) for statements; (source, English excerpt) for the curators'
summaries; (claim, source, English value) for claim values; an event's actor for a role. A row
the file has no Russian for is created with English only, and readers of /ru/ are told.

The English lines of the public corrections log ("corrections" in the data files) are paired
with their Russian by position: `log_line()` gives the Russian of a bundled line.
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

RUSSIAN_FILENAME = "chronology_ru.json"
BUNDLED_RUSSIAN = Path(settings.BASE_DIR) / "events" / "fixtures" / RUSSIAN_FILENAME

# kind (the loader's counts key) -> {Russian file key: model field}
FIELDS = {
    "categories": {"name": "name", "description": "description"},
    "actors": {"name": "name", "description": "description", "naming_note": "naming_note",
               "aliases": "aliases"},
    "sources": {"title": "title", "notes": "notes"},
    "events": {"title": "title", "summary": "summary", "location": "location",
               "verification_note": "verification_note"},
    "event_actors": {"role": "role"},
    "statements": {"text": "rendering", "venue": "venue"},
    "citations": {"text": "excerpt"},
    "places": {"name": "name", "description": "description", "aliases": "aliases"},
    "claims": {"question": "question", "conclusion": "conclusion"},
    "claim_values": {"value": "value", "relies_on": "relies_on", "excerpt": "excerpt"},
}


class RussianRecord:
    """The Russian of a data file, indexed by the English items' natural keys."""

    def __init__(self, data=None):
        self.index = {kind: {} for kind in FIELDS}
        self.log = {}
        if data:
            self._read(data)

    @classmethod
    def beside(cls, chronology_path):
        path = Path(chronology_path).with_name(RUSSIAN_FILENAME)
        if not path.exists():
            return cls()
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _read(self, data):
        for kind in ("categories", "actors", "sources", "events", "places", "claims"):
            for slug, item in data.get(kind, {}).items():
                self.index[kind][slug] = item
        for slug, item in data.get("events", {}).items():
            for actor, role in item.get("roles", {}).items():
                self.index["event_actors"][(slug, actor)] = {"role": role}
            for statement in item.get("statements", []):
                key = (statement["speaker"], statement["quote"])
                self.index["statements"][key] = statement
            for summary in item.get("summaries", []):
                self.index["citations"][(summary["source"], summary["excerpt"])] = summary
        for slug, item in data.get("claims", {}).items():
            for value in item.get("values", []):
                self.index["claim_values"][(slug, value["source"], value["value_en"])] = value

    def apply(self, kind, instance):
        """Set the Russian columns of a new row from the file, where it has them."""
        if kind not in FIELDS:
            return
        item = self.index[kind].get(self._key(kind, instance))
        if not item:
            return
        for key, field in FIELDS[kind].items():
            value = item.get(key)
            if isinstance(value, list):
                value = "\n".join(value)
            if value:
                setattr(instance, f"{field}_ru", value)
        if kind == "statements" and item.get("spoken") and not instance.spoken_language:
            instance.spoken_language = item["spoken"]  # the language the words were said in
        if kind == "sources" and item.get("gloss_en") and not instance.english_gloss:
            instance.english_gloss = item["gloss_en"]  # a Russian headline's English gloss

    @staticmethod
    def _key(kind, instance):
        if kind == "event_actors":
            return (instance.event.slug, instance.actor.slug)
        if kind == "statements":
            return (instance.speaker.slug, instance.quote)
        if kind == "citations":
            return (instance.source.slug, instance.excerpt_en)
        if kind == "claim_values":
            return (instance.claim.slug, instance.source.slug, instance.value_en)
        return instance.slug


def _log_pairs(english, russian):
    pairs = {}

    def pair(en_lines, ru_lines):
        if en_lines and ru_lines and len(en_lines) == len(ru_lines):
            pairs.update(zip(en_lines, ru_lines, strict=True))

    for kind in ("actors", "sources", "events"):
        for item in english.get(kind, []):
            ru = russian.get(kind, {}).get(item["slug"], {})
            pair(item.get("corrections", []), ru.get("corrections", []))
            if kind == "events":
                by_key = {(s["speaker"], s["quote"]): s for s in ru.get("statements", [])}
                for statement in item.get("statements", []):
                    ru_statement = by_key.get((statement["speaker"], statement["quote"]), {})
                    pair(statement.get("corrections", []), ru_statement.get("corrections", []))
    return pairs


@lru_cache(maxsize=1)
def _bundled_log():
    english_path = BUNDLED_RUSSIAN.with_name("chronology.json")
    try:
        english = json.loads(english_path.read_text(encoding="utf-8"))
        russian = json.loads(BUNDLED_RUSSIAN.read_text(encoding="utf-8"))
    except OSError:
        return {}
    return _log_pairs(english, russian)


def log_line(line, language):
    """A line of the public corrections log in `language`: the bundled file's Russian for a
    bundled line, else the line as written (a curator's own, in the language they wrote)."""
    if language != "ru":
        return line
    return _bundled_log().get(line, line)
