"""Sharing and citing (issue 15): a canonical address and OpenGraph/Twitter card tags on every
page, and a plain link to every event."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PAGES = {
    "/": ("Chechnya 2017: a documented chronology", "website"),
    "/events/kadyrov-denies-hbo/": ("Kadyrov denies on HBO", "article"),
    "/actors/ramzan-kadyrov/": ("Ramzan Kadyrov", "website"),
    "/sources/novaya-expose/": ("Honour killing", "website"),
    "/categories/reporting/": ("Reporting", "website"),
    "/about/": ("About this chronology and how it is made", "website"),
}


def meta(html, attribute, name):
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert len(found) == 1, (name, found)
    return found[0]


def canonical(html):
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_canonical_address_and_card_tags(client, record, path):
    title, kind = PAGES[path]
    html = client.get(path).content.decode()
    assert canonical(html) == settings.SITE_URL + path
    assert meta(html, "property", "og:url") == settings.SITE_URL + path
    assert meta(html, "property", "og:title") == title
    assert meta(html, "property", "og:type") == kind
    assert meta(html, "property", "og:description")
    assert meta(html, "property", "og:site_name") == "Chechnya 2017: a documented chronology"
    assert meta(html, "name", "twitter:card") == "summary"
    assert meta(html, "name", "twitter:title") == title


def test_the_chronologys_canonical_address_is_its_view(client, record):
    html = client.get("/", {"category": ["denials", "reporting"], "q": "", "utm_source": "x",
                            "page": "1"}, HTTP_HOST="localhost").content.decode()
    # The filters and the page choose what it shows; empty fields and anything else do not.
    # Built from DJANGO_SITE_URL, never from the Host the request named.
    assert canonical(html) == f"{settings.SITE_URL}/?category=denials&amp;category=reporting"
    # Shared, it says what the view holds.
    assert meta(html, "property", "og:description") == "2 events from April to July 2017, 1 of them in April."


def test_an_invalid_filter_is_never_repeated_in_the_address(client, record):
    response = client.get("/", {"actor": "a-withdrawn-name", "category": "denials"})
    assert response.status_code == 400
    assert canonical(response.content.decode()) == f"{settings.SITE_URL}/"


def test_the_page_number_is_part_of_the_address(client, record):
    html = client.get("/actors/ramzan-kadyrov/", {"page": "1", "x": "y"}).content.decode()
    assert canonical(html) == settings.SITE_URL + "/actors/ramzan-kadyrov/"
    html = client.get("/", {"page": "1"}).content.decode()
    assert canonical(html) == settings.SITE_URL + "/"


def test_an_event_page_ignores_the_chronologys_filters_in_its_address(client, record):
    html = client.get("/events/kadyrov-denies-hbo/", {"category": "denials"}).content.decode()
    assert canonical(html) == settings.SITE_URL + "/events/kadyrov-denies-hbo/"


def test_a_missing_page_has_no_canonical_address(client, record):
    response = client.get("/events/no-such-event/")
    assert response.status_code == 404
    assert canonical(response.content.decode()) is None


def test_every_event_has_a_plain_link_to_it(client, record):
    html = client.get("/").content.decode()
    links = re.findall(r'<a href="([^"]*)" aria-describedby="title-[^"]*">Link to this event</a>',
                       html)
    assert links == ["/events/novaya-gazeta-reports/", "/events/kadyrov-denies-hbo/",
                     "/events/condemnation-abroad/"]
    html = client.get("/events/kadyrov-denies-hbo/").content.decode()
    url = settings.SITE_URL + "/events/kadyrov-denies-hbo/"
    assert f'Link to this event: <a href="{url}">{url}</a>' in html
