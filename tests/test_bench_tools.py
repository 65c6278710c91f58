"""The benchmark's own helpers (bench/lighthouse.py, bench/minimal/): what `make bench` reads
from a Lighthouse report, the budgets it checks, the compressed static server it serves
TimelineJS from, and the minimal reference project. `make bench` itself is never run by the
suite."""

import gzip
import urllib.request

import pytest
from django.test import Client, override_settings

from bench import lighthouse
from bench import urls as bench_urls
from bench.minimal import urls as minimal_urls


def audit(score, mode="numeric", title=None, value=None):
    return {"score": score, "scoreDisplayMode": mode, "title": title or "An audit",
            "numericValue": value}


def lighthouse_report(performance=1.0, accessibility=1.0, **audits):
    base = {
        "first-contentful-paint": audit(1, value=912.4),
        "largest-contentful-paint": audit(1, value=1380.6),
        "total-blocking-time": audit(1, value=199.2),
        "interactive": audit(1, value=2000.0),
        "total-byte-weight": audit(1, mode="informative", value=59_392),
        "network-requests": {"details": {"items": [{}, {}, {}, {}]}},
        "mainthread-work-breakdown": audit(1, value=1210.4) | {"details": {"items": [
            {"group": "styleLayout", "groupLabel": "Style & Layout", "duration": 610.6},
            {"group": "scriptEvaluation", "groupLabel": "Script Evaluation", "duration": 402.2},
        ]}},
        "dom-size": audit(1, value=1969),
    }
    base.update(audits)
    return {
        "lighthouseVersion": "12.2.3",
        "requestedUrl": "http://127.0.0.1:1/",
        "configSettings": {"formFactor": "mobile"},
        "environment": {"benchmarkIndex": 1234.5},
        "audits": base,
        "categories": {
            "performance": {"score": performance, "auditRefs": [{"id": name} for name in (
                "first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                "interactive", "total-byte-weight")]},
            "accessibility": {"score": accessibility, "auditRefs": [
                {"id": name} for name in ("color-contrast", "image-alt") if name in base]},
        },
    }


def test_summary_reads_the_figures_the_report_prints():
    summary = lighthouse.summarize(lighthouse_report())
    assert summary["performance"] == 100
    assert summary["accessibility"] == 100
    assert (summary["fcp_ms"], summary["lcp_ms"], summary["tbt_ms"]) == (912, 1381, 199)
    assert summary["bytes"] == 59_392
    assert summary["requests"] == 4
    assert summary["form_factor"] == "mobile"
    assert summary["benchmark_index"] == 1234.5
    assert summary["failing"] == {}
    assert summary["errored"] == []
    assert summary["main_thread_ms"] == {"styleLayout": 611, "scriptEvaluation": 402}
    assert summary["dom_elements"] == 1969


def test_failing_audits_are_named_worst_first_and_only_those_that_count():
    report = lighthouse_report(
        performance=0.86, accessibility=0.95,
        **{
            "total-blocking-time": audit(0.56, title="Total Blocking Time", value=516),
            "dom-size": audit(0, mode="metricSavings", title="Avoid an excessive DOM size"),
            "diagnostics": audit(None, mode="informative", title="Diagnostics"),
            "unused-css": audit(0.5, mode="notApplicable", title="Not applicable"),
            "color-contrast": audit(0, mode="binary", title="Contrast"),
            "layout-shifts": audit(None, mode="error", title="Avoid large layout shifts"),
            "image-alt": audit(1, mode="binary", title="Alt text"),
        },
    )
    report["categories"]["performance"]["auditRefs"] += [
        {"id": "dom-size"}, {"id": "diagnostics"}, {"id": "unused-css"}]
    summary = lighthouse.summarize(report)
    assert summary["performance"] == 86
    assert summary["failing"] == {
        "performance": ["Avoid an excessive DOM size (0.00)", "Total Blocking Time (0.56)"],
        "accessibility": ["Contrast (0.00)"],
    }
    assert summary["errored"] == ["layout-shifts"]


def test_a_page_lighthouse_could_not_score_fails_its_budgets():
    report = lighthouse_report(performance=None)
    report["runtimeError"] = {"message": "NO_FCP"}
    report["audits"]["total-byte-weight"]["numericValue"] = None
    summary = lighthouse.summarize(report)
    assert summary["performance"] is None
    assert summary["runtime_error"] == "NO_FCP"
    checks = lighthouse.budget_checks("/", summary, 60)
    assert [(passed, detail) for _, passed, detail in checks] == [
        (False, "not scored"), (True, "100"), (False, "not measured")]


@pytest.mark.parametrize(("size", "budget", "passed"), [
    (60 * 1024 - 1, 60, True), (60 * 1024, 60, False), (70 * 1024, 80, True),
])
def test_the_bytes_budget_is_strictly_under_the_kilobytes(size, budget, passed):
    summary = lighthouse.summarize(lighthouse_report(
        **{"total-byte-weight": audit(1, mode="informative", value=size)}))
    name, result, _ = lighthouse.budget_checks("/places/", summary, budget)[-1]
    assert name == f"first load of /places/ < {budget} KB compressed"
    assert result is passed


def test_places_alone_has_the_larger_budget_and_every_page_type_is_listed():
    budgets = {label: budget for label, _, budget in lighthouse.PAGES}
    assert budgets.pop("/places/") == 80
    assert set(budgets.values()) == {60}
    assert [path for _, path, _ in lighthouse.PAGES] == [
        "/", "/ru/", "/places/", "/actors/", "/sources/", "event_claims", "/embed/"]


def test_the_median_run_is_the_one_nearest_the_median_paint_and_interactive():
    runs = [
        {"performance": 90, "fcp_ms": 1500, "tti_ms": 4000},
        {"performance": 98, "fcp_ms": 900, "tti_ms": 2000},
        {"performance": 95, "fcp_ms": 1000, "tti_ms": 2500},
    ]
    assert lighthouse.median_run(runs)["performance"] == 95
    assert lighthouse.median_run(runs[:1])["performance"] == 90


def test_static_files_answer_gzip_when_asked_and_nothing_else():
    files = lighthouse.StaticFiles()
    files.add("/index.html", b"<!doctype html><p>" + b"x" * 5000)
    files.add("/js/timeline.js", b"var a = 1;" * 500)
    status, headers, body = files.response("/", "br, gzip")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert gzip.decompress(body).startswith(b"<!doctype html>")
    assert len(body) < 200
    status, headers, body = files.response("/js/timeline.js?v=1", "identity")
    assert "Content-Encoding" not in headers
    assert body == b"var a = 1;" * 500
    assert files.response("/../etc/passwd", "gzip")[0] == 404
    assert files.response("/js/", "gzip")[0] == 404


def test_the_static_server_serves_over_http_and_stops():
    files = lighthouse.StaticFiles()
    files.add("/timeline.json", b'{"events": []}')
    server, base = lighthouse.serve(files)
    try:
        request = urllib.request.Request(base + "/timeline.json",
                                         headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (local)
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Content-Type"] == "application/json; charset=utf-8"
            assert gzip.decompress(response.read()) == b'{"events": []}'
    finally:
        server.shutdown()
        server.server_close()


def test_the_timelinejs_page_fetches_nothing_from_elsewhere():
    page = lighthouse.TIMELINEJS_PAGE
    assert "http" not in page.replace("location.origin", "")
    assert "font: false" in page
    assert 'name="viewport"' in page


def test_the_minimal_view_serves_the_bare_views_bytes():
    assert minimal_urls.PAGE == bench_urls.BARE_PAGE


@override_settings(ROOT_URLCONF="bench.minimal.urls", MIDDLEWARE=[])
def test_the_minimal_project_answers_its_one_page():
    response = Client().get("/")
    assert response.status_code == 200
    assert response.content == minimal_urls.PAGE


def measured(p95, rps=100.0):
    return {"rps": rps, "p95": p95, "p50": p95 / 2, "p99": p95, "slow": False, "errors": 0}


def test_targets_at_ten_thousand_say_what_was_skipped():
    from bench import run

    uncached = {label: measured(10.0) for label in
                ("bare", "home", "home_filters", "event", "places", "api_events")}
    result = {
        "db": "sqlite", "size": 10_000, "urls": {"_public_places": 0},
        "uncached": uncached,
        "cached": {"bare": measured(1, rps=900.0), "home": measured(1, rps=800.0)},
        "minimal": measured(1, rps=1000.0),
        "skipped": {"home_ru": "/ru/ answers 404 (not built yet)",
                    "event_claims": "the data has no event with claims"},
        "first_load": {"total": 40 * 1024},
    }
    lines = run.targets([result]).splitlines()
    assert "- PASS: `/` from cache >= 75% of the minimal Django project's req/s " \
        "(sqlite, N=10,000): 80% (cached)" in lines
    assert "- PASS: `/` from cache >= 60% of bare req/s (sqlite, N=10,000): 89% (cached)" in lines
    assert "- SKIP: /ru/ uncached p95 < 40 ms (sqlite, N=10,000): /ru/ answers 404 " \
        "(not built yet)" in lines
    # No event page stands in for the one with claims any more: without it, the line says so.
    assert "- SKIP: event page with claims uncached p95 < 20 ms (sqlite, N=10,000): the data " \
        "has no event with claims" in lines
    assert any(line.startswith("- PASS: /places/ uncached p95 < 40 ms") and "map is empty" in line
               for line in lines)
    result["uncached"]["event_claims"] = measured(25.0)
    del result["skipped"]["event_claims"]
    assert "- FAIL: event page with claims uncached p95 < 20 ms (sqlite, N=10,000): 25.0 ms" \
        in run.targets([result]).splitlines()


@pytest.mark.django_db
def test_the_urls_picked_from_synthetic_data_are_an_event_with_claims_and_a_map_of_places(
    client,
):
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count, Q

    from bench import inspect_record
    from events.models import Event, Status

    call_command("generate_synthetic", "300", "--seed", "2017", stdout=StringIO())
    urls = inspect_record.pick_urls()

    # The public event with the most published claims: the page measured shows them all.
    counted = Event.objects.public().annotate(
        n=Count("claims", filter=Q(claims__status=Status.PUBLISHED), distinct=True)
    )
    most = max(event.n for event in counted)
    picked = counted.get(slug=urls["event_claims"].strip("/").split("/")[-1])
    assert picked.n == most == urls["_event_claims"] >= 2
    page = client.get(urls["event_claims"]).content.decode()
    assert page.count('<table class="claim"') == most
    assert urls["places"] == "/places/" and urls["_public_places"] > 0
    page = client.get(urls["places"]).content.decode()
    assert f"{urls['_public_places']} places." in page
    assert page.count('<circle class="map-marker') >= urls["_public_places"]
