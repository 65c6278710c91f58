"""The curators' sections of the attention queue (events/attention.py): excerpts not
verified against an archived text, sources missing what the record asks of them, and
readers' correction reports, disputed events whose sources are not yet set side by side (claims).
One query a section."""

from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import attention
from .models import (
    Actor,
    Category,
    Citation,
    Claim,
    CorrectionReport,
    Event,
    Place,
    SourceArticle,
    Statement,
    Status,
    Verification,
)


def _changelist(model):
    return reverse(f"admin:events_{model._meta.model_name}_changelist")


@attention.section(_("Sources and excerpts"), order=40)
def sources_and_excerpts(request):
    if not request.user.has_perm("events.view_sourcearticle"):
        return
    unverified = Citation.objects.filter(is_summary=False,
                                         source__archived_text__isnull=True).count()
    yield attention.Line(
        gettext("Excerpts not verified: their source has no archived text"), unverified,
        f"{_changelist(Citation)}?verified=no")
    counts = SourceArticle.objects.aggregate(
        publisher=Count("pk", filter=Q(publisher__isnull=True)),
        source_type=Count("pk", filter=Q(source_type="")),
        copy=Count("pk", filter=Q(archive_url="")),
        text=Count("pk", filter=Q(archived_text__isnull=True)),
    )
    sources = _changelist(SourceArticle)
    yield attention.Line(gettext("Sources without a publisher"), counts["publisher"],
                         f"{sources}?publisher__isnull=True")
    yield attention.Line(gettext("Sources without a type"), counts["source_type"],
                         f"{sources}?missing=type")
    yield attention.Line(gettext("Sources without an archived copy (a web archive snapshot)"),
                         counts["copy"], f"{sources}?missing=copy")
    yield attention.Line(gettext("Sources without an archived text to check excerpts against"),
                         counts["text"], f"{sources}?missing=text")


@attention.section(_("Readers' correction reports"), order=45)
def correction_reports(request):
    if not request.user.has_perm("events.view_correctionreport"):
        return
    yield attention.Line(
        gettext("Reports from readers not yet handled"),
        CorrectionReport.objects.filter(handled=False).count(),
        f"{_changelist(CorrectionReport)}?handled__exact=0")


@attention.section(_("Figures in dispute"), order=50)
def disputed_without_claims(request):
    if not request.user.has_perm("events.view_claim"):
        return
    count = (Event.objects.filter(verification=Verification.DISPUTED)
             .exclude(claims__status=Status.PUBLISHED).count())
    yield attention.Line(
        gettext("Disputed events without per-source claims (what each source says, side by "
                "side)"),
        count, f"{_changelist(Event)}?verification__exact=disputed&claims=none")


# Translations (docs/i18n.md): items whose two languages are out of step, and published items
# with no Russian yet. Each item's main text: the field without which it has no Russian at all.
# Statements have none: a quote stays as the source prints it, and a rendering is needed only
# where the quote's language is not the reader's.
MAIN_TEXT = {Event: "title", Claim: "question", Actor: "name", Place: "name",
             Category: "name", SourceArticle: "title"}
KEPT_IN_STEP = (Event, Statement, Claim, Actor, Place, Category, SourceArticle)
# What the queue calls each kind of item (the models' own names are not translated).
ITEMS = {Event: _("events"), Statement: _("statements"), Claim: _("claims"), Actor: _("actors"),
         Place: _("places"), Category: _("categories"), SourceArticle: _("sources")}


def _missing_russian(model):
    column = f"{MAIN_TEXT[model]}_ru"
    return Q(**{column: ""}) | Q(**{f"{column}__isnull": True})


def russian_missing(queryset):
    """The items of queryset whose main text has no Russian yet."""
    return queryset.filter(_missing_russian(queryset.model))


def _is_published(model):
    return Q(status=Status.PUBLISHED) if _has_status(model) else Q()


def _has_status(model):
    return any(field.name == "status" for field in model._meta.concrete_fields)


@attention.section(_("Translations"), order=60)
def translations(request):
    """One query for every kind of item: a row of counts each, joined with UNION ALL."""
    models = [model for model in KEPT_IN_STEP
              if request.user.has_perm(f"events.view_{model._meta.model_name}")]
    if not models:
        return
    none = Q(pk__in=[])
    rows = [
        model.objects.order_by().annotate(queue_item=Value(model._meta.model_name))
        .values("queue_item").annotate(
            ru=Count("pk", filter=Q(outdated_language="ru")),
            en=Count("pk", filter=Q(outdated_language="en")),
            missing=Count("pk", filter=(_missing_russian(model) & _is_published(model))
                          if model in MAIN_TEXT else none),
        )
        for model in models
    ]
    counts = {row["queue_item"]: row for row in rows[0].union(*rows[1:], all=True)}
    for key, label, query in [
        ("ru", _("Russian translation out of date: %(items)s"), "outdated=ru"),
        ("en", _("English out of date: %(items)s"), "outdated=en"),
        ("missing", _("Not yet translated into Russian: %(items)s"), "russian=missing"),
    ]:
        for model in models:
            count = counts.get(model._meta.model_name, {}).get(key, 0)
            if key == "missing" and _has_status(model):
                query_string = f"{query}&status__exact={Status.PUBLISHED}"
            else:
                query_string = query
            yield attention.Line(label % {"items": ITEMS[model]}, count,
                                 f"{_changelist(model)}?{query_string}")
