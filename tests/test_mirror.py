"""The static mirror: complete, relative, verifiable, and no more public than the site."""

import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from events import mirror

from .factories import DRAFT_ONLY_ACTOR, DRAFT_QUOTE, DRAFT_TITLE, PublishedEventFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def exported(record, tmp_path):
    target = tmp_path / "mirror"
    call_command("export_site", str(target))
    return target


def text_of(root):
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in root.rglob("*") if path.is_file()
    }


def test_a_fresh_export_has_every_page_and_no_broken_link(exported, record):
    files = text_of(exported)
    expected = [
        "index.html", "about/index.html",
        f"events/{record.denial.slug}/index.html",
        f"actors/{record.kadyrov.slug}/index.html", f"actors/{record.survivor.slug}/index.html",
        f"sources/{record.hbo.slug}/index.html",
        f"categories/{record.denials.slug}/index.html",
        "chronology/2017-04/index.html", "chronology/2017-07/index.html",
        "chronology/category/denials/index.html",
        "api/v1/exports/events.csv", "api/v1/exports/timelinejs.json", "feed/index.xml",
        "static/css/site.css", "mirror.json", mirror.MANIFEST,
    ]
    for name in expected:
        assert name in files, name
    assert mirror.check_links(exported) == []
    assert mirror.check_manifest(exported) == []
    month = files["chronology/2017-04/index.html"]
    assert record.exposé_event.title in month and record.denial.title not in month
    category = files["chronology/category/denials/index.html"]
    assert record.denial.title in category and record.exposé_event.title not in category


def test_links_are_relative_and_name_their_files(exported, record):
    files = text_of(exported)
    page = files[f"events/{record.denial.slug}/index.html"]
    assert 'href="../../static/css/site.css"' in page
    assert f'href="../../categories/{record.denials.slug}/index.html"' in page
    assert 'href="../../index.html"' in page
    # The canonical address still names the live site.
    assert f'<link rel="canonical" href="http://testserver/events/{record.denial.slug}/">' in page
    for name, text in files.items():
        if name.endswith(".html"):
            assert 'href="/' not in text and 'src="/' not in text, name
            assert "hx-get" not in text, name


def test_the_filter_form_becomes_links_to_the_static_views(exported):
    index = text_of(exported)["index.html"]
    assert '<form class="filters"' not in index
    assert 'href="chronology/2017-04/index.html">April 2017</a>' in index
    assert 'href="chronology/category/denials/index.html">Denials</a>' in index


def test_pagination_is_mirrored(record, tmp_path):
    for number in range(30):
        PublishedEventFactory(title=f"Protest number {number}", category=record.response)
    target = tmp_path / "mirror"
    call_command("export_site", str(target))
    files = text_of(target)
    assert "page-2/index.html" in files
    assert 'href="page-2/index.html"' in files["index.html"]
    assert "chronology/category/international-response/page-2/index.html" in files
    assert mirror.check_links(target) == []


def test_nobody_is_more_identifiable_in_the_mirror_than_on_the_site(exported, record,
                                                                     argun_site):
    files = text_of(exported)
    assert "places/argun/index.html" in files and "places/index.html" in files
    assert "draft-only-place" not in " ".join(files)
    for name, text in files.items():
        for digits in argun_site.digits:  # a sensitive place's precise point
            assert digits not in text, (name, digits)
        for secret in (DRAFT_TITLE, DRAFT_QUOTE, DRAFT_ONLY_ACTOR, record.draft.slug,
                       "draft-only-person", "Place named only in a draft"):
            assert secret not in text, (name, secret)
    survivor = text_of(exported)[f"actors/{record.survivor.slug}/index.html"]
    assert "Anzor (first name only, as the AP printed it)" in survivor
    assert not any(name.startswith(("admin", "api/v1/actors")) for name in text_of(exported))


def test_the_link_checker_finds_broken_links_and_fragments(exported, record):
    page = exported / "about" / "index.html"
    page.write_text(page.read_text() + '<a href="../events/gone/index.html">x</a>'
                    '<a href="../index.html#no-such-id">y</a><img src="../static/none.png">')
    broken = mirror.check_links(exported)
    assert broken == [
        "about/index.html: ../events/gone/index.html",
        "about/index.html: ../index.html#no-such-id (no such fragment)",
        "about/index.html: ../static/none.png",
    ]


def test_the_manifest_catches_changed_missing_and_added_files(exported, record):
    (exported / "index.html").write_text("<p>Defaced</p>")
    (exported / "about" / "index.html").unlink()
    (exported / "extra.html").write_text("<p>Not ours</p>")
    assert mirror.check_manifest(exported) == [
        "about/index.html: listed but missing",
        "index.html: changed (SHA-256 differs from the manifest)",
        "extra.html: not in the manifest",
    ]
    with pytest.raises(CommandError):
        call_command("check_mirror", str(exported))


def test_sha256sum_verifies_the_manifest(exported):
    result = subprocess.run(["sha256sum", "--check", "--quiet", mirror.MANIFEST],
                            cwd=exported, capture_output=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def signing_key(tmp_path):
    if not shutil.which("ssh-keygen"):
        pytest.skip("ssh-keygen is not installed")
    key = tmp_path / "mirror_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mirror",
                    "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"mirror@chronology {(tmp_path / 'mirror_key.pub').read_text()}")
    return key, allowed


def test_a_signed_export_verifies_and_a_forged_manifest_does_not(record, tmp_path,
                                                                 signing_key):
    key, allowed = signing_key
    target = tmp_path / "signed"
    call_command("export_site", str(target), sign_key=str(key))
    assert (target / mirror.SIGNATURE).exists()
    call_command("check_mirror", str(target), allowed_signers=str(allowed),
                 identity="mirror@chronology")
    assert mirror.check_signature(target, allowed, "someone@else") != []
    # A forger who changes a page and rewrites the manifest cannot make the signature fit.
    (target / "index.html").write_text("<p>Defaced</p>")
    mirror.write_manifest(target)
    assert mirror.check_manifest(target) == []
    assert mirror.check_signature(target, allowed, "mirror@chronology") != []


def test_export_refuses_a_folder_with_something_in_it(record, tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_site", str(tmp_path))
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize("query, folder", [
    ("", ""),
    ("page=1", ""),
    ("page=3", "page-3"),
    ("date_from=2017-04&date_to=2017-04", "chronology/2017-04"),
    ("date_to=2017-04&date_from=2017-04&page=2&q=", "chronology/2017-04/page-2"),
    ("category=denials", "chronology/category/denials"),
    ("category=denials&category=reporting", None),
    ("date_from=2017-04&date_to=2017-05", None),
    ("date_from=2017-04-01&date_to=2017-04-01", None),
    ("q=Kadyrov", None),
    ("category=../../etc", None),
    ("page=two", None),
])
def test_only_views_a_static_host_can_serve_get_a_folder(query, folder):
    assert mirror.view_directory(query) == folder
