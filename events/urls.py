from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("actors/", views.actor_index, name="actor_index"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor_detail"),
    path("sources/", views.source_index, name="source_index"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
    path("about/", views.about, name="about"),
]
