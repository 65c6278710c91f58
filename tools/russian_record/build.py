"""Build events/fixtures/chronology_ru.json from the Russian translation sources.

The sources (``src/*.txt``) are written by hand, one section per item:

    [actor ramzan-kadyrov]
    name: Рамзан Кадыров
    aliases: Рамзан Ахматович Кадыров | Кадыров
    description: ...

    [event some-slug]
    title: ...
    corrections: first line
    corrections: second line            (repeated key: appended, in order)
    st0: our Russian text of statement 0 (its index in the English event)
    st0.venue: ...

Sections with the same kind and slug in several files are merged, so each part of the work
(names, events, statements, ...) lives in its own file. Statement keys (speaker, quote) are
copied byte for byte from events/fixtures/chronology.json by index, never typed by hand.

Run:  python tools/russian_record/build.py          (writes the fixture, exits 1 on any error)
      python tools/russian_record/build.py --check  (validates only)
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = Path(__file__).resolve().parent / "src"
ENGLISH = ROOT / "events" / "fixtures" / "chronology.json"
OUT = ROOT / "events" / "fixtures" / "chronology_ru.json"

KINDS = {"category": "categories", "actor": "actors", "source": "sources", "event": "events"}
FIELDS = {
    "categories": ["name", "description"],
    "actors": ["name", "description", "naming_note", "aliases"],
    "sources": ["title", "gloss_en", "notes"],
    "events": ["title", "summary", "location", "verification_note", "corrections"],
}
LIST_FIELDS = {"aliases", "corrections"}
# Sentences the English source notes repeat word for word, written once here in Russian.
MACROS = {
    "@OUT@": "Внешний источник. Его текст здесь не архивирован, и ссылки на него в хронологии — "
             "краткие изложения редакции, а не цитаты.",
    "@OUTDATE@": "Внешний источник, использованный для установления даты. Его текст здесь не "
                 "архивирован, и ссылки на него в хронологии — краткие изложения редакции, "
                 "а не цитаты.",
    "@BRACKET@": "Заголовок в квадратных скобках — описание редакции: собственный заголовок "
                 "издания не видели.",
}
SECTION = re.compile(r"^\[(category|actor|source|event|about)(?: ([a-z0-9-]+))?\]\s*$")
LINE = re.compile(r"^([a-z_]+|st\d+(?:\.venue)?):\s?(.*)$")


def parse(paths):
    items = {}
    for path in paths:
        current = None
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            m = SECTION.match(line)
            if m:
                current = items.setdefault((m.group(1), m.group(2)), {})
                continue
            m = LINE.match(line)
            if not m or current is None:
                raise SystemExit(f"{path.name}:{n}: cannot read line: {raw!r}")
            key, value = m.group(1), m.group(2).strip()
            for macro, text in MACROS.items():
                value = value.replace(macro, text)
            if key == "aliases":
                current.setdefault(key, []).extend(v.strip() for v in value.split("|") if v.strip())
            elif key == "corrections":
                current.setdefault(key, []).append(value)
            else:
                if key in current:
                    raise SystemExit(f"{path.name}:{n}: {key} given twice")
                current[key] = value
    return items


def build(items, english):
    errors = []
    by_kind = {plural: {i["slug"]: i for i in english[plural]} for plural in KINDS.values()}
    out = {"about": "", "categories": {}, "actors": {}, "sources": {}, "events": {}}
    if ("about", None) in items:
        out["about"] = items[("about", None)].get("text", "")
    else:
        del out["about"]
    order = {plural: [i["slug"] for i in english[plural]] for plural in KINDS.values()}
    for (kind, slug), fields in items.items():
        if kind == "about":
            continue
        plural = KINDS[kind]
        en = by_kind[plural].get(slug)
        if en is None:
            errors.append(f"{kind} {slug}: no such slug in chronology.json")
            continue
        entry = {}
        statements = {}
        for key, value in fields.items():
            if key.startswith("st"):
                idx, _, sub = key[2:].partition(".")
                statements.setdefault(int(idx), {})["venue" if sub else "text"] = value
                continue
            if key not in FIELDS[plural]:
                errors.append(f"{kind} {slug}: unknown field {key}")
                continue
            if key == "gloss_en":
                if en.get("language") != "ru":
                    errors.append(f"source {slug}: gloss_en only for a Russian-language source")
            elif key == "aliases":
                pass  # Cyrillic spellings may be added where the English has none
            elif not en.get(key):
                errors.append(f"{kind} {slug}: English has no {key}")
            if key == "corrections" and len(value) != len(en.get("corrections", [])):
                errors.append(f"{kind} {slug}: {len(value)} corrections for "
                              f"{len(en.get('corrections', []))} English ones")
            if (isinstance(value, list) and not all(value)) or not value:
                errors.append(f"{kind} {slug}: empty {key}")
            entry[key] = value
        if statements:
            en_statements = en.get("statements", [])
            rendered = []
            for idx in sorted(statements):
                if idx >= len(en_statements):
                    errors.append(f"event {slug}: no statement {idx}")
                    continue
                s = statements[idx]
                if not s.get("text"):
                    errors.append(f"event {slug}: statement {idx} has no text")
                if "venue" in s and not en_statements[idx].get("venue"):
                    errors.append(f"event {slug}: statement {idx} has no English venue")
                st = {"speaker": en_statements[idx]["speaker"], "quote": en_statements[idx]["quote"],
                      "text": s.get("text", "")}
                if "venue" in s:
                    st["venue"] = s["venue"]
                rendered.append(st)
            entry["statements"] = rendered
        # fields in a stable order
        keys = FIELDS[plural] + ["statements"]
        out[plural][slug] = {k: entry[k] for k in keys if k in entry}
    for plural in KINDS.values():
        out[plural] = {s: out[plural][s] for s in order[plural] if s in out[plural]}
    return out, errors


def main():
    english = json.loads(ENGLISH.read_text(encoding="utf-8"))
    items = parse(sorted(SRC.glob("*.txt")))
    out, errors = build(items, english)
    for e in errors:
        print("ERROR:", e, file=sys.stderr)
    if errors:
        return 1
    text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
    json.loads(text)
    if "--check" not in sys.argv:
        OUT.write_text(text, encoding="utf-8")
    counts = {k: len(v) for k, v in out.items() if isinstance(v, dict)}
    print("ok", counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
