"""What needs attention: the queue curators and editors see on the admin index.

A registry of sections. Any module adds its own (docs/review.md):

    @attention.section("Sources", order=40)
    def sources_without_archive(request):
        yield attention.Line("Sources without an archived copy", count, admin_url)

Each section is a function of the request yielding `Line`s; a line with a count of 0 is not
shown. Keep a line to one query, so the index's query count stays fixed.
"""

import datetime
from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Line:
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Section:
    title: str
    lines: Callable[..., Iterable[Line]]
    order: int = 100
    key: str = field(default="")

    @property
    def name(self):
        return self.key or f"{self.lines.__module__}.{self.lines.__qualname__}"


_sections = {}


def register(section):
    """Add a section (registering one again under its name replaces it)."""
    _sections[section.name] = section
    return section


def section(title, order=100):
    """Decorator: register the function as a section's lines."""
    def decorate(lines):
        register(Section(title, lines, order))
        return lines
    return decorate


def sections():
    return sorted(_sections.values(), key=lambda s: (s.order, s.title))


def queue(request):
    """[(section title, [lines to show])] for this user: the sections with something in them."""
    shown = []
    for registered in sections():
        lines = [line for line in registered.lines(request) if line.count]
        if lines:
            shown.append((registered.title, lines))
    return shown


def stale_draft_days():
    return getattr(settings, "ATTENTION_STALE_DRAFT_DAYS", 7)


# Review's own sections.

@section(_("Review"), order=10)
def review_lines(request):
    from . import review
    from .models import Review

    user = request.user
    if not user.has_perm("events.view_review"):  # staff outside Curators and Editors
        return
    editor = review.is_editor(user)
    pending = Q(state=Review.State.PENDING) & ~Q(kind=Review.Kind.TAKEDOWN)
    counts = Review.objects.aggregate(
        others=Count("pk", filter=pending & ~Q(author=user)),
        mine=Count("pk", filter=pending & Q(author=user)),
        sent_back=Count("pk", filter=Q(state=Review.State.SENT_BACK, author=user,
                                       reviewed_at__gte=timezone.now() - datetime.timedelta(days=30))),
    )
    changelist = reverse("admin:events_review_changelist")
    if editor:
        yield Line(gettext("Changes awaiting your review (others')"), counts["others"],
                   f"{changelist}?state__exact=pending&mine=others")
    else:
        yield Line(gettext("Others' changes awaiting an editor"), counts["others"],
                   f"{changelist}?state__exact=pending&mine=others")
    yield Line(gettext("Your changes awaiting review"), counts["mine"],
               f"{changelist}?state__exact=pending&mine=mine")
    yield Line(gettext("Your changes sent back in the last 30 days"), counts["sent_back"],
               f"{changelist}?state__exact=sent_back&mine=mine")


def stale_drafts_of(queryset):
    """The drafts of queryset nobody has touched for stale_draft_days(), leaving out those
    submitted for review (they wait for an editor, not for their curator)."""
    from .models import Review, Status

    cutoff = timezone.now() - datetime.timedelta(days=stale_draft_days())
    waiting = Review.objects.pending().filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk"))
    return queryset.filter(status=Status.DRAFT, updated_at__lt=cutoff).exclude(Exists(waiting))


@section(_("Drafts"), order=20)
def stale_drafts(request):
    from .models import Event, Statement

    days = stale_draft_days()
    labels = {
        Event: ngettext("Draft events untouched for %(days)d day or more",
                        "Draft events untouched for %(days)d days or more", days),
        Statement: ngettext("Draft statements untouched for %(days)d day or more",
                            "Draft statements untouched for %(days)d days or more", days),
    }
    for model in (Event, Statement):
        opts = model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        yield Line(labels[model] % {"days": days}, stale_drafts_of(model.objects.all()).count(),
                   f"{url}?stale=yes")
