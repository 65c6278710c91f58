import pytest
from django.urls import reverse

from .factories import EventFactory, PublishedEventFactory

pytestmark = pytest.mark.django_db


def test_the_chronology_shows_published_events_only(client):
    published = PublishedEventFactory(title="Novaya Gazeta exposé")
    EventFactory(title="A draft still being checked")
    response = client.get(reverse("events:event_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page
    assert "A draft still being checked" not in page


def test_an_empty_chronology_still_serves_a_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No events have been published yet" in response.content.decode()


def test_event_page_and_draft_404(client):
    published = PublishedEventFactory()
    draft = EventFactory()
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(reverse("events:event_detail", args=[draft.slug])).status_code == 404
