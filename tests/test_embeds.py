"""/embed/ (the only framable page), the oEmbed provider and the "Embed this view" snippet."""

import json
from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.django_db]


def test_the_embed_shows_the_filtered_chronology_linking_to_the_full_site(client, record):
    response = client.get("/embed/", {"category": "denials"})
    assert response.status_code == 200
    page = response.content.decode()
    assert record.denial.title in page
    assert record.exposé_event.title not in page
    assert f'href="http://testserver{record.denial.get_absolute_url()}"' in page
    assert '<base target="_blank">' in page
    assert 'href="http://testserver/?category=denials"' in page
    assert record.draft.title not in client.get("/embed/").content.decode()


def test_only_the_embed_may_be_framed(client, record):
    embed = client.get("/embed/")
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    for path in ("/", record.denial.get_absolute_url(), "/about/", "/oembed?url=x",
                 "/sitemap.xml"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path
        assert response["X-Frame-Options"] == "DENY", path


def test_the_embed_is_framable_from_the_page_cache_too(client, record, settings):
    settings.PAGE_CACHE_SECONDS = 600
    client.get("/embed/")
    cached = client.get("/embed/")
    assert "frame-ancestors *" in cached["Content-Security-Policy"]
    assert "X-Frame-Options" not in cached
    page = client.get("/")
    assert page["X-Frame-Options"] == "DENY"


def test_bad_filters_in_an_embed_are_a_400_with_the_message(client, record):
    response = client.get("/embed/", {"date_from": "April the first"})
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()


def test_the_embed_has_a_constant_number_of_queries(client, record, django_assert_num_queries):
    with django_assert_num_queries(3):  # the category's slug, the events, the axis
        client.get("/embed/", {"category": "denials"})


def test_the_embed_draws_the_axis_whose_periods_open_the_full_site(client, record):
    page = client.get("/embed/", {"category": "denials"}).content.decode()
    assert '<figure class="axis"' in page
    assert 'href="http://testserver/?category=denials&amp;date_from=2017-07' in page
    assert "hx-get" not in page


@pytest.mark.parametrize("page_url, filters", [
    ("http://testserver/?category=denials&page=2", "category=denials"),
    ("http://testserver/categories/denials/", "category=denials"),
    ("http://testserver/actors/ramzan-kadyrov/", "actor=ramzan-kadyrov"),
    ("http://testserver/", ""),
])
def test_oembed_answers_a_rich_iframe_of_the_view(client, record, page_url, filters):
    response = client.get("/oembed", {"url": page_url, "maxwidth": "500"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    answer = json.loads(response.content)
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["width"] == 500 and answer["height"] == 600
    src = "http://testserver/embed/" + (f"?{filters}" if filters else "")
    assert f'<iframe src="{src}" width="500" height="600"' in answer["html"]


@pytest.mark.parametrize("query, status, message", [
    ("", 400, "Give the address"),
    ("url=https://evil.example/", 404, "Only addresses on http://testserver"),
    ("url=http://testserver.evil.example/", 404, "Only addresses on"),
    ("url=http://testserver/no/such/page/", 404, "There is no page"),
    ("url=http://testserver/about/", 404, "Only the chronology"),
    ("url=" + quote("http://testserver/?date_from=soon"), 400, "cannot be used"),
    ("url=" + quote("http://testserver/?category=nope"), 400, "cannot be used"),
    ("url=http://testserver/&maxwidth=wide", 400, "whole number"),
    ("url=http://testserver/&maxheight=10", 400, "at least"),
    ("url=http://testserver/&format=xml", 501, "format=json"),
    ("url=" + "x" * 3000, 400, "too long"),
])
def test_oembed_refuses_what_it_cannot_embed_with_a_message(client, record, query, status,
                                                            message):
    response = client.get("/oembed?" + query)
    assert response.status_code == status
    assert message in json.loads(response.content)["detail"]


def test_pages_offer_oembed_discovery_and_the_snippet_for_their_filters(client, record):
    page = client.get("/", {"category": "denials", "q": "HBO"}).content.decode()
    assert ('<link rel="alternate" type="application/json+oembed" href="http://testserver/'
            'oembed?url=http%3A%2F%2Ftestserver%2F%3Fcategory%3Ddenials%26q%3DHBO&amp;'
            'format=json"') in page
    assert "Embed this view" in page
    assert ("&lt;iframe src=&quot;http://testserver/embed/?category=denials&amp;amp;q=HBO"
            "&quot;") in page
    category = client.get(record.denials.get_absolute_url()).content.decode()
    assert "application/json+oembed" in category
    fragment = client.get("/", {"q": "HBO"}, headers={"HX-Request": "true"}).content.decode()
    assert "embed/?q=HBO" in fragment  # the snippet follows the filters as they change
