"""The embed framed by another origin in a real Chromium: /embed/ is shown there, every other
page is refused by the browser, and the embed's links open the full site."""

import pytest

from ..factories import CategoryFactory, PublishedEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def event():
    denials = CategoryFactory(name="Denials", slug="denials")
    return PublishedEventFactory(title="Kadyrov denies on HBO", category=denials)


def newsroom_article(page, newsroom, live_server, frames):
    """A page of another origin framing our paths."""
    assert not live_server.url.startswith(newsroom.url)
    newsroom.html = "<!doctype html><title>Article</title>" + "".join(
        f'<iframe id="{name}" src="{live_server.url}{path}" width="600" height="400"></iframe>'
        for name, path in frames.items()
    )
    refused = []
    page.on("console", lambda message: "frame" in message.text.lower()
            and refused.append(message.text))
    page.goto(f"{newsroom.url}/article", wait_until="load")
    return refused


def test_another_site_can_frame_the_embed_and_nothing_else(page, newsroom, live_server, event):
    refused = newsroom_article(page, newsroom, live_server, {
        "embed": "/embed/?category=denials",
        "chronology": "/",
        "event": event.get_absolute_url(),
    })
    embed = page.frame_locator("#embed")
    assert embed.locator(".embed-event a").inner_text() == "Kadyrov denies on HBO"
    for name in ("chronology", "event"):
        frame = page.locator(f"#{name}").content_frame
        assert frame.locator(".site-header").count() == 0, name  # refused: nothing of ours
    assert any("frame-ancestors" in message or "X-Frame-Options" in message
               for message in refused), refused


def test_the_embeds_links_open_the_full_site(page, newsroom, live_server, event, settings):
    settings.SITE_URL = live_server.url  # the links point at the site's configured address
    newsroom_article(page, newsroom, live_server, {"embed": "/embed/?category=denials"})
    with page.context.expect_page() as opened:
        page.frame_locator("#embed").locator(".embed-event a").click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url == live_server.url + event.get_absolute_url()
    assert full.locator("h1").inner_text() == "Kadyrov denies on HBO"
    assert page.url == f"{newsroom.url}/article"  # the reader keeps the article


def test_the_embeds_time_axis_opens_the_full_site_too(page, newsroom, live_server, event,
                                                     settings):
    settings.SITE_URL = live_server.url
    newsroom_article(page, newsroom, live_server, {"embed": "/embed/?category=denials"})
    with page.context.expect_page() as opened:
        page.frame_locator("#embed").locator("a.ax-period").first.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url.startswith(live_server.url + "/?category=denials&date_from=2017-04")
    assert "Kadyrov denies on HBO" in full.content()
    assert page.url == f"{newsroom.url}/article"
