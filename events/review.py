"""Four eyes before anything reaches readers: new items and changes wait for an editor.

The whole workflow, for the admin, the spreadsheet import and any other writer
(docs/review.md is the guide):

- `submit_new(obj, author, comment="")`: a saved draft waits for review; not public until
  approved.
- `propose_change(obj, changes, author, comment="")`: a pending revision of an item. The
  item's row is not touched, so readers keep the approved version; `changes` maps field
  names (or partial-date attributes such as "start", "said_on") to new values, and
  "citations" / "participations" to the whole proposed list of those rows.
- `approve(review, editor, comment="", checked=())`: an editor other than the author
  publishes the new item or applies the change, in one revision of the history.
- `send_back(review, editor, comment)`: back to the author, with the reason.
- `withdraw(review, user)`: the author takes their own pending change back.
- `takedown(obj, user, reason)`: unpublish at once (to protect someone), logged.

Every refusal is a `ReviewRefused` (a ValidationError: the admin shows its message as is).
"""

import logging

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, TextField
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, override

from .languages import DEFAULT, LANGUAGE_CODES, translated_fields
from .models import (
    Actor,
    Citation,
    Claim,
    ClaimValue,
    Event,
    EventActor,
    Review,
    SourceArticle,
    Statement,
    Status,
)

logger = logging.getLogger(__name__)

# The checks an editor confirms when approving (stored by key in Review.checked).
REVIEW_CHECKS = {
    "sources": gettext_lazy("Each excerpt is in its source, and the source says what the item "
                            "says"),
    "attribution": gettext_lazy("Who said or did it matches the original report"),
    "dates": gettext_lazy("Dates are as precise as the evidence, and no more"),
    "claims": gettext_lazy("No claim is stronger than its sources; disagreements are shown"),
    "people_at_risk": gettext_lazy("Nobody at risk is identifiable (names, places, details)"),
}



def _in_each_language(model, columns):
    """columns with each translated one replaced by its columns per language (excerpt_en,
    excerpt_ru): a proposal carries both languages, never the field that reads the active one."""
    translated = translated_fields(model)
    return tuple(column for name in columns for column in (
        [f"{name}_{code}" for code in LANGUAGE_CODES] if name in translated else [name]))


# The items that go through review, and the related rows proposed with each, by the
# relation's name: {relation: (model, the foreign key to the item, the editable columns)}.
REVIEWED_MODELS = (Event, Statement, Citation, Claim)
CITATION_COLUMNS = _in_each_language(Citation, ("source_id", "excerpt", "is_summary", "note"))
RELATED_ROWS = {
    Event: {
        "citations": (Citation, "event", CITATION_COLUMNS),
        "participations": (EventActor, "event", _in_each_language(EventActor,
                                                                   ("actor_id", "role"))),
    },
    Statement: {"citations": (Citation, "statement", CITATION_COLUMNS)},
    Citation: {},
    Claim: {"values": (ClaimValue, "claim", _in_each_language(ClaimValue, (
        "source_id", "value", "reported_date", "reported_precision", "reported_approximate",
        "relies_on", "excerpt", "is_summary", "supersedes_id")))},
}
# Columns a proposal never carries: bookkeeping, derived, or set only by review itself.
NOT_PROPOSED = {"id", "version", "created_at", "updated_at", "sort_date", "search_vector",
                "status", "en_digest", "ru_digest"}


class ReviewRefused(ValidationError):
    """The action is not allowed: the message says why, in words for curators."""


def is_editor(user):
    return bool(user and user.is_active and user.has_perm("events.review_record"))


def is_public(obj):
    """Whether readers see obj now (a citation: whether they see what it supports)."""
    if isinstance(obj, Event):
        return obj.status == Status.PUBLISHED
    if isinstance(obj, Statement):
        return Statement.objects.public().filter(pk=obj.pk).exists()
    if isinstance(obj, Citation):
        parent = obj.event or obj.statement
        return parent is not None and is_public(parent)
    raise TypeError(f"{type(obj).__name__} is not reviewed")


def reviews_of(obj):
    """Every review of obj, newest first (its part of the history)."""
    return Review.objects.for_object(obj).select_related("author", "reviewer")


def pending_review(obj):
    """obj's review awaiting an editor, or None."""
    return reviews_of(obj).pending().first()


def submit_new(obj, author, comment=""):
    """Put a saved, unpublished item in the review queue; returns its Review.

    The item stays a draft (readers never see it) until an editor other than `author`
    approves it. Submitting an item already waiting updates the note and returns that review.
    """
    _check_reviewed(obj)
    if obj.pk is None:
        raise ReviewRefused(gettext("Save the item as a draft before submitting it for review."))
    if isinstance(obj, Citation):
        raise ReviewRefused(gettext("A citation is reviewed with its event or statement: submit that."))
    if obj.status == Status.PUBLISHED:
        raise ReviewRefused(gettext("This item is already published: propose a change to it instead."))
    with transaction.atomic():
        waiting = pending_review(obj)
        if waiting is not None:
            if comment:
                waiting.comment = comment
                waiting.save(update_fields=["comment"])
            return waiting
        return Review.objects.create(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
            label=_label(obj), kind=Review.Kind.NEW, author=author, comment=comment,
            base_version=obj.version,
        )


def propose_change(obj, changes, author, comment=""):
    """Record a pending revision of obj (readers keep the current row); returns its Review.

    `changes`: {field name, column name or partial-date attribute: new value} and, for an
    event or a statement, "citations" (and for an event "participations"): the complete
    proposed list, each row a dict of its fields ("id" keeps an existing row; a row left
    out is removed). The proposal is validated as the admin would validate a save; a change
    that breaks a rule of the record raises ReviewRefused (or the model's ValidationError).
    """
    _check_reviewed(obj)
    if obj.pk is None:
        raise ReviewRefused(gettext("Save the item first: only a saved item can have a pending change."))
    current = type(obj)._default_manager.get(pk=obj.pk)
    proposed = _copy(current)
    related = {}
    for name, value in changes.items():
        if name in RELATED_ROWS[type(obj)]:
            related[name] = value
        elif name in NOT_PROPOSED:
            raise ReviewRefused(gettext("“%(field)s” cannot be proposed: publishing goes through "
                                        "review and unpublishing through a takedown.")
                                % {"field": name})
        else:
            setattr(proposed, _column_for(type(obj), name), value)
    stored = _column_changes(current, proposed)
    for name, rows in related.items():
        stored[name] = _related_rows(current, name, rows)
    if not stored:
        raise ReviewRefused(gettext("Nothing to review: the proposal is the same as the current item."))
    _validate(current, stored)
    with transaction.atomic():
        return Review.objects.create(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
            label=_label(proposed), kind=Review.Kind.CHANGE, author=author, comment=comment,
            changes=stored, base_version=current.version,
        )


def approve(review, editor, comment="", checked=()):
    """Publish the new item, or apply the change, as `editor`; returns the item.

    Refused to anyone but an editor, to the change's own author, for a review no longer
    pending, and when the item changed since the proposal was made (it would be overwritten).
    """
    unknown = set(checked) - set(REVIEW_CHECKS)
    if unknown:
        raise ReviewRefused(gettext("Unknown checks: %(checks)s.") % {
            "checks": ", ".join(sorted(unknown))})
    with transaction.atomic():
        review = _locked(review)
        _check_reviewer(review, editor)
        item = type(review.target)._default_manager.select_for_update().get(pk=review.object_id) \
            if review.target is not None else None
        if item is None:
            raise ReviewRefused(gettext("The item no longer exists."))
        if review.base_version is not None and item.version != review.base_version:
            raise ReviewRefused(gettext(
                "The item was changed after this was submitted (for instance by another "
                "approved change or a takedown): send it back so the author can redo it "
                "on the current version."
            ))
        with reversion.create_revision():
            reversion.set_user(editor)
            reversion.set_comment(_history_comment("Approved", review, editor, comment, checked))
            if review.kind == Review.Kind.NEW:
                _publish(item)
            else:
                _apply(item, review.changes)
            reversion.add_to_revision(item)
        review.state = Review.State.APPROVED
        _close(review, editor, comment, checked)
    return item


def send_back(review, editor, comment):
    """Return the change to its author with the reason (required); nothing is applied."""
    if not comment.strip():
        raise ReviewRefused(gettext("Say what needs doing: the author sees your comment."))
    with transaction.atomic():
        review = _locked(review)
        _check_reviewer(review, editor)
        review.state = Review.State.SENT_BACK
        _close(review, editor, comment, ())
    return review


def withdraw(review, user):
    """The author takes back their pending change (nothing is applied)."""
    with transaction.atomic():
        review = _locked(review)
        if review.author_id != user.pk:
            raise ReviewRefused(gettext("Only its author can withdraw a change."))
        review.state = Review.State.WITHDRAWN
        review.save(update_fields=["state"])
    return review


def takedown(obj, user, reason):
    """Unpublish an event or a statement at once, to protect someone; logged with the reason.

    Takes effect without a second person (the one exception to review); any change pending
    on the item can then no longer be approved (its version moved). Returns the Review that
    logs it.
    """
    if not isinstance(obj, Event | Statement):
        raise ReviewRefused(gettext("Take down the event or statement the citation supports."))
    if not reason.strip():
        raise ReviewRefused(gettext("Give the reason for the takedown: it is kept in the history."))
    if not (user.is_active and user.is_staff
            and user.has_perm(f"events.change_{obj._meta.model_name}")):
        raise ReviewRefused(gettext("Only curators and editors can take an item down."))
    with transaction.atomic():
        item = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(f"Urgent takedown by {user.get_username()}: {reason}")
            item.status = Status.DRAFT
            item.save()
            reversion.add_to_revision(item)
        log = Review.objects.create(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk,
            label=_label(item), kind=Review.Kind.TAKEDOWN, state=Review.State.DONE,
            author=user, comment=reason, reviewed_at=timezone.now(),
            base_version=item.version,
        )
    logger.warning("Urgent takedown of %s %s by %s: %s", item._meta.verbose_name, item.pk,
                   user.get_username(), reason)
    obj.status, obj.version = item.status, item.version
    return log


def proposed_item(review):
    """The item as it would be once approved, in memory (nothing saved): what preview shows.

    Returns (item, {relation: [unsaved or current rows]}) with the proposed citations and
    actors involved, their sources and actors loaded.
    """
    item = review.target
    if item is None:
        return None, {}
    if review.kind != Review.Kind.CHANGE:
        return item, {}
    for column, value in _column_changes_of(type(item), review.changes):
        setattr(item, column, _python(type(item), column, value))
    rows = {name: _build_rows(item, name, review.changes[name])
            for name in RELATED_ROWS[type(item)] if name in review.changes}
    return item, rows


def describe_changes(review):
    """[(what, current, proposed)] in words, for the reviewer's screen."""
    item = review.target
    if item is None or review.kind != Review.Kind.CHANGE:
        return []
    described = []
    for column, value in _column_changes_of(type(item), review.changes):
        field = _field_of(type(item), column)
        current, proposed = getattr(item, column), _python(type(item), column, value)
        if field.is_relation:  # the related item's name, not its id
            related = field.related_model._default_manager
            current = getattr(item, field.name)
            proposed = related.filter(pk=proposed).first() if proposed is not None else None
        described.append((field.verbose_name, current, proposed))
    for column, value in review.changes.items():
        if column in RELATED_ROWS[type(item)]:
            current = [_row_words(row) for row in getattr(item, column).all()]
            proposed = [_row_words(row) for row in _build_rows(item, column, value)]
            described.append((column, "\n".join(current), "\n".join(proposed)))
    return described


def snapshot(obj):
    """obj as stored now: its proposable columns and its related rows (see changes_between)."""
    model = type(obj)
    fresh = model._default_manager.get(pk=obj.pk)
    state = {field.attname: _comparable(field, field.value_from_object(fresh))
             for field in _proposable_fields(model)}
    for name, (_, _, columns) in RELATED_ROWS[model].items():
        state[name] = [{"id": row.pk, **{c: _comparable(_field_of(row, c), getattr(row, c))
                                         for c in columns}}
                       for row in getattr(fresh, name).order_by("pk")]
    return state


def changes_between(before, after):
    """The `changes` for propose_change that turn snapshot `before` into snapshot `after`
    (rows that exist only in `after` are proposed as new rows)."""
    changes = {}
    for name, value in after.items():
        if not isinstance(value, list):
            if before.get(name) != value:
                changes[name] = value
            continue
        known = {row["id"] for row in before.get(name, [])}
        rows = [{**row, "id": row["id"] if row["id"] in known else None} for row in value]
        if rows != before.get(name):
            changes[name] = rows
    return changes


# Internals.

def _check_reviewed(obj):
    if not isinstance(obj, REVIEWED_MODELS):
        raise TypeError(f"{type(obj).__name__} is not reviewed")


def _label(obj):
    return str(obj)[:300]


def _copy(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def _field_of(model, column):
    for field in model._meta.concrete_fields:
        if column in (field.attname, field.name):
            return field
    raise ReviewRefused(gettext("%(item)s has no field “%(field)s”.") % {
        "item": model._meta.verbose_name.capitalize(), "field": column})


def _column_for(model, name):
    """A translated field given by its plain name ("summary") means its English, the record's
    default language, whatever language the writer's request is in: the plain attribute would
    write the active language's column."""
    return f"{name}_{DEFAULT}" if name in translated_fields(model) else name


def _column_changes_of(model, changes):
    """The (column, value) pairs of stored changes, without the related rows. A plain translated
    name (stored by a proposal made before the record was translated) means its English, unless
    the English column is there too."""
    for column, value in changes.items():
        if column in RELATED_ROWS[model]:
            continue
        target = _column_for(model, column)
        if target != column and target in changes:
            continue
        yield target, value


def keep_translation_flag(item, flag):
    """Sets the "translation out of date" flag a curator gave by hand, after a save that made
    its own guess (events/languages.py: a save that changes only the Russian flags the English):
    whoever says the texts agree, or not, knows better than the fingerprints."""
    if item.outdated_language != flag:
        type(item)._default_manager.filter(pk=item.pk).update(outdated_language=flag)
        item.outdated_language = flag


def _comparable(field, value):
    """A language's text not written yet is NULL in a row saved before the record was
    translated and "" once a form has saved it: the same thing, not a change to review."""
    if value is None and hasattr(field, "translated_field") and isinstance(
            field, CharField | TextField):
        return ""
    return value


def _proposable_fields(model):
    translated = translated_fields(model)
    return [field for field in model._meta.concrete_fields
            if field.editable and field.attname not in NOT_PROPOSED
            and field.name not in translated]


def _jsonable(value):
    return DjangoJSONEncoder().default(value) if value is not None and not isinstance(
        value, str | int | float | bool) else value


def _python(model, column, value):
    return None if value is None else _field_of(model, column).to_python(value)


def _column_changes(current, proposed):
    changed = {}
    for field in _proposable_fields(type(current)):
        before = _comparable(field, field.value_from_object(current))
        after = _comparable(field, field.value_from_object(proposed))
        if hasattr(after, "pk"):
            after = after.pk
        if before != after:
            changed[field.attname] = _jsonable(after)
    return changed


def _related_rows(item, name, rows):
    """The proposed rows of one relation, normalised: [{"id": pk or None, column: value}]."""
    model, _, columns = RELATED_ROWS[type(item)][name]
    existing = {row.pk: row for row in getattr(item, name).all()}
    normalised = []
    for row in rows:
        if isinstance(row, model):
            row = {"id": row.pk, **{c: getattr(row, c) for c in columns}}
        clean = {"id": row.get("id")}
        if clean["id"] is not None and clean["id"] not in existing:
            raise ReviewRefused(gettext("Row %(row)s is not one of this item's %(rows)s.") % {
                "row": clean["id"], "rows": name})
        base = existing.get(clean["id"])
        for column in columns:
            plain = column.removesuffix("_id")
            if column in row:
                value = row[column]
            elif plain in row:
                value = row[plain]
            elif column.endswith(f"_{DEFAULT}") and column.removesuffix(f"_{DEFAULT}") in row:
                value = row[column.removesuffix(f"_{DEFAULT}")]  # "excerpt": its English
            else:
                value = getattr(base, column) if base is not None else _default(model, column)
            clean[column] = _jsonable(value.pk if hasattr(value, "pk") else value)
        if base is not None:
            clean["version"] = getattr(base, "version", None)
        normalised.append(clean)
    return normalised


def _default(model, column):
    field = _field_of(model, column)
    return field.get_default() if field.has_default() or not field.null else None


def _build_rows(item, name, rows):
    """Unsaved rows of the relation as proposed (related objects loaded, for preview)."""
    model, parent, columns = RELATED_ROWS[type(item)][name]
    built = []
    for row in rows:
        obj = model(pk=row.get("id"), **{c: _python(model, c, row.get(c)) for c in columns})
        obj._state.adding = obj.pk is None  # an existing row is not checked as a new one
        setattr(obj, parent, item)
        built.append(obj)
    # One query per kind of related object, whatever the number of rows.
    if name == "citations":
        found = SourceArticle.objects.select_related("publisher").in_bulk(
            {obj.source_id for obj in built})
        for obj in built:
            obj.source = found.get(obj.source_id)
    else:
        found = Actor.objects.in_bulk({obj.actor_id for obj in built})
        for obj in built:
            obj.actor = found.get(obj.actor_id)
    return built


def _row_words(row):
    if isinstance(row, Citation):
        summary = gettext(" (summary)") if row.is_summary else ""
        return f"{row.source}{summary}: {_both(row, 'excerpt')}" + (
            f" [{row.note}]" if row.note else "")
    role = _both(row, "role")
    return f"{row.actor}" + (f": {role}" if role else "")


def _both(row, name):
    """A translated column of a row in words, each language's text marked with its code."""
    texts = [(code, getattr(row, f"{name}_{code}", "") or "") for code in LANGUAGE_CODES]
    return " · ".join(text if code == DEFAULT else f"[{code}] {text}"
                      for code, text in texts if text)


def _validate(current, stored):
    """Refuse a proposal the admin would refuse: the model's rules on the proposed item and
    on each proposed row, and the citation a published item needs."""
    model = type(current)
    proposed = _copy(current)
    for column, value in _column_changes_of(model, stored):
        setattr(proposed, column, _python(model, column, value))
    proposed.full_clean(exclude=["version"])
    for name, (_, parent, _) in RELATED_ROWS[model].items():
        # Rows kept as they are are checked too: a changed quote must still be in its excerpt.
        if name in stored:
            rows = _build_rows(proposed, name, stored[name])
        else:
            rows = list(getattr(current, name).all())
            for row in rows:
                setattr(row, parent, proposed)
        for row in rows:
            row.full_clean(exclude=["version", "event", "statement"])
        if name == "citations" and name in stored:
            problem = proposed.uncited_problem(cited=bool(stored[name]))
            if problem:
                raise ReviewRefused(problem)


def _locked(review):
    return Review.objects.select_for_update().select_related("content_type").get(pk=review.pk)


def _check_reviewer(review, editor):
    if review.state != Review.State.PENDING:
        raise ReviewRefused(gettext("This is no longer awaiting review (%(state)s).") % {
            "state": review.get_state_display()})
    if not is_editor(editor):
        raise ReviewRefused(gettext("Only an editor (the Editors group) can review changes."))
    if review.author_id == editor.pk:
        raise ReviewRefused(gettext("An editor cannot approve or send back their own change: "
                                    "another editor must review it."))


def _close(review, editor, comment, checked):
    review.reviewer = editor
    review.reviewed_at = timezone.now()
    review.review_comment = comment
    review.checked = list(checked)
    review.save(update_fields=["state", "reviewer", "reviewed_at", "review_comment", "checked"])


def _history_comment(verdict, review, editor, comment, checked):
    with override(DEFAULT):  # the history is kept in one language, whoever reads the admin
        return _history_comment_in_english(verdict, review, editor, comment, checked)


def _history_comment_in_english(verdict, review, editor, comment, checked):
    lines = [f"{verdict} by {editor.get_username()} ({review.get_kind_display().lower()} "
             f"by {review.author.get_username()}, review {review.pk})."]
    if checked:
        lines.append("Checked: " + "; ".join(str(REVIEW_CHECKS[key]) for key in checked) + ".")
    if comment:
        lines.append(f"Comment: {comment}")
    return "\n".join(lines)


def _publish(item):
    item.status = Status.PUBLISHED
    problem = item.uncited_problem(cited=item.citations.exists())
    if problem:
        raise ReviewRefused(problem)
    item.full_clean(exclude=["version"])
    item.save()


def _apply(item, changes):
    model = type(item)
    for column, value in _column_changes_of(model, changes):
        setattr(item, column, _python(model, column, value))
    item.full_clean(exclude=["version"])
    item.save()
    if "outdated_language" in changes:
        keep_translation_flag(item, changes["outdated_language"])
    for name, (related_model, parent, columns) in RELATED_ROWS[model].items():
        if name not in changes:
            continue
        existing = {row.pk: row for row in getattr(item, name).all()}
        kept = set()
        for row in changes[name]:
            values = {c: _python(related_model, c, row.get(c)) for c in columns}
            pk = row.get("id")
            if pk is None:
                related_model._default_manager.create(**{parent: item}, **values)
                continue
            if pk not in existing:
                raise ReviewRefused(gettext("One of the proposed %(rows)s was removed since: "
                                            "send the change back to be redone.") % {"rows": name})
            obj = existing[pk]
            if row.get("version") is not None and getattr(obj, "version", None) != row["version"]:
                raise ReviewRefused(gettext("One of the %(rows)s was changed since the proposal: "
                                            "send it back to be redone on the current version.")
                                    % {"rows": name})
            kept.add(pk)
            if any(getattr(obj, c) != v for c, v in values.items()):
                for column, value in values.items():
                    setattr(obj, column, value)
                obj.save()
        for pk, obj in existing.items():
            if pk not in kept:
                obj.delete()
    if "citations" in changes:
        problem = item.uncited_problem(cited=item.citations.exists())
        if problem:
            raise ReviewRefused(problem)
