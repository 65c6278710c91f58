"""The static mirror: a complete, self-contained, verifiable copy of the public site.

`export_site` renders every public page through the site itself (an anonymous in-process
client, so a mirror shows exactly what readers see and nothing more), starting from every
section of the site map (events/sitemaps.py) plus the fixed pages: the chronology, the about
page, the chronology per month and per category (a static host has no query strings), the
exports and the feed. It follows the links of what it renders, so pagination and each view's
CSV come along; a link to something a static host cannot serve (a free filter, the API docs)
points at the live site instead. Links between mirrored files are made relative and name
their `index.html`, so the copy works from a folder, a zip file or any static host. The
mirror holds the site in every language: the Russian pages under ru/, as on the site, and the
Russian exports (`?lang=ru`) in a `ru` folder beside the English ones.

`MANIFEST.sha256` lists every file with its SHA-256 (the format `sha256sum -c` checks), and
can be signed with an SSH key (`ssh-keygen -Y sign`, checked with `ssh-keygen -Y verify`;
docs/mirrors.md). `check_links` and `check_manifest` are what `manage.py check_mirror` runs.
"""

import hashlib
import html
import json
import posixpath
import re
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from .languages import DEFAULT, LANGUAGE_CODES, PREFIXED, language_of_path
from .models import Category, Event, RecordState
from .sitemaps import SECTIONS

MANIFEST = "MANIFEST.sha256"
SIGNATURE = MANIFEST + ".sig"
INFO = "mirror.json"
SIGNATURE_NAMESPACE = "chronology-mirror"
MONTH = re.compile(r"^\d{4}-\d{2}$")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
ATTRIBUTE = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')
TAG = re.compile(r"<(?:a|link|script|img|iframe|form|source)\b[^>]*>", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
HTMX_ATTRIBUTE = re.compile(r'\shx-[a-z-]+="[^"]*"')
FILTER_FORM = re.compile(r'<form class="filters".*?</form>', re.DOTALL)
EXTENSIONS = {"text/html": "html", "application/atom+xml": "xml", "application/xml": "xml",
              "text/xml": "xml", "application/json": "json", "text/csv": "csv"}


class ExportError(Exception):
    pass


def view_directory(query):
    """The folder that stands for a query string on a static host, or None when a static
    host cannot offer that view. Empty values are ignored, as the filter form sends them."""
    pairs = [(key, value) for key, value in parse_qsl(query) if value]
    params = dict(pairs)
    if len(params) != len(pairs):
        return None  # several categories at once, say: a free filter
    parts = []
    language = params.pop("lang", None)  # an export in another language than the default
    if language is not None:
        if language not in PREFIXED:
            return None
        parts.append(language)
    month = params.pop("date_from", None)
    if month is not None:
        if params.pop("date_to", None) != month or not MONTH.match(month):
            return None
        parts.append(f"chronology/{month}")
    category = params.pop("category", None)
    if category is not None:
        if parts or not SLUG.match(category):
            return None
        parts.append(f"chronology/category/{category}")
    for name in ("page", "offset", "limit"):  # pagination of pages and of the exports
        value = params.pop(name, None)
        if value is not None:
            if not value.isdigit():
                return None
            if not (name == "page" and int(value) == 1):  # page 1 is the view itself
                parts.append(f"{name}-{int(value)}")
    if params:
        return None
    return "/".join(parts)


def local_file(path, query, content_type="text/html"):
    """The mirror's file for a site path and query string; None if it cannot be mirrored."""
    folder = view_directory(query)
    if folder is None or ".." in path.split("/"):
        return None
    directory, name = posixpath.split(path.lstrip("/"))
    if not name:
        name = "index." + EXTENSIONS.get(content_type.split(";")[0].strip(), "html")
    elif "." not in name:
        name += "." + EXTENSIONS.get(content_type.split(";")[0].strip(), "bin")
    return posixpath.normpath(posixpath.join(directory, folder, name)).lstrip("./") or name


def seeds():
    """The site paths every mirror starts from, in every language."""
    paths = []
    months = list(Event.objects.public().dates("start_date", "month"))
    slugs = list(Category.objects.order_by("slug").values_list("slug", flat=True))
    for language in LANGUAGE_CODES:
        with translation.override(language):
            paths += _seeds(months, slugs, language)
    return list(dict.fromkeys(paths))


def _seeds(months, slugs, language):
    paths = [reverse("events:event_list"), reverse("events:about")]
    for section in SECTIONS.values():
        sitemap = section()
        paths += [sitemap.location(item) for item in sitemap.items()]
    chronology = reverse("events:event_list")
    for month in months:
        key = month.strftime("%Y-%m")
        paths.append(f"{chronology}?{urlencode({'date_from': key, 'date_to': key})}")
    for slug in slugs:
        paths.append(f"{chronology}?{urlencode({'category': slug})}")
    # The exports (under /api/, outside the language prefix) say their language by ?lang=.
    in_language = "" if language == DEFAULT else f"?{urlencode({'lang': language})}"
    paths += [
        reverse("api-1:export_events_csv") + in_language,
        reverse("api-1:export_timelinejs") + in_language,
        reverse("feed"),
    ]
    return paths


class Exporter:
    def __init__(self, target):
        self.target = Path(target)
        self.site = urlsplit(settings.SITE_URL)
        self.client = Client()
        self.files = {}  # site path?query -> mirror file (None: not mirrorable)
        self.problems = []
        self.filters = {}  # language -> the static filters (static_filters)

    def run(self):
        if self.target.exists() and any(self.target.iterdir()):
            raise ExportError(f"{self.target} is not empty: export into a new folder.")
        self.target.mkdir(parents=True, exist_ok=True)
        pages, queue, seen = {}, deque(seeds()), set()
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            fetched = self.fetch(url)
            if fetched is None:
                continue
            name, content_type, body = fetched
            if content_type.startswith("text/html"):
                pages[name] = (url, body.decode())
                queue.extend(self.internal_links(url, body.decode()))
            elif content_type.startswith("text/css"):
                pages[name] = (url, body.decode())
                queue.extend(self.css_links(url, body.decode()))
            else:
                self.write(name, body)
        for name, (url, text) in pages.items():
            if name.endswith(".css"):
                self.write(name, self.rewrite_css(name, url, text).encode())
            else:
                self.write(name, self.rewrite_html(name, url, text).encode())
        self.write(INFO, json.dumps({
            "site": settings.SITE_URL,
            "record_generation": RecordState.objects.generation(),
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "files": len(self.files_written()) + 1,
        }, indent=2).encode())
        write_manifest(self.target)
        return self

    def files_written(self):
        return [path for path in self.target.rglob("*") if path.is_file()]

    def split(self, url):
        """(path, query) of an address on this site, or None for another site's."""
        parts = urlsplit(url)
        if parts.scheme and (parts.scheme, parts.netloc) != (self.site.scheme, self.site.netloc):
            return None
        if parts.scheme not in ("", "http", "https"):
            return None
        return parts.path or "/", parts.query

    def fetch(self, url):
        path, query = self.split(url)
        if path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/")
                           else "/" + settings.STATIC_URL):
            return self.fetch_static(url, path)
        response = self.client.get(
            path, dict(parse_qsl(query)), headers={"host": self.site.netloc},
            secure=self.site.scheme == "https",
        )
        if response.status_code != 200:
            self.problems.append(f"{url}: HTTP {response.status_code}")
            self.files[url] = None
            return None
        content_type = response.get("Content-Type", "text/html")
        name = local_file(path, query, content_type)
        self.files[url] = name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        return name, content_type, body

    def fetch_static(self, url, path):
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        name = path[len(static_prefix):]
        body = None
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as file:
                body = file.read()
        else:
            found = finders.find(name)
            if found:
                body = Path(found).read_bytes()
        if body is None:
            self.problems.append(f"{url}: static file not found")
            self.files[url] = None
            return None
        local = path.lstrip("/")
        self.files[url] = local
        content_type = "text/css" if name.endswith(".css") else "application/octet-stream"
        return local, content_type, body

    def mirrorable(self, url):
        split = self.split(url)
        if split is None:
            return False
        path, query = split
        if path.startswith("/" + settings.ADMIN_URL.lstrip("/")):
            return False
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static_prefix):
            return not query
        if path.startswith("/api/") and not path.startswith("/api/v1/exports/"):
            return False
        if path.startswith(reverse("events:embed")) or path == reverse("events:oembed"):
            return False
        return view_directory(query) is not None

    def internal_links(self, page_url, text):
        for tag in TAG.findall(text):
            if _keeps_absolute(tag):
                continue
            for attribute, value, _ in ATTRIBUTE.findall(tag):
                if "action" in attribute:
                    continue  # a form's target is not a page: it stays on the live site
                target = urljoin(page_url, html.unescape(value)).split("#")[0]
                if target and self.mirrorable(target):
                    yield self.site_relative(target)

    def css_links(self, css_url, text):
        for _, value in CSS_URL.findall(text):
            if not value.startswith("data:"):
                target = urljoin(css_url, value).split("#")[0]
                if self.mirrorable(target):
                    yield self.site_relative(target)

    def site_relative(self, url):
        path, query = self.split(url)
        return path + (f"?{query}" if query else "")

    def rewrite_html(self, name, page_url, text):
        # The static filters in the page's own language, linking its own language's views.
        language = language_of_path(urlsplit(page_url).path)
        text = FILTER_FORM.sub(lambda _: self.static_filters(language), text)
        text = HTMX_ATTRIBUTE.sub("", text)
        return TAG.sub(lambda match: self.rewrite_tag(name, page_url, match.group(0)), text)

    def rewrite_tag(self, name, page_url, tag):
        if _keeps_absolute(tag):
            return tag

        def rewrite(match):
            value = html.unescape(match.group(2))
            if value.startswith(("#", "mailto:", "data:")) or not value:
                return match.group(0)
            target, _, fragment = urljoin(page_url, value).partition("#")
            if "action" in match.group(1):
                split = self.split(target)
                new = None if split is None else settings.SITE_URL + self.site_relative(target)
            else:
                new = self.link(name, target)
            if new is None:
                return match.group(0)
            return match.group(1) + html.escape(new + (f"#{fragment}" if fragment else "")) \
                + match.group(3)

        return ATTRIBUTE.sub(rewrite, tag)

    def link(self, from_file, target):
        """A link from a mirror file to a site address: relative to the mirrored file, or
        the live site's absolute address for what the mirror does not hold."""
        split = self.split(target)
        if split is None:
            return None  # another site's: unchanged
        key = self.site_relative(target)
        local = self.files.get(key)
        if local is None:
            return settings.SITE_URL + key
        return posixpath.relpath(local, posixpath.dirname(from_file) or ".")

    def rewrite_css(self, name, css_url, text):
        def rewrite(match):
            quote, value = match.groups()
            if value.startswith("data:"):
                return match.group(0)
            new = self.link(name, urljoin(css_url, value))
            return f"url({quote}{new or value}{quote})"

        return CSS_URL.sub(rewrite, text)

    def static_filters(self, language=DEFAULT):
        """What the filter form becomes on a static host: the month and category views, in
        the page's language (rendered once per language)."""
        if language not in self.filters:
            with translation.override(language):
                self.filters[language] = self._static_filters()
        return self.filters[language]

    def _static_filters(self):
        chronology = reverse("events:event_list")
        months = [
            (formats.date_format(month, "YEAR_MONTH_FORMAT"),
             f"{chronology}?{urlencode({'date_from': month.strftime('%Y-%m'), 'date_to': month.strftime('%Y-%m')})}")
            for month in Event.objects.public().dates("start_date", "month")
        ]
        categories = [
            (category.name, f"{chronology}?{urlencode({'category': category.slug})}")
            for category in Category.objects.order_by("name")
        ]
        return render_to_string("events/mirror_filters.html", {
            "months": months, "categories": categories, "site_url": settings.SITE_URL,
        })

    def write(self, name, body):
        path = self.target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def _keeps_absolute(tag):
    # The canonical address and the oEmbed discovery link name the live site on purpose.
    return 'rel="canonical"' in tag or "json+oembed" in tag


def export_site(target):
    return Exporter(target).run()


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def mirror_files(root):
    root = Path(root)
    return sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*")
        if path.is_file() and path.name not in (MANIFEST, SIGNATURE)
    )


def write_manifest(root):
    root = Path(root)
    lines = [f"{sha256(root / name)}  {name}\n" for name in mirror_files(root)]
    (root / MANIFEST).write_text("".join(lines), encoding="utf-8")


def check_manifest(root):
    """Problems with a mirror's files against its manifest: changed, missing or unlisted."""
    root = Path(root)
    manifest = root / MANIFEST
    if not manifest.exists():
        return [f"{MANIFEST} is missing"]
    listed, problems = {}, []
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64:
            problems.append(f"{MANIFEST} line {number} is malformed")
            continue
        listed[name] = digest
    for name, digest in listed.items():
        path = root / name
        if ".." in Path(name).parts or not path.is_file():
            problems.append(f"{name}: listed but missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: changed (SHA-256 differs from the manifest)")
    problems += [f"{name}: not in the manifest" for name in mirror_files(root)
                 if name not in listed]
    return problems


def sign_manifest(root, key_file):
    """Sign MANIFEST.sha256 with an SSH private key (`ssh-keygen -Y sign`)."""
    root = Path(root)
    subprocess.run(  # noqa: S603
        ["ssh-keygen", "-q", "-Y", "sign", "-f", str(key_file), "-n", SIGNATURE_NAMESPACE,
         str(root / MANIFEST)],
        check=True, capture_output=True, timeout=60,
    )
    return root / SIGNATURE


def check_signature(root, allowed_signers, identity):
    """Problems with the manifest's signature (`ssh-keygen -Y verify`); [] when it holds."""
    root = Path(root)
    if not (root / SIGNATURE).exists():
        return [f"{SIGNATURE} is missing"]
    with open(root / MANIFEST, "rb") as manifest:
        result = subprocess.run(  # noqa: S603
            ["ssh-keygen", "-Y", "verify", "-f", str(allowed_signers), "-I", identity,
             "-n", SIGNATURE_NAMESPACE, "-s", str(root / SIGNATURE)],
            stdin=manifest, capture_output=True, timeout=60, check=False,
        )
    if result.returncode != 0:
        return [f"signature does not verify: {result.stderr.decode().strip() or result.returncode}"]
    return []


LINK_ATTRIBUTE = re.compile(r'\s(?:href|src|action)="([^"]*)"')
ID_ATTRIBUTE = re.compile(r'\sid="([^"]*)"')


def check_links(root):
    """Every internal link of a mirror (HTML attributes, CSS url()) that leads nowhere:
    a missing file, or a #fragment the target page does not have. Links to other sites
    (absolute addresses) are not followed."""
    root = Path(root).resolve()
    broken, ids = [], {}

    def ids_of(path):
        if path not in ids:
            ids[path] = set(ID_ATTRIBUTE.findall(path.read_text(encoding="utf-8")))
        return ids[path]

    for path in sorted(root.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8")
        values = (LINK_ATTRIBUTE.findall(text) if path.suffix == ".html"
                  else [value for _, value in CSS_URL.findall(text)])
        for raw in values:
            value = html.unescape(raw)
            if not value or urlsplit(value).scheme or value.startswith("//"):
                continue
            address, _, fragment = value.partition("#")
            address = address.split("?")[0]
            target = (path.parent / address).resolve() if address else path
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(root)}: {value}"
            if root not in target.parents or not target.is_file():
                broken.append(where)
            elif fragment and target.suffix == ".html" and fragment not in ids_of(target):
                broken.append(where + " (no such fragment)")
    return broken
