"""Every fixture the tests share, and the one dataset most of them read (`record`)."""

import datetime
import json
import os
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from events.caching import forget_learned_entries
from events.listener import stop_process_listener
from events.chronology import DEFAULT_PATH
from events.models import Actor, SourceType, Status, Verification
from events.partial_dates import Precision

from .factories import (
    DRAFT_ONLY_ACTOR,
    DRAFT_QUOTE,
    DRAFT_TITLE,
    ActorFactory,
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    ClaimValueFactory,
    EventActorFactory,
    EventFactory,
    EventPlaceFactory,
    MediaOutletFactory,
    PlaceFactory,
    PublishedEventFactory,
    PublishedStatementFactory,
    SourceArticleFactory,
    StatementFactory,
)


def pytest_sessionstart(session):
    """The translation catalogues as the install step compiles them (make run does the same),
    so a changed .po file is what the tests read. Once, in the main process: pytest-xdist's
    workers start after it (its own sessionstart hook runs last)."""
    import io

    if os.environ.get("PYTEST_XDIST_WORKER"):
        return

    from django.core.management import call_command

    call_command("compile_translations", stdout=io.StringIO())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs the suite on every core with pytest-xdist. Its work units here are the
    runs of one file's tests in the order pytest-django sorts the whole collection (tests in a
    rolled-back transaction, then transactional ones, then those without a database), handed
    out in that order. A transactional test empties its worker's database when it ends, the
    groups that migrations create included, so no worker may run one before a test that needs
    them; xdist's own file scheduler keeps a file's tests together and would."""
    from xdist.scheduler import LoadScopeScheduling

    class SortedRunsScheduling(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep pytest-django's order
            self.runs = None

        def _split_scope(self, nodeid):
            if self.runs is None:  # self.collection is set before the first call
                self.runs, seen, previous = {}, {}, None
                for item in self.collection:
                    path = item.split("::", 1)[0]
                    if path != previous:
                        seen[path] = seen.get(path, -1) + 1
                        previous = path
                    self.runs[item] = f"{path}#{seen[path]}"
            return self.runs[nodeid]

    return SortedRunsScheduling(config, log)


# The precise point of a detention site as a careless source might print it: the record keeps
# only its town, rounded (43.3, 45.9), and no surface may serve these digits.
ARGUN_SITE = (43.29171, 45.87223)
ARGUN_SITE_DIGITS = ("43.29", "45.87")


@pytest.fixture
def argun_site():
    return SimpleNamespace(point=ARGUN_SITE, digits=ARGUN_SITE_DIGITS)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache, so query counts do not depend on test order and
    the API's throttle counts each test's requests from zero. (The page cache's fast path
    keeps the entries it served in the process too: tests roll the record's generation back.)
    A generation listener a test started (events/listener.py) is stopped after it, so none
    holds a connection to a test database that is about to be emptied or dropped."""
    cache.clear()
    forget_learned_entries()
    yield
    cache.clear()
    forget_learned_entries()
    stop_process_listener()


@pytest.fixture(scope="module")
def bundled(django_db_setup, django_db_blocker):
    """The bundled chronology loaded once for a module, in a transaction rolled back at its
    end; a module's tests each run in a savepoint inside it (an autouse fixture asking for
    `bundled` and `db`), as Django's TestCase.setUpTestData does."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_chronology", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def chronology_data():
    """The bundled chronology file, as read (never changed by a test)."""
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(
        username="curator", password="a long curator passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="a long editor passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def second_editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="second-editor", password="another long editor passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(editor):
    from django.test import Client

    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def record():
    """A small record: three published events, a draft, statements, a protected identity."""
    reporting = CategoryFactory(name="Reporting", slug="reporting")
    denials = CategoryFactory(name="Denials", slug="denials")
    response = CategoryFactory(name="International response", slug="international-response")
    government = ActorFactory(
        name="Government of Chechnya", slug="chechen-government", kind=Actor.Kind.GOVERNMENT
    )
    kadyrov = ActorFactory(
        name="Ramzan Kadyrov",
        slug="ramzan-kadyrov",
        aliases="Ramazan Kadyrov",
        description="Head of the Chechen Republic.",
        url="https://example.org/kadyrov",
        affiliation=government,
    )
    survivor = ActorFactory(name="Anzor", slug="anzor", protected_identity=True,
                            naming="first_name", naming_note="as the AP printed it")
    novaya = MediaOutletFactory(name="Novaya Gazeta", slug="novaya-gazeta")
    draft_only = ActorFactory(name=DRAFT_ONLY_ACTOR, slug="draft-only-person")
    expose = SourceArticleFactory(
        title="Honour killing", slug="novaya-expose", publisher=novaya,
        url="https://novayagazeta.example/expose",
        published_date=datetime.date(2017, 4, 1),
    )
    hbo = SourceArticleFactory(
        title="Real Sports interview", slug="hbo-interview",
        url="https://hbo.example/real-sports", published_date=datetime.date(2017, 7, 1),
        published_precision=Precision.MONTH, source_type=SourceType.OPINION, language="ru",
    )

    exposé_event = PublishedEventFactory(
        title="Novaya Gazeta reports the detentions",
        slug="novaya-gazeta-reports",
        summary="The newspaper reports that more than a hundred men were detained in Argun.",
        start_date=datetime.date(2017, 4, 1),
        end_date=datetime.date(2017, 4, 3),
        category=reporting,
        location="Argun, Chechnya",
        verification=Verification.CORROBORATED,
        citation__source=expose,
        citation__excerpt="more than a hundred men",
    )
    EventActorFactory(event=exposé_event, actor=novaya, role="reported")
    EventActorFactory(event=exposé_event, actor=survivor, role="detained")
    denial = PublishedEventFactory(
        title="Kadyrov denies on HBO",
        slug="kadyrov-denies-hbo",
        summary="Kadyrov tells HBO there are no such people in Chechnya.",
        start_date=datetime.date(2017, 7, 1),
        start_precision=Precision.MONTH,
        start_approximate=True,
        category=denials,
        verification=Verification.DISPUTED,
        verification_note="The date of the interview's recording is not given.",
        citation__source=hbo,
        citation__excerpt="We don't have any gays.",
    )
    EventActorFactory(event=denial, actor=kadyrov, role="denied")
    condemnation = PublishedEventFactory(
        title="Condemnation abroad",
        slug="condemnation-abroad",
        summary="Governments condemn the purge.",
        start_date=datetime.date(2017, 1, 1),
        start_precision=Precision.YEAR,
        category=response,
        citation__source=expose,
    )
    EventActorFactory(event=condemnation, actor=government, role="criticised")
    draft = EventFactory(
        title=DRAFT_TITLE, slug="draft-event", summary="Not yet checked.",
        start_date=datetime.date(2017, 5, 5), category=denials,
    )
    CitationFactory(event=draft, source=hbo)
    EventActorFactory(event=draft, actor=draft_only, role="accused")

    # Places: Argun is where the detentions were reported, a sensitive place, typed here with
    # a precise point (ARGUN_SITE) that must never be served; Grozny; London; and a place
    # only the draft names, unknown to readers.
    argun = PlaceFactory(name="Argun", slug="argun", sensitive=True, radius_km=10,
                         latitude=ARGUN_SITE[0], longitude=ARGUN_SITE[1])
    grozny = PlaceFactory(name="Grozny", slug="grozny", latitude=43.3178, longitude=45.6985,
                          aliases="Groznyy")
    london = PlaceFactory(name="London", slug="london", latitude=51.5074, longitude=-0.1278,
                          radius_km=15)
    draft_place = PlaceFactory(name="Place named only in a draft", slug="draft-only-place",
                               latitude=10.0, longitude=10.0)
    EventPlaceFactory(event=exposé_event, place=argun)
    EventPlaceFactory(event=denial, place=grozny)
    EventPlaceFactory(event=condemnation, place=london)
    EventPlaceFactory(event=draft, place=draft_place)
    EventPlaceFactory(event=draft, place=grozny)

    testimony = PublishedStatementFactory(
        quote="They beat us with pipes.", speaker=survivor, event=exposé_event,
        date=datetime.date(2017, 4, 2), venue="to Novaya Gazeta",
        citation__source=expose,
    )
    interview = PublishedStatementFactory(
        quote="We don't have any gays.", speaker=kadyrov, event=denial,
        date=datetime.date(2017, 7, 1), date_precision=Precision.MONTH, venue="HBO Real Sports",
        citation__source=hbo,
    )
    StatementFactory(quote=DRAFT_QUOTE, speaker=kadyrov, event=denial, status=Status.DRAFT)
    PublishedStatementFactory(
        quote="Words in a draft event stay unpublished.", speaker=kadyrov, event=draft,
        citation__source=hbo,
    )
    return SimpleNamespace(
        reporting=reporting, denials=denials, response=response, government=government,
        kadyrov=kadyrov, survivor=survivor, novaya=novaya, draft_only=draft_only,
        expose=expose, hbo=hbo, exposé_event=exposé_event, denial=denial,
        condemnation=condemnation, draft=draft, testimony=testimony, interview=interview,
        argun=argun, grozny=grozny, london=london, draft_place=draft_place,
    )


class FakeCDN:
    """A purge endpoint on loopback (a real HTTP server in a thread) that records every
    request it gets; `hang` makes it accept and never answer, like a CDN API that is stuck."""

    def __init__(self):
        import http.server
        import threading

        self.requests = []
        self.hang = threading.Event()
        self.release = threading.Event()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if fake.hang.is_set():
                    fake.release.wait(10)
                    return
                fake.requests.append(SimpleNamespace(
                    path=self.path, headers=dict(self.headers), body=body,
                ))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "ok"}')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def purged_tags(self):
        """Every tag purged so far, whatever the format."""
        tags = []
        for request in self.requests:
            if "Surrogate-Key" in request.headers:
                tags += request.headers["Surrogate-Key"].split()
            else:
                tags += json.loads(request.body)["tags"]
        return tags

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_cdn(settings):
    """The CDN's purge API, faked on loopback, configured as the site's purge endpoint."""
    cdn = FakeCDN()
    settings.CDN_PURGE_URL = f"{cdn.url}/service/test-service/purge"
    settings.CDN_PURGE_FORMAT = "fastly"
    settings.CDN_PURGE_TOKEN = "fake-token"
    settings.CDN_PURGE_TIMEOUT = 0.5
    yield cdn
    cdn.close()


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def replica_unavailable():
    """Why the replica tests cannot run here, or None. Under CI=true on PostgreSQL a missing
    replica is a failure (.ci/run sets one up), not a skip."""
    from django.db import connections

    if connections["default"].vendor != "postgresql":
        return "a streaming replica needs PostgreSQL (DATABASE_URL)"
    if "replica" not in connections:
        reason = ("DATABASE_REPLICA_URL is not set (.ci/replica up makes one on port 5433; "
                  "DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/postgres)")
        if IN_CI:
            pytest.fail(f"CI must run the replica tests, but {reason}")
        return reason
    return None


@pytest.fixture
def replica(settings):
    """The real streaming replica, with readers' requests routed to it (checked on every
    read), and helpers to wait for it, pause its replay and resume it."""
    from django.db import connections

    from events import replica as routing

    reason = replica_unavailable()
    if reason:
        pytest.skip(reason)
    settings.REPLICA_READS = True
    settings.REPLICA_CHECK_SECONDS = 0
    routing.forget_health()

    def run(alias, sql):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    def caught_up(timeout=15):
        target = run("default", "SELECT pg_current_wal_lsn()")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if run("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]:
                return
            time.sleep(0.05)
        pytest.fail("the replica did not catch up with the primary")

    paused = []

    def pause():
        caught_up()
        run("replica", "SELECT pg_wal_replay_pause()")
        paused.append(True)

    def resume():
        run("replica", "SELECT pg_wal_replay_resume()")
        paused.clear()
        caught_up()

    yield SimpleNamespace(run=run, caught_up=caught_up, pause=pause, resume=resume)
    if paused:
        run("replica", "SELECT pg_wal_replay_resume()")
    routing.forget_health()


def _free_ports(count):
    """Ports nothing listens on now, chosen by the system: two test workers (pytest-xdist)
    may each start servers at the same time."""
    import socket

    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return tuple(probe.getsockname()[1] for probe in probes)
    finally:
        for probe in probes:
            probe.close()


@pytest.fixture
def app_servers(tmp_path):
    """Two gunicorn app servers (on free ports) on this test's PostgreSQL database,
    sharing one Redis for their page cache, as docs/deployment.md scales out."""
    import subprocess
    import sys
    import urllib.request
    import uuid

    from django.conf import settings
    from django.db import connections

    if connections["default"].vendor != "postgresql":
        pytest.skip("other processes cannot see an SQLite test database (needs DATABASE_URL)")
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except Exception as error:  # noqa: BLE001 (any failure means: no Redis to share)
        if IN_CI:
            pytest.fail(f"CI must run the shared-Redis test, but Redis is not answering: {error}")
        pytest.skip(f"Redis is not answering on 127.0.0.1:6379 ({error})")
    database = connections["default"].settings_dict
    prefix = f"app-servers-test-{uuid.uuid4().hex}"
    ports = _free_ports(2)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                        f"{database['NAME']}",
        "DJANGO_CACHE_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_CACHE_KEY_PREFIX": prefix,
        "DJANGO_PAGE_CACHE_SECONDS": "600",
        "DJANGO_SITE_URL": f"http://127.0.0.1:{ports[0]}",
        "DJANGO_API_THROTTLE_RATE": "",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    servers, logs = [], []
    for port in ports:
        log = open(tmp_path / f"gunicorn-{port}.log", "wb")  # noqa: SIM115
        logs.append(log)
        servers.append(subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "timeline.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "30"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        ))
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"gunicorn on {port} did not start: "
                                    + (tmp_path / f"gunicorn-{port}.log").read_text())
                    time.sleep(0.2)
        yield SimpleNamespace(ports=ports, cache_prefix=prefix)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        for log in logs:
            log.close()
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


DRAFT_CLAIM = "A question still in draft?"
DRAFT_EVENT_CLAIM = "A question only a draft event has?"


@pytest.fixture
def claims(record):
    """Claims on the shared record: a dispute (two sources, two figures) and a development
    (one prison, then six, the later superseding the earlier) on the exposé; a draft claim on
    it and a published claim of the draft event only, which no public surface may show."""
    detained = ClaimFactory(
        question="How many men were detained?", slug="men-detained", headline=True, order=1,
        events=[record.exposé_event], conclusion="One figure in different words.",
    )
    newspaper = ClaimValueFactory(
        claim=detained, source=record.expose, value="more than a hundred",
        relies_on="police sources", excerpt="more than a hundred men", is_summary=False,
    )
    television = ClaimValueFactory(
        claim=detained, source=record.hbo, value="several dozen", is_summary=True,
        excerpt="The programme says several dozen men were held.",
    )
    prisons = ClaimFactory(
        question="How many secret prisons?", slug="secret-prisons", headline=True, order=2,
        events=[record.exposé_event, record.denial],
    )
    one = ClaimValueFactory(claim=prisons, source=record.expose, value="one")
    six = ClaimValueFactory(claim=prisons, source=record.hbo, value="at least six",
                            supersedes=one)
    draft = ClaimFactory(question=DRAFT_CLAIM, slug="draft-claim", status=Status.DRAFT,
                         events=[record.exposé_event], headline=True)
    ClaimValueFactory(claim=draft, source=record.expose, value="unchecked figure")
    of_draft_event = ClaimFactory(question=DRAFT_EVENT_CLAIM, slug="draft-event-claim",
                                  events=[record.draft], headline=True)
    ClaimValueFactory(claim=of_draft_event, source=record.hbo, value="hidden figure")
    return SimpleNamespace(detained=detained, newspaper=newspaper, television=television,
                           prisons=prisons, one=one, six=six, draft=draft,
                           of_draft_event=of_draft_event)
