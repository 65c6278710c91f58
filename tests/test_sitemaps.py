"""sitemap.xml and robots.txt: every public page, nothing else, addresses from SITE_URL."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = [pytest.mark.django_db]

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client, **headers):
    response = client.get("/sitemap.xml", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.find("s:loc", NS).text: getattr(url.find("s:lastmod", NS), "text", None)
        for url in root.findall("s:url", NS)
    }


def test_the_sitemap_lists_every_public_page_with_lastmod(client, record):
    entries = sitemap_entries(client)
    expected = {
        "http://testserver/", "http://testserver/about/", "http://testserver/places/",
        "http://testserver/actors/", "http://testserver/sources/",
        *(f"http://testserver/places/{slug}/" for slug in ("argun", "grozny", "london")),
        *(f"http://testserver{e.get_absolute_url()}"
          for e in (record.exposé_event, record.denial, record.condemnation)),
        *(f"http://testserver{a.get_absolute_url()}"
          for a in (record.kadyrov, record.survivor, record.novaya, record.government)),
        *(f"http://testserver{s.get_absolute_url()}" for s in (record.expose, record.hbo)),
        *(f"http://testserver{c.get_absolute_url()}"
          for c in (record.reporting, record.denials, record.response)),
    }
    # Each page in Russian too, under /ru/.
    russian = {url.replace("http://testserver/", "http://testserver/ru/", 1) for url in expected}
    assert set(entries) == expected | russian
    assert entries[f"http://testserver{record.denial.get_absolute_url()}"] == (
        record.denial.updated_at.date().isoformat()
    )
    assert entries[f"http://testserver{record.kadyrov.get_absolute_url()}"]


def test_the_sitemap_leaves_out_drafts_and_actors_only_drafts_name(client, record):
    text = client.get("/sitemap.xml").content.decode()
    assert record.draft.slug not in text
    assert record.draft_only.slug not in text
    assert "draft-only-place" not in text


def test_the_sitemap_never_takes_its_host_from_the_request(client, record):
    entries = sitemap_entries(client, Host="127.0.0.1", X_Forwarded_Host="evil.example")
    assert entries and all(loc.startswith("http://testserver/") for loc in entries)


def test_robots_txt_points_at_the_sitemap_and_not_at_the_admin(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "User-agent: *" in text
    assert settings.ADMIN_URL not in text
