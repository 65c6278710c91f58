"""Previews: a draft or a pending change shown exactly as readers would see it once approved.

Staff open `/preview/...` signed in; a signed, expiring link (django.core.signing) lets them
send one change to a colleague without an account. Never cached (these views do not opt into
the page cache, and say `no-store`), never indexed, never sending a Referer.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from . import review
from .history import public_change_log
from .links import absolute_url
from .models import Citation, Event, Review, Statement, Status

SALT = "events.preview"
PREVIEWABLE = {"event": Event, "statement": Statement}


def link_hours():
    return settings.PREVIEW_LINK_HOURS


def review_preview_path(pending):
    return reverse("events:preview_review", args=[pending.pk])


def item_preview_path(obj):
    return reverse("events:preview_item", args=[obj._meta.model_name, obj.pk])


def signed_preview_url(pending):
    token = signing.dumps({"review": pending.pk}, salt=SALT, compress=True)
    return absolute_url(reverse("events:preview_signed", args=[token]))


def _private(response):
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refused(request, message, status):
    return _private(render(request, "events/error.html", {"message": message, "preview": None},
                           status=status))


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _private(redirect_to_login(request.get_full_path(), reverse("admin:login")))
        if not (request.user.is_active and request.user.is_staff):
            return _refused(request, gettext("Previews are for the record's curators and editors."), 403)
        return view(request, *args, **kwargs)
    return wrapper


@require_safe
@staff_only
def preview_review(request, pk):
    return _review_page(request, get_object_or_404(Review, pk=pk))


@require_safe
@staff_only
def preview_item(request, model, pk):
    if model not in PREVIEWABLE:
        raise Http404("Only events and statements have previews.")
    item = get_object_or_404(PREVIEWABLE[model], pk=pk)
    item.status = Status.PUBLISHED  # as it would read once approved
    banner = gettext("this %(item)s as readers would see it once published.") % {
        "item": item._meta.verbose_name}
    return _item_page(request, item, {}, banner)


@require_safe
def preview_signed(request, token):
    try:
        data = signing.loads(token, salt=SALT, max_age=link_hours() * 3600)
    except signing.SignatureExpired:
        return _refused(request, gettext("This preview link has expired. Ask for a new one."), 403)
    except signing.BadSignature:
        return _refused(request, gettext("This preview link is not valid."), 403)
    pending = Review.objects.filter(pk=data.get("review")).first() if isinstance(
        data, dict) else None
    if pending is None:
        return _refused(request, gettext("This preview link is not valid."), 403)
    return _review_page(request, pending)


def _review_page(request, pending):
    if pending.state != Review.State.PENDING or pending.kind == Review.Kind.TAKEDOWN:
        return _refused(request, gettext("This change is no longer awaiting review: there is "
                                         "nothing to preview."), 404)
    item, rows = review.proposed_item(pending)
    if item is None:
        return _refused(request, gettext("The item no longer exists."), 404)
    if pending.kind == Review.Kind.NEW:
        item.status = Status.PUBLISHED
        banner = gettext("a new %(item)s awaiting review, as readers would see it once "
                         "approved.") % {"item": item._meta.verbose_name}
    else:
        banner = gettext("a change to this %(item)s awaiting review, as readers would see it "
                         "once approved. Readers see the published version meanwhile.") % {
            "item": item._meta.verbose_name}
    return _item_page(request, item, rows, banner)


def _item_page(request, item, rows, banner):
    if isinstance(item, Event):
        return _event_page(request, item, banner, rows.get("citations"),
                           rows.get("participations"))
    if isinstance(item, Citation):
        parent = item.event or item.statement
        citations = [item if c.pk == item.pk else c for c in _citations(parent)]
        if isinstance(parent, Event):
            return _event_page(request, parent, banner, citations)
        return _statement_page(request, parent, banner, citations)
    return _statement_page(request, item, banner, rows.get("citations"))


def _citations(parent):
    return list(parent.citations.select_related("source__publisher").order_by("pk"))


def _statements_once_published(event):
    return list(Statement.objects.filter(event=event, status=Status.PUBLISHED)
                .select_related("speaker").with_citations().chronological())


def _event_page(request, event, banner, citations=None, participations=None, statements=None):
    event.listed_citations = citations if citations is not None else _citations(event)
    if participations is None:
        participations = list(event.participations.select_related("actor").order_by("pk"))
    event.listed_participations = participations
    event.listed_statements = (statements if statements is not None
                               else _statements_once_published(event))
    response = render(request, "events/event_detail.html", {
        "event": event,
        "change_log": public_change_log(event),
        "canonical_url": absolute_url(event.get_absolute_url()),
        "preview": banner,
    })
    return _private(response)


def _statement_page(request, statement, banner, citations=None):
    statement.listed_citations = citations if citations is not None else _citations(statement)
    shown = statement.status == Status.PUBLISHED
    if statement.event_id:
        event = Event.objects.select_related("category").get(pk=statement.event_id)
        others = [s for s in _statements_once_published(event) if s.pk != statement.pk]
        statements = sorted([*others, *([statement] if shown else [])],
                            key=lambda s: (s.date, s.date_precision, s.pk))
        return _event_page(request, event, banner, statements=statements)
    return _private(render(request, "events/statement_preview.html",
                           {"statement": statement, "shown": shown, "preview": banner}))
