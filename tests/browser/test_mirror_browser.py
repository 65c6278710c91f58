"""A static mirror opened from a folder (file://) in Chromium: styled, and its links work."""

import pytest
from django.core.management import call_command

from ..factories import CategoryFactory, PublishedEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_mirror_works_from_a_folder(page, tmp_path):
    denials = CategoryFactory(name="Denials", slug="denials")
    event = PublishedEventFactory(title="Kadyrov denies on HBO", category=denials)
    call_command("export_site", str(tmp_path / "mirror"))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto((tmp_path / "mirror" / "index.html").as_uri())
    # The stylesheet loaded: the header has its dark background.
    background = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(28, 28, 30)"
    page.get_by_role("link", name="Denials").first.click()
    assert page.url.endswith("/mirror/chronology/category/denials/index.html")
    page.get_by_role("link", name="Kadyrov denies on HBO").first.click()
    assert page.url.endswith(f"/mirror/events/{event.slug}/index.html")
    assert page.locator("h1").inner_text() == "Kadyrov denies on HBO"
    assert failed == []
