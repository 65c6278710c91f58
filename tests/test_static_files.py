"""Static files in production: fingerprinted names, pre-compressed, cached for good."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        # The admin's and ninja's files are theirs; compressing them only costs time here.
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["admin", "ninja"])
    return root


def test_collectstatic_fingerprints_and_compresses(collected):
    css = [path.name for path in (collected / "css").iterdir()]
    hashed = [name for name in css if name.startswith("site.") and name.endswith(".css")
              and name != "site.css"]
    assert hashed, css
    assert f"{hashed[0]}.gz" in css and f"{hashed[0]}.br" in css
    js = [path.name for path in (collected / "js").iterdir()]
    assert any(name.startswith("htmx-2.0.11.min.") and name.endswith(".js.br") for name in js)


def test_the_first_load_of_the_page_is_small(collected):
    """The stylesheet and scripts a first visit downloads, compressed, leave room for HTML
    within 60 KB (the HTML itself is measured by make bench)."""
    assets = [
        min((collected / folder).glob(f"{stem}.*.{ext}.br"), key=lambda p: len(p.name))
        for folder, stem, ext in [("css", "site", "css"), ("js", "htmx-2.0.11.min", "js"),
                                  ("js", "timeline", "js")]
    ]
    total = sum(path.stat().st_size for path in assets)
    assert total < 30_000, {path.name: path.stat().st_size for path in assets}
