import datetime

import pytest

from events.partial_dates import PartialDate, Precision, format_range

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-04-01", PartialDate(D(2017, 4, 1), Precision.DAY)),
        ("2017-04", PartialDate(D(2017, 4, 1), Precision.MONTH)),
        ("2017-4", PartialDate(D(2017, 4, 1), Precision.MONTH)),
        ("2017", PartialDate(D(2017, 1, 1), Precision.YEAR)),
        ("1 April 2017", PartialDate(D(2017, 4, 1), Precision.DAY)),
        ("April 2017", PartialDate(D(2017, 4, 1), Precision.MONTH)),
        ("apr 2017", PartialDate(D(2017, 4, 1), Precision.MONTH)),
        ("c. April 2017", PartialDate(D(2017, 4, 1), Precision.MONTH, approximate=True)),
        ("circa 2017", PartialDate(D(2017, 1, 1), Precision.YEAR, approximate=True)),
        ("2017-04~", PartialDate(D(2017, 4, 1), Precision.MONTH, approximate=True)),
        ("~2017-04-07", PartialDate(D(2017, 4, 7), Precision.DAY, approximate=True)),
        ("  26   May  2017 ", PartialDate(D(2017, 5, 26), Precision.DAY)),
    ],
)
def test_parse(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017-13-45", "no month 13"),
        ("2017-02-30", "February 2017 has no day 30"),
        ("2017-00", "no month 0"),
        ("Smarch 2017", "not the name of a month"),
        ("", "Enter a date"),
        ("last month", "is not a date"),
        ("2017-04-01T10:00", "is not a date"),
        ("0000", "no year 0"),
        ("2017\x00", "is not a date"),
        ("x" * 10_000, "at most 40 characters"),
    ],
)
def test_parse_refuses_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("text", "display", "iso", "edtf"),
    [
        ("2017-04-01", "1 April 2017", "2017-04-01", "2017-04-01"),
        ("2017-04", "April 2017", "2017-04", "2017-04"),
        ("c. 2017-04", "c. April 2017", "2017-04", "2017-04~"),
        ("2017", "2017", "2017", "2017"),
        ("c. 2017-07-18", "c. 18 July 2017", "2017-07-18", "2017-07-18~"),
    ],
)
def test_display_and_iso(text, display, iso, edtf):
    date = PartialDate.parse(text)
    assert (date.display(), str(date), date.iso(), date.edtf()) == (display, display, iso, edtf)
    assert PartialDate.parse(date.display()) == date
    assert PartialDate.parse(date.edtf()) == date


def test_a_period_is_stored_by_its_first_day():
    assert PartialDate(D(2017, 4, 15), Precision.MONTH).date == D(2017, 4, 1)
    assert PartialDate(D(2017, 4, 15), Precision.YEAR).date == D(2017, 1, 1)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2016-02", D(2016, 2, 1), D(2016, 2, 29)),
        ("2017-02", D(2017, 2, 1), D(2017, 2, 28)),
        ("2017", D(2017, 1, 1), D(2017, 12, 31)),
        ("2017-04-07", D(2017, 4, 7), D(2017, 4, 7)),
    ],
)
def test_first_and_last_day(text, first, last):
    date = PartialDate.parse(text)
    assert (date.first_day, date.last_day) == (first, last)
    assert date.contains(first) and date.contains(last)
    assert not date.contains(last + datetime.timedelta(days=1))


def test_sort_by_first_day_then_finer_precision_first():
    texts = ["2017", "April 2017", "2 April 2017", "1 April 2017", "c. April 2017", "May 2017",
             "31 March 2017"]
    ordered = sorted(PartialDate.parse(text) for text in texts)
    assert [date.display() for date in ordered] == [
        "2017",  # its first day, 1 January, comes first of all
        "31 March 2017",
        "1 April 2017",  # a day before the month it starts
        "April 2017",
        "c. April 2017",
        "2 April 2017",
        "May 2017",
    ]


@pytest.mark.parametrize(
    ("start", "end", "display"),
    [
        ("2017-04-01", "2017-04-03", "1-3 April 2017"),
        ("2017-04-01", None, "1 April 2017"),
        ("2017-04-01", "2017-04-01", "1 April 2017"),
        ("c. 2017-04-01", "c. 2017-04-03", "c. 1-3 April 2017"),
        ("2017-04-28", "2017-05-03", "28 April - 3 May 2017"),
        ("2016-12-30", "2017-01-02", "30 December 2016 - 2 January 2017"),
        ("2017-04", "2017-05", "April-May 2017"),
        ("2016-12", "2017-01", "December 2016 - January 2017"),
        ("2016", "2017", "2016-2017"),
        ("2017-04", "2017-05-26", "April 2017 - 26 May 2017"),
        ("c. 2017-04", "2017-05", "c. April 2017 - May 2017"),
    ],
)
def test_format_range(start, end, display):
    start = PartialDate.parse(start)
    end = PartialDate.parse(end) if end else None
    assert format_range(start, end) == display
