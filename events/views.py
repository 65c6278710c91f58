from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .models import Actor, Category, Citation, Event, SourceArticle, Statement


def _public_events():
    return (
        Event.objects.public()
        .select_related("category")
        .prefetch_related(
            Prefetch("statements", queryset=Statement.objects.public().select_related("speaker")),
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
        )
        .chronological()
    )


def event_list(request):
    return render(request, "events/event_list.html", {"events": _public_events()})


def event_detail(request, slug):
    event = get_object_or_404(_public_events(), slug=slug)
    return render(request, "events/event_detail.html", {"event": event})


def actor_detail(request, slug):
    actor = get_object_or_404(Actor, slug=slug)
    events = _public_events().filter(actors=actor).distinct()
    return render(request, "events/actor_detail.html", {"actor": actor, "events": events})


def source_detail(request, slug):
    source = get_object_or_404(SourceArticle.objects.select_related("publisher"), slug=slug)
    events = _public_events().filter(citations__source=source).distinct()
    return render(request, "events/source_detail.html", {"source": source, "events": events})


def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    events = _public_events().filter(category=category)
    return render(request, "events/category_detail.html", {"category": category, "events": events})
