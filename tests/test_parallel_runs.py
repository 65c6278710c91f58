"""How `make test` splits the suite between pytest-xdist's workers (tests/conftest.py)."""

from types import SimpleNamespace

from tests.conftest import pytest_xdist_make_scheduler

# A collection as pytest-django sorts it: tests in a rolled-back transaction, then
# transactional ones (which empty the worker's database when they end), then those without one.
COLLECTION = [
    "tests/test_admin.py::test_a",
    "tests/test_admin.py::test_b",
    "tests/test_history.py::test_a_save",
    "tests/test_places.py::test_map",
    "tests/test_history.py::test_two_curators_at_once",  # transactional
    "tests/browser/test_timeline_browser.py::test_filters",  # transactional
    "tests/test_admin.py::test_no_database",
]


def scheduler():
    config = SimpleNamespace(getvalue={"tx": ["2*popen"]}.get,
                             option=SimpleNamespace(loadscopereorder=True))
    sched = pytest_xdist_make_scheduler(config, log=None)
    sched.collection = COLLECTION
    return sched


def test_a_files_transactional_tests_are_a_work_unit_of_their_own_after_the_others():
    sched = scheduler()
    units = {}
    for nodeid in COLLECTION:
        units.setdefault(sched._split_scope(nodeid), []).append(nodeid)

    assert list(units) == [
        "tests/test_admin.py#0", "tests/test_history.py#0", "tests/test_places.py#0",
        "tests/test_history.py#1", "tests/browser/test_timeline_browser.py#0",
        "tests/test_admin.py#1",
    ]
    assert units["tests/test_history.py#1"] == ["tests/test_history.py::test_two_curators_at_once"]


def test_the_work_units_are_handed_out_in_the_collections_order():
    """xdist would hand out the biggest units first, a transactional one before others."""
    sched = scheduler()
    assert sched.config.option.loadscopereorder is False
