"""Helpers bench/run.py runs inside Django, against the benchmark's database.

    python -m bench.inspect_record urls      the URLs to measure, picked from the generated data
    python -m bench.inspect_record profile   per URL: queries, SQL time, Python time, slowest
                                             query (with EXPLAIN ANALYZE on PostgreSQL)

Each prints one JSON document on stdout.
"""

import cProfile
import io
import json
import os
import pstats
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402

from events.models import Category, Event, Place, Status, Verification  # noqa: E402

# A word of the generated titles ("a secret prison") and summaries ("an unofficial prison").
SEARCH_WORDS = ["prison", "detentions", "torture", "asylum"]
PROFILE_RUNS = 5


def pick_urls():
    public = Event.objects.public()
    word = next(word for word in SEARCH_WORDS if public.search(word).exists())
    filters = None
    for category in Category.objects.annotate(n=Count("events")).order_by("-n", "slug"):
        candidate = {
            "category": category.slug,
            "verification": Verification.CORROBORATED,
            "date_from": "2017-03",
        }
        matches = public.filter_by(
            category=[category],
            verification=[Verification.CORROBORATED],
            date_from=_partial("2017-03"),
        )
        if matches.exists():
            filters = candidate
            break
    # A full event page: the first published event (by id) with statements and citations.
    event = (
        public.annotate(statement_count=Count("statements", distinct=True))
        .filter(statement_count__gte=2)
        .order_by("pk")
        .first()
    ) or public.order_by("pk").first()
    # An event page with claims: the public event with the most published claims (the page
    # shows only those), the first by id among equals.
    with_claims = (
        public.annotate(claim_count=Count(
            "claims", filter=Q(claims__status=Status.PUBLISHED), distinct=True
        ))
        .filter(claim_count__gte=1)
        .order_by("-claim_count", "pk")
        .first()
    )
    return {
        "bare": "/__bench__/bare",
        "home": "/",
        "home_search": "/?" + urlencode({"q": word}),
        "home_filters": "/?" + urlencode(filters) if filters else "/?date_from=2016",
        "event": event.get_absolute_url(),
        "event_claims": with_claims.get_absolute_url() if with_claims else None,
        "places": "/places/",
        "home_ru": "/ru/",
        "api_events": "/api/v1/events",
        "timelinejs": "/api/v1/exports/timelinejs",
        "_search_word": word,
        "_search_matches": public.search(word).count(),
        "_public_events": public.count(),
        "_public_places": Place.objects.public().count(),
        "_event_claims": with_claims.claim_count if with_claims else 0,
    }


def _partial(text):
    from events.partial_dates import PartialDate

    return PartialDate.parse(text)


@contextmanager
def timed_queries():
    """Each query's SQL (parameters filled in) and its time, to the microsecond."""
    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            text = connection.ops.last_executed_query(context["cursor"], sql, params)
            queries.append({"sql": text, "time": elapsed})

    with connection.execute_wrapper(record):
        yield queries


def python_hotspots(client, url, limit=25):
    """Where one request spends its time: the project's code and the template engine by
    cumulative time, then the busiest functions by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/events/|/template/|/forms/|ninja/", limit)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def profile(urls, slow):
    """Median of PROFILE_RUNS requests per URL; a single one for a URL known to be slow."""
    client = Client()
    results = {}
    for label, url in urls.items():
        if label.startswith("_") or not url:
            continue
        runs = 1 if label in slow else PROFILE_RUNS
        if label not in slow:
            client.get(url)  # warm: templates compiled, connection open
        timings = []
        for _ in range(runs):
            with timed_queries() as queries:
                started = time.perf_counter()
                response = client.get(url)
                total = time.perf_counter() - started
            timings.append((total, queries, response.status_code))
        total, queries, status = sorted(timings, key=lambda timing: timing[0])[runs // 2]
        sql_time = sum(float(query["time"]) for query in queries)
        slowest = max(queries, key=lambda query: float(query["time"]), default=None)
        result = {
            "status": status,
            "queries": len(queries),
            "total_ms": round(total * 1000, 2),
            "sql_ms": round(sql_time * 1000, 2),
            "python_ms": round((total - sql_time) * 1000, 2),
            "slowest_ms": round(float(slowest["time"]) * 1000, 2) if slowest else 0,
            "slowest_sql": slowest["sql"] if slowest else "",
            "queries_ms": [round(query["time"] * 1000, 2) for query in queries],
        }
        if label not in slow and label != "bare":
            result["python_hotspots"] = python_hotspots(client, url)
        if slowest and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                result["explain"] = "\n".join(row[0] for row in cursor.fetchall())
        results[label] = result
    return results


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "urls":
        json.dump(pick_urls(), sys.stdout)
    elif command == "profile":
        urls = json.loads(sys.argv[2])
        slow = set(sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[3] else set()
        json.dump(profile(urls, slow), sys.stdout)
    else:
        sys.exit(f"Unknown command {command!r}: use urls or profile.")
