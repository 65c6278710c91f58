from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from events.feeds import EventFeed
from events.http import public_read_only

from .api import api

admin.site.site_header = "Chechnya 2017 chronology: curators"
admin.site.site_title = "Chronology curators"
admin.site.index_title = "The record"

handler500 = "events.views.server_error"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", api.urls),
]
# The public pages in every language: English unprefixed, Russian under /ru/ (events/languages.py
# activates the language from the prefix before anything resolves the address).
urlpatterns += i18n_patterns(
    path("feed/", public_read_only(EventFeed()), name="feed"),
    path("", include("events.urls")),
    prefix_default_language=False,
)
