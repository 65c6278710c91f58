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
# Items of the files beside chronology.json: claims.json and places.json.
EXTRA_KINDS = {"claim": "claims", "place": "places"}
CLAIMS = ROOT / "events" / "fixtures" / "claims.json"
PLACES = ROOT / "events" / "fixtures" / "places.json"
FIELDS = {
    "categories": ["name", "description"],
    "actors": ["name", "description", "naming_note", "aliases", "corrections"],
    "sources": ["title", "gloss_en", "notes", "corrections"],
    "events": ["title", "summary", "location", "verification_note", "corrections"],
    "claims": ["question", "conclusion"],
    "places": ["name", "description", "aliases"],
}
LIST_FIELDS = {"aliases", "corrections"}
# The language a statement's words were said in (st0.spoken), where the sources show it.
SPOKEN_LANGUAGES = ("ru", "en", "ce")
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
SECTION = re.compile(
    r"^\[(category|actor|source|event|claim|place|about)(?: ([a-z0-9-]+))?\]\s*$")
# st0 / st0.venue / st0.corrections: statement 0; c3: the summary of citation 3 of the event;
# st0.c1: of citation 1 of statement 0; role.<actor-slug>: that actor's role in the event;
# v2 / v2.relies_on / v2.excerpt: value 2 of a claim.
LINE = re.compile(
    r"^([a-z_]+|st\d+(?:\.venue|\.corrections|\.spoken|\.c\d+)?|c\d+|role\.[a-z0-9-]+"
    r"|v\d+(?:\.relies_on|\.excerpt)?):\s?(.*)$")


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
            elif key == "corrections" or key.endswith(".corrections"):
                current.setdefault(key, []).append(value)
            else:
                if key in current:
                    raise SystemExit(f"{path.name}:{n}: {key} given twice")
                current[key] = value
    return items


def build(items, english, extra):
    """extra: {"claims": [...], "places": [...]} from claims.json and places.json."""
    errors = []
    sections = {**{plural: english[plural] for plural in KINDS.values()}, **extra}
    kinds = {**KINDS, **EXTRA_KINDS}
    by_kind = {plural: {i["slug"]: i for i in sections[plural]} for plural in kinds.values()}
    out = {"about": ""} | {plural: {} for plural in kinds.values()}
    if ("about", None) in items:
        out["about"] = items[("about", None)].get("text", "")
    else:
        del out["about"]
    order = {plural: [i["slug"] for i in sections[plural]] for plural in kinds.values()}
    for (kind, slug), fields in items.items():
        if kind == "about":
            continue
        plural = kinds[kind]
        en = by_kind[plural].get(slug)
        if en is None:
            errors.append(f"{kind} {slug}: no such slug in the English file")
            continue
        entry = {}
        statements = {}
        summaries = {}  # (statement index or None, citation index) -> text
        roles = {}
        values = {}
        for key, value in fields.items():
            where = f"{kind} {slug}: {key}"
            if not value:
                errors.append(f"{where}: empty")
                continue
            if m := re.fullmatch(r"st(\d+)\.c(\d+)", key):
                summaries[(int(m.group(1)), int(m.group(2)))] = value
                continue
            if m := re.fullmatch(r"c(\d+)", key):
                summaries[(None, int(m.group(1)))] = value
                continue
            if key.startswith("st"):
                idx, _, sub = key[2:].partition(".")
                statements.setdefault(int(idx), {})[sub or "text"] = value
                continue
            if key.startswith("role."):
                roles[key[5:]] = value
                continue
            if m := re.fullmatch(r"v(\d+)(?:\.(\w+))?", key):
                values.setdefault(int(m.group(1)), {})[m.group(2) or "value"] = value
                continue
            if key not in FIELDS[plural]:
                errors.append(f"{where}: unknown field")
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
            if isinstance(value, list) and not all(value):
                errors.append(f"{where}: empty line")
            entry[key] = value
        en_statements = en.get("statements", [])
        if statements:
            rendered = []
            for idx in sorted(statements):
                if idx >= len(en_statements):
                    errors.append(f"event {slug}: no statement {idx}")
                    continue
                s, en_s = statements[idx], en_statements[idx]
                if not s.get("text"):
                    errors.append(f"event {slug}: statement {idx} has no text")
                if "venue" in s and not en_s.get("venue"):
                    errors.append(f"event {slug}: statement {idx} has no English venue")
                if "corrections" in s and len(s["corrections"]) != len(en_s.get("corrections", [])):
                    errors.append(f"event {slug}: statement {idx}: {len(s['corrections'])} "
                                  f"corrections for {len(en_s.get('corrections', []))}")
                if "spoken" in s and s["spoken"] not in SPOKEN_LANGUAGES:
                    errors.append(f"event {slug}: statement {idx}: spoken must be one of "
                                  f"{', '.join(SPOKEN_LANGUAGES)}")
                st = {"speaker": en_s["speaker"], "quote": en_s["quote"], "text": s.get("text", "")}
                for sub in ("venue", "corrections", "spoken"):
                    if sub in s:
                        st[sub] = s[sub]
                rendered.append(st)
            entry["statements"] = rendered
        if summaries:
            rendered = []
            for (st_idx, c_idx), text in sorted(summaries.items(), key=lambda kv: (
                    -1 if kv[0][0] is None else kv[0][0], kv[0][1])):
                if st_idx is None:
                    citations = en.get("citations", [])
                elif st_idx < len(en_statements):
                    citations = en_statements[st_idx].get("citations", [])
                else:
                    errors.append(f"event {slug}: no statement {st_idx}")
                    continue
                if c_idx >= len(citations):
                    errors.append(f"event {slug}: no citation {c_idx}"
                                  + ("" if st_idx is None else f" of statement {st_idx}"))
                    continue
                citation = citations[c_idx]
                if not citation.get("is_summary"):
                    errors.append(f"event {slug}: citation {c_idx} is a verbatim excerpt; it "
                                  "stays as the source prints it")
                    continue
                rendered.append({"source": citation["source"], "excerpt": citation["excerpt"],
                                 "text": text})
            entry["summaries"] = rendered
        if roles:
            en_roles = {a["actor"]: a.get("role", "") for a in en.get("actors", [])}
            for actor, text in roles.items():
                if not en_roles.get(actor):
                    errors.append(f"event {slug}: {actor} has no English role here")
            entry["roles"] = {a: roles[a] for a in en_roles if a in roles}
        if values:
            en_values = en.get("values", [])
            rendered = []
            for idx in sorted(values):
                if idx >= len(en_values):
                    errors.append(f"claim {slug}: no value {idx}")
                    continue
                v, en_v = values[idx], en_values[idx]
                if "excerpt" in v and not en_v.get("is_summary"):
                    errors.append(f"claim {slug}: value {idx}'s excerpt is verbatim; it stays")
                for sub in v:
                    if sub != "value" and not en_v.get(sub):
                        errors.append(f"claim {slug}: value {idx} has no English {sub}")
                rendered.append({"source": en_v["source"], "value_en": en_v["value"],
                                 "value": v.get("value", ""), **{
                                     k: v[k] for k in ("relies_on", "excerpt") if k in v}})
                if not v.get("value"):
                    errors.append(f"claim {slug}: value {idx} has no Russian value")
            entry["values"] = rendered
        # fields in a stable order
        keys = FIELDS[plural] + ["statements", "summaries", "roles", "values"]
        out[plural][slug] = {k: entry[k] for k in keys if k in entry}
    for plural in kinds.values():
        out[plural] = {s: out[plural][s] for s in order[plural] if s in out[plural]}
    return out, errors


def main():
    english = json.loads(ENGLISH.read_text(encoding="utf-8"))
    items = parse(sorted(SRC.glob("*.txt")))
    extra = {"claims": json.loads(CLAIMS.read_text(encoding="utf-8"))["claims"],
             "places": json.loads(PLACES.read_text(encoding="utf-8"))["places"]}
    out, errors = build(items, english, extra)
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
