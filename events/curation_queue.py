"""The curators' sections of the attention queue (events/attention.py): excerpts not
verified against an archived text, sources missing what the record asks of them, and
readers' correction reports, disputed events whose sources are not yet set side by side (claims).
One query a section."""

from django.db.models import Count, Q
from django.urls import reverse

from . import attention
from .models import Citation, CorrectionReport, Event, SourceArticle, Status, Verification


def _changelist(model):
    return reverse(f"admin:events_{model._meta.model_name}_changelist")


@attention.section("Sources and excerpts", order=40)
def sources_and_excerpts(request):
    if not request.user.has_perm("events.view_sourcearticle"):
        return
    unverified = Citation.objects.filter(is_summary=False,
                                         source__archived_text__isnull=True).count()
    yield attention.Line(
        "Excerpts not verified: their source has no archived text", unverified,
        f"{_changelist(Citation)}?verified=no")
    counts = SourceArticle.objects.aggregate(
        publisher=Count("pk", filter=Q(publisher__isnull=True)),
        source_type=Count("pk", filter=Q(source_type="")),
        copy=Count("pk", filter=Q(archive_url="")),
        text=Count("pk", filter=Q(archived_text__isnull=True)),
    )
    sources = _changelist(SourceArticle)
    yield attention.Line("Sources without a publisher", counts["publisher"],
                         f"{sources}?publisher__isnull=True")
    yield attention.Line("Sources without a type", counts["source_type"],
                         f"{sources}?missing=type")
    yield attention.Line("Sources without an archived copy (a web archive snapshot)",
                         counts["copy"], f"{sources}?missing=copy")
    yield attention.Line("Sources without an archived text to check excerpts against",
                         counts["text"], f"{sources}?missing=text")


@attention.section("Readers' correction reports", order=45)
def correction_reports(request):
    if not request.user.has_perm("events.view_correctionreport"):
        return
    yield attention.Line(
        "Reports from readers not yet handled",
        CorrectionReport.objects.filter(handled=False).count(),
        f"{_changelist(CorrectionReport)}?handled__exact=0")


@attention.section("Figures in dispute", order=50)
def disputed_without_claims(request):
    if not request.user.has_perm("events.view_claim"):
        return
    count = (Event.objects.filter(verification=Verification.DISPUTED)
             .exclude(claims__status=Status.PUBLISHED).count())
    yield attention.Line(
        "Disputed events without per-source claims (what each source says, side by side)",
        count, f"{_changelist(Event)}?verification__exact=disputed&claims=none")
