"""One view: a small fixed page, the same bytes as the bare view through the app's middleware
(bench/urls.py `BARE_PAGE`; tests/test_bench_tools.py keeps them equal), so the two differ only
in what stands around the view. bench/urls.py is not imported: it loads the app's URLs."""

from django.http import HttpResponse
from django.urls import path

PAGE = (
    b"<!doctype html><html lang=en><meta charset=utf-8><title>Bare</title>"
    b"<p>A fixed page: the cheapest response Django serves through this project's middleware."
)


def minimal(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", minimal)]
