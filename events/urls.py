from django.urls import path

from . import preview, views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("events/<slug:slug>/correction/", views.event_correction, name="event_correction"),
    path("actors/", views.actor_index, name="actor_index"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor_detail"),
    path("sources/", views.source_index, name="source_index"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
    path("places/", views.place_list, name="place_list"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
    path("about/", views.about, name="about"),
    path("preview/<int:pk>/", preview.preview_review, name="preview_review"),
    path("preview/s/<str:token>/", preview.preview_signed, name="preview_signed"),
    path("preview/<str:model>/<int:pk>/", preview.preview_item, name="preview_item"),
    path("embed/", views.embed, name="embed"),
    path("oembed", views.oembed, name="oembed"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
