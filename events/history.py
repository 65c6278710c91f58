"""Reading the record's history (kept by django-reversion, see the registrations in models.py).

Two readers: curators, told what someone else changed while they were editing; and the public,
shown when an event was corrected and which parts, never by whom.
"""

import json

from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .chronology_ru import log_line
from .models import Citation

# How a revision of the bundled record's upgrade (events/chronology.py) begins its comment;
# the rest, one line each, are the public reasons for the correction.
CORRECTION_COMMENT = "Bundled correction: "

# The parts of an event a reader sees, with the names the public change log uses.
# Names shown in the reader's language: "summary, verification changed".
EVENT_PUBLIC_FIELDS = {
    "title": _("title"),
    "summary": _("summary"),
    "start_date": _("date"),
    "start_precision": _("date"),
    "start_approximate": _("date"),
    "end_date": _("end date"),
    "end_precision": _("end date"),
    "end_approximate": _("end date"),
    "sort_as": _("date"),
    "category_id": _("category"),
    "location": _("location"),
    "verification": _("verification"),
    "verification_note": _("note on the evidence"),
}
PUBLISHED = _("published")
SOURCES = _("sources")


def versions_of(instance):
    """The saved versions of instance, oldest first, in one query (no content-type lookup)."""
    opts = instance._meta
    return (
        Version.objects.filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_id=str(instance.pk),
        )
        .select_related("revision")
        .order_by("revision__date_created", "pk")
    )


def _field_dicts(versions):
    for version in versions:
        try:
            yield version, version.field_dict
        except Exception:  # noqa: BLE001 - a version saved under an older schema
            continue


def changes_since(instance, opened_version):
    """The fields someone else changed since the editor opened `opened_version` of instance.

    Returns [(field verbose name, current value)], or None when that version's copy is not in
    the history (then the editor only learns that something changed).
    """
    opened = next(
        (
            data
            for _, data in _field_dicts(versions_of(instance))
            if data.get("version") == opened_version
        ),
        None,
    )
    if opened is None:
        return None
    changed = []
    for field in instance._meta.concrete_fields:
        if field.name in {"version", "updated_at", "created_at"} or not field.editable:
            continue
        current = getattr(instance, field.attname)
        if opened.get(field.attname, opened.get(field.name)) != current:
            display = getattr(instance, field.name) if field.is_relation else current
            changed.append((field.verbose_name, display))
    return changed


def _cites(citation_version, event):
    try:
        return json.loads(citation_version.serialized_data)[0]["fields"]["event"] == event.pk
    except (ValueError, KeyError, IndexError):
        return False


def public_reasons(revision):
    """The public reasons a revision gives for its change: those of a bundled correction
    (events/chronology.py), one per line. A curator's save records no public reason."""
    if revision.user_id is None and revision.comment.startswith(CORRECTION_COMMENT):
        return revision.comment.removeprefix(CORRECTION_COMMENT).splitlines()
    return []


def public_change_log(event, limit=20):
    """Corrections to a published event, newest first: [(when, [what changed], [reasons])].

    Compares consecutive saved versions of the event (and the set of its citations) and keeps
    the saves that changed something a reader sees while the event was published. Two queries,
    whatever the length of the history.
    """
    citation_versions = Version.objects.filter(
        content_type__app_label=Citation._meta.app_label,
        content_type__model=Citation._meta.model_name,
    )
    versions = list(
        versions_of(event).prefetch_related(
            Prefetch("revision__version_set", queryset=citation_versions, to_attr="citations")
        )
    )
    entries = []
    previous, previous_citations = None, None
    for version, data in _field_dicts(versions):
        # A citation's serialized data changes with its excerpt, so edits count, not only
        # citations added or removed.
        # Only this event's: a revision of the loader holds every event's citations.
        citations = {
            (other.object_id, other.serialized_data)
            for other in version.revision.citations
            if _cites(other, event)
        }
        if previous is not None and data.get("status") == "published":
            changed = []
            for field, label in EVENT_PUBLIC_FIELDS.items():
                if data.get(field) != previous.get(field) and label not in changed:
                    changed.append(label)
            if previous.get("status") != "published":
                changed.insert(0, PUBLISHED)
            if citations != previous_citations:
                changed.append(SOURCES)
            # A bundled correction's reasons in the reader's language (events/chronology_ru.py).
            reasons = [log_line(line, get_language()) for line in public_reasons(version.revision)]
            if changed or reasons:
                entries.append((version.revision.date_created, changed, reasons))
        previous, previous_citations = data, citations
    return entries[::-1][:limit]
