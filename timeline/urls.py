from django.conf import settings
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
    path("feed/", public_read_only(EventFeed()), name="feed"),
    path("", include("events.urls")),
]
