"""Excerpts with elisions: what "verbatim" means once words may be left out.

An excerpt may drop words with a visible marker, "[…]" (or "[...]", as typed on a keyboard),
to leave out what identifies a protected person or what the event does not need. The verbatim
rule then holds for each visible part: every part appears in the source's text, in the order
the excerpt gives them. Runs of whitespace count as one space (a line break in an excerpt is
not a change of wording); nothing else is normalised.
"""

import re

ELISION = re.compile(r"\[(?:…|\.\.\.)\]")


def collapse_whitespace(text):
    return " ".join(text.split())


def visible_parts(excerpt):
    """The words an excerpt shows, in order, without its elision markers."""
    return [part for part in (collapse_whitespace(p) for p in ELISION.split(excerpt)) if part]


def appears_in_order(excerpt, text):
    """Does each visible part of excerpt appear in text, one after another?

    Each part is searched from where the previous one ended, so parts that are all present
    but out of order fail, and so does an excerpt that is nothing but elisions.
    """
    parts = visible_parts(excerpt)
    return bool(parts) and first_missing_part(excerpt, text) is None


def first_missing_part(excerpt, text):
    """The first visible part of excerpt not found in text after the parts before it, or
    None when every part is there in order (what a curator needs to see to fix it)."""
    text = collapse_whitespace(text)
    position = 0
    for part in visible_parts(excerpt):
        found = text.find(part, position)
        if found < 0:
            return part
        position = found + len(part)
    return None


def read_kept_text(folder, filename):
    """The kept text, whitespace collapsed; None if missing or outside the folder (a file
    name is data a curator typed)."""
    path = (folder / filename).resolve()
    if folder.resolve() not in path.parents:
        return None
    try:
        return collapse_whitespace(path.read_text(encoding="utf-8"))
    except OSError:
        return None
