"""The app's URLs plus /__bench__/bare: a fixed page through the same middleware stack.

Dividing each page's requests per second by the bare view's, measured by the same run on the
same machine, gives figures that compare across machines.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from timeline import urls as app_urls

BARE_PAGE = (
    b"<!doctype html><html lang=en><meta charset=utf-8><title>Bare</title>"
    b"<p>A fixed page: the cheapest response Django serves through this project's middleware."
)


@require_safe
def bare(request):
    return HttpResponse(BARE_PAGE)


# The app's patterns themselves, not include("timeline.urls"): Django refuses i18n_patterns
# (the /ru/ pages) inside an included URLconf.
handler500 = app_urls.handler500
urlpatterns = [
    path("__bench__/bare", bare, name="bench_bare"),
    *app_urls.urlpatterns,
]
