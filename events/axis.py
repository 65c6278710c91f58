"""The time axis: the shape of a filtered set of events, as plain data for an inline SVG.

`build_axis(events, params=request.GET)` reads the events (a filtered `EventQuerySet`) and
returns an `Axis`; `templates/events/_axis.html` draws it, on the server, with no script:

- up to MAX_MARKS events, one mark each: a dot for a day known, a bar across the period for
  a month, a year or a range, and a bar around the day for an approximate ("c.") day; a
  disputed event is a diamond, or a hatched bar, so it shows without colour. Marks that would
  overlap stack upwards, so height is density. One query.
- more events than that, or a pile-up taller than MAX_ROWS: counts per week (a span of up to
  about six months) or per month (else; per year past MAX_MONTHS months), drawn as bars whose
  disputed share is hatched. One grouped query, whatever the size of the record.

Months (years on a long span) are bands under the marks, each a link to that period's view
(`date_from`/`date_to` set, every other filter kept). The one-sentence text alternative
(`Axis.summary`) says how many events, from when to when, and the busiest month.

Where a mark sits: its own dates, as the reader sees them. Where an event is counted (the
busiest month, the bins): the day it sits at in the record's order (`Event.sort_date`), the
same as the month it is listed under.
"""

import calendar
import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext

from .links import url_for
from .models import Verification
from .partial_dates import PartialDate, Precision, format_range, month_name

# One mark per event up to this many events; past it, counts. Keeps the axis within its size
# budget (docs/performance.md) and its layout cheap.
MAX_MARKS = 200
# A stack of marks taller than this many rows is drawn as counts instead.
MAX_ROWS = 30
# Past this many months the bands are years.
MAX_MONTHS = 48
# Counts are per week up to this many days, per month beyond.
WEEKLY_SPAN_DAYS = 190
# An approximate day ("c. 19 April") is drawn as a bar this many days either side of it.
APPROXIMATE_DAYS = 2

# The drawing, in SVG user units (the SVG scales to its box; see site.css).
WIDTH = 960
# The overview drawn instead on a phone: counts per month, narrow enough to read at 320 px.
OVERVIEW_WIDTH = 340
LEFT = RIGHT = 4
TOP = 6
ROW = 10  # a row of marks
RADIUS = 4
BAR = 7  # a bar's thickness
GAP = 1  # the least space between two marks in a row
LABELS = 30  # the band of month labels under the axis line
COUNT_HEIGHT = 110  # the tallest bar of counts

_COLUMNS = (
    "slug", "title", "start_date", "start_precision", "start_approximate", "end_date",
    "end_precision", "end_approximate", "sort_date", "verification",
)


@dataclass
class Mark:
    """One event: a dot, a diamond (a disputed day) or a bar; coordinates as SVG text."""

    url: str
    label: str
    bar: bool
    disputed: bool
    approximate: bool
    first: datetime.date = None
    last: datetime.date = None
    x: str = ""  # a bar's left edge, a dot's centre
    y: str = ""  # a bar's top edge, a dot's centre
    w: str = ""  # a bar's width
    d: str = ""  # a diamond's path

    def place(self, x0, x1, centre_y):
        if self.bar:
            self.x, self.w, self.y = _num(x0), _num(x1 - x0), _num(centre_y - BAR / 2)
        elif self.disputed:
            cx, r = (x0 + x1) / 2, RADIUS + 1
            self.d = f"M{_num(cx)} {_num(centre_y - r)}l{r} {r} {-r} {r} {-r} {-r}z"
        else:
            self.x, self.y = _num((x0 + x1) / 2), _num(centre_y)


@dataclass
class Bin:
    """Counts of one week, month or year: a bar, its disputed part hatched; SVG text."""

    url: str
    label: str
    count: int
    disputed: int
    x: str = ""
    y: str = ""
    w: str = ""
    h: str = ""
    dy: str = ""  # top of the disputed part
    dh: str = ""


@dataclass
class Band:
    """A month (or a year) under the axis: a link to its view, with its label."""

    url: str
    label: str  # what the axis prints: "Apr", "Jan 2017", "2017" (Russian: «апр», «янв 2017»)
    name: str  # "April 2017" (Russian: «апрель 2017 г.»)
    count: int
    x: float
    w: float
    start: datetime.date = None
    unit: str = "month"
    bin: Bin = None  # in counts by month, the month's own bar

    @property
    def title(self):
        values = {"period": capfirst(self.name), "count": _number(self.count)}
        if self.unit == "year":
            return ngettext("%(period)s: %(count)s event. Show this year",
                            "%(period)s: %(count)s events. Show this year", self.count) % values
        return ngettext("%(period)s: %(count)s event. Show this month",
                        "%(period)s: %(count)s events. Show this month", self.count) % values

    @property
    def svg_x(self):
        return _num(self.x)

    @property
    def svg_w(self):
        return _num(self.w)

    @property
    def text_x(self):
        return _num(self.x + self.w / 2)


@dataclass
class Axis:
    mode: str  # "marks", "counts" or "empty"
    count: int = 0
    summary: str = ""
    width: int = WIDTH
    height: int = 0
    baseline: float = 0
    marks: list = field(default_factory=list)
    bins: list = field(default_factory=list)  # counts per week (bins not drawn in bands)
    bands: list = field(default_factory=list)
    ticks: str = ""  # one SVG path: the axis line and the band boundaries
    days: list = field(default_factory=list)  # (x, day of the month) under a span of a month or two
    bin_size: str = ""  # "week", "month" or "year" in counts mode
    has_bars: bool = False
    has_approximate: bool = False
    has_disputed: bool = False
    all_dates_url: str = ""  # the same view without the date filters, when they are set
    htmx_target: str = "#results"
    overview: "Axis" = None  # the narrow drawing for phones: counts per week or month

    @property
    def counted_per(self):
        """The caption's note in counts mode: "Counted per month."."""
        return {"week": gettext("Counted per week."), "month": gettext("Counted per month."),
                "year": gettext("Counted per year.")}.get(self.bin_size, "")

    @property
    def bars_legend(self):
        return {"week": gettext("Bars: events per week"),
                "month": gettext("Bars: events per month"),
                "year": gettext("Bars: events per year")}.get(self.bin_size, "")

    @property
    def choose_legend(self):
        """What choosing a bar of the phone's overview does."""
        return {"week": gettext("Choose a week to see only that week."),
                "month": gettext("Choose a month to see only that month."),
                "year": gettext("Choose a year to see only that year.")}.get(self.bin_size, "")

    @property
    def aria_label(self):
        """The drawing's name; the overview's says what its bars count."""
        return {"week": gettext("Time axis, events per week"),
                "month": gettext("Time axis, events per month"),
                "year": gettext("Time axis, events per year")}.get(self.bin_size, "")

    @property
    def label_y(self):
        return _num(self.baseline + (26 if self.days else 19))

    @property
    def day_y(self):
        return _num(self.baseline + 13)


def build_axis(events, *, params=None, count=None, base="", htmx_target="#results"):
    """The axis of `events` (a filtered EventQuerySet, public only).

    `params`: the query string of the view (a QueryDict), kept in every period link. `count`:
    how many events match, if the caller knows (it saves a query on a large record). `base`:
    the path the period links go to ("" for the current page). `htmx_target`: the element
    the period links swap, or None for plain links.
    """
    params = params.copy() if params is not None else None
    link = _Linker(params, base)
    axis = _draw(events, link, count)
    for drawing in (axis, axis.overview):
        if drawing is not None:
            drawing.htmx_target = htmx_target
            drawing.all_dates_url = link.all_dates()
    return axis


# How long a drawn axis is kept; a change to the record (a new generation) replaces it sooner.
DRAWN_AXIS_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class DrawnAxis:
    """The chronology's axis as its page shows it: `html` is templates/events/_axis.html
    rendered; `summary` also describes the page when it is shared."""

    mode: str
    count: int
    summary: str
    html: str


def kept_axis(*, params, generation):
    """The drawn axis kept for this query (the view's QueryDict) and record generation, or
    None. Its count is every matching event's: the caller need not count them again."""
    cached = cache.get(_drawn_axis_key(params, generation))
    if cached is None:
        return None
    mode, count, summary, html = cached
    return DrawnAxis(mode=mode, count=count, summary=summary, html=mark_safe(html))  # noqa: S308 - rendered by the template engine, escaped there


def draw_axis(events, *, params, count, generation):
    """The axis of the chronology's `events`, rendered, and kept in the cache per record
    generation, language and query (the page number aside) for kept_axis().

    Drawing it reads the sort date of every matching event and renders a link per month or
    week: the largest part of a listing page's work on a large record, and the same for
    every page of one set of filters, for the whole page and its htmx fragment, until the
    record changes. `params`: the view's query string, which every period link keeps and so
    is part of the key; `count`: how many events match, as far as the paginator counted.
    """
    params = params.copy()
    params.pop("page", None)
    axis = build_axis(events, params=params, count=count)
    html = render_to_string("events/_axis.html", {"axis": axis})
    cache.set(_drawn_axis_key(params, generation), (axis.mode, axis.count, axis.summary, html),
              DRAWN_AXIS_CACHE_SECONDS)
    return DrawnAxis(mode=axis.mode, count=axis.count, summary=axis.summary, html=mark_safe(html))  # noqa: S308 - as above


def _drawn_axis_key(params, generation):
    params = params.copy()
    params.pop("page", None)
    raw = f"{generation}\n{get_language()}\n{params.urlencode()}"
    return "axis:" + hashlib.sha256(raw.encode()).hexdigest()


def _draw(events, link, count):
    if count is None or count <= MAX_MARKS:
        rows = list(events.chronological().values_list(*_COLUMNS)[: MAX_MARKS + 1])
        if not rows:
            return Axis(mode="empty")
        if len(rows) <= MAX_MARKS:
            axis = _marks_axis(rows, link)
            if axis is not None:
                return axis
            # Too tall a pile to draw event by event: counts, from the rows in hand.
            days = _per_day(rows)
            return _counts_axis(days, link, overview=_counts_axis(days, link, OVERVIEW_WIDTH))
    days = list(
        events.order_by()
        .values("sort_date")
        .annotate(n=Count("pk"), disputed=Count("pk", filter=Q(verification=Verification.DISPUTED)))
        .values_list("sort_date", "n", "disputed")
        .order_by("sort_date")
    )
    if not days:
        return Axis(mode="empty")
    return _counts_axis(days, link, overview=_counts_axis(days, link, OVERVIEW_WIDTH))


def _per_day(rows):
    """(day, events, disputed events) per day the rows sit at, in order."""
    per_day = Counter((row[8], row[9] == Verification.DISPUTED) for row in rows)
    return [
        (day, per_day[day, False] + per_day[day, True], per_day[day, True])
        for day in sorted({day for day, _ in per_day})
    ]


class _Linker:
    """Period links: the view's other filters kept, the dates replaced, no page number."""

    def __init__(self, params, base):
        self.params, self.base = params, base
        if self.params is not None:
            self.params.pop("page", None)

    def period(self, date_from, date_to):
        if self.params is None:
            return f"{self.base}?date_from={date_from}&date_to={date_to}"
        params = self.params.copy()
        params["date_from"], params["date_to"] = date_from, date_to
        return f"{self.base}?{params.urlencode()}"

    def all_dates(self):
        if self.params is None or not (self.params.get("date_from") or self.params.get("date_to")):
            return ""
        params = self.params.copy()
        params.pop("date_from", None)
        params.pop("date_to", None)
        query = params.urlencode()
        return f"{self.base}?{query}" if query else (self.base or "?")


def _number(count):
    """A count as the reader's language groups it: "100,000", «100 000»."""
    return number_format(count, force_grouping=True)


def _num(value):
    """A coordinate, short: to the half unit, no trailing zero."""
    halves = round(value * 2)
    return str(halves // 2) if halves % 2 == 0 else f"{halves / 2:.1f}"


def _month_start(day):
    return day.replace(day=1)


def _month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day):
    return (_month_end(day) + datetime.timedelta(days=1))


class _Scale:
    """Days to x, over whole months (or years) from `first` to `last`."""

    def __init__(self, first, last, by_year, width=WIDTH):
        if by_year:
            self.first = first.replace(month=1, day=1)
            self.last = last.replace(month=12, day=31)
        else:
            self.first, self.last = _month_start(first), _month_end(last)
        self.by_year = by_year
        self.days = (self.last - self.first).days + 1
        self.width = width
        self.day_width = (width - LEFT - RIGHT) / self.days

    def x(self, day):
        return LEFT + (day - self.first).days * self.day_width

    def periods(self):
        """(first day, last day) of each month, or each year, of the span."""
        start = self.first
        while start <= self.last:
            end = start.replace(month=12, day=31) if self.by_year else _month_end(start)
            yield start, end
            start = end + datetime.timedelta(days=1)


def _months_between(first, last):
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _bands(scale, link, counts):
    """The month (or year) bands, with labels that fit and a year on each January."""
    periods = list(scale.periods())
    width = (scale.width - LEFT - RIGHT) / len(periods)
    # A narrow month gets a label every second or third month; every band is still a link.
    every = 1 if scale.by_year or width >= 28 else (2 if width >= 14 else 3)
    bands, years_seen = [], set()
    for index, (start, end) in enumerate(periods):
        if scale.by_year:
            label = str(start.year)
            name = PartialDate(start, Precision.YEAR).display()  # "2017", «2017 г.»
            url = link.period(label, label)
        else:
            name = month_name(start.month, year=start.year)
            label = month_name(start.month, "short")
            if start.year not in years_seen and index % every == 0 and width >= 60:
                label += f" {start.year}"
                years_seen.add(start.year)
            if index % every:
                label = ""
            url = link.period(start.strftime("%Y-%m"), start.strftime("%Y-%m"))
        x0, x1 = scale.x(start), scale.x(end) + scale.day_width
        key = start.year if scale.by_year else (start.year, start.month)
        bands.append(Band(url=url, label=label, name=name, count=counts.get(key, 0),
                          x=x0, w=x1 - x0, start=start,
                          unit="year" if scale.by_year else "month"))
    return bands


def _days(scale):
    """Days of the month to label on a span of one or two months: the 1st, 8th, 15th..."""
    if scale.by_year or _months_between(scale.first, scale.last) > 2:
        return []
    return [
        (_num(scale.x(start.replace(day=day)) + scale.day_width / 2), str(day))
        for start, end in scale.periods() for day in (1, 8, 15, 22, 29) if day <= end.day
    ]


def _ticks(bands, baseline, width, days=()):
    """The axis line and a short tick at every band boundary (and labelled day), as one
    path."""
    parts = [f"M{LEFT} {_num(baseline)}H{width - RIGHT}"]
    parts.extend(f"M{x} {_num(baseline)}v3" for x, _ in days)
    for band in bands:
        parts.append(f"M{_num(band.x)} {_num(baseline)}v6")
    parts.append(f"M{width - RIGHT} {_num(baseline)}v6")
    return "".join(parts)


def _period_counts(days, by_year):
    """Events per month (or year) by the day each sits at in the record's order."""
    counts = Counter()
    for day, number in days:
        counts[day.year if by_year else (day.year, day.month)] += number
    return counts


def summary_sentence(total, counts):
    """ "43 events from February to July 2017, 30 of them in April." from month counts, in the
    active language (Russian: «43 события с февраля по июль 2017 г., из них 30 в апреле.»)."""
    months = sorted(month for month, number in counts.items() if number)
    if not months:
        return ""
    first, last = months[0], months[-1]

    # The month as the sentence uses it: Russian says «с февраля», «по июль», «в апреле».
    def name(month, form, with_year=True):
        return month_name(month[1], form, month[0] if with_year else None)

    if first == last:
        if total == 1:
            sentence = gettext("1 event, in %(month)s.") % {"month": name(first, "prepositional")}
        else:
            sentence = ngettext("%(count)s event, all in %(month)s.",
                                "%(count)s events, all in %(month)s.", total) % {
                "count": _number(total), "month": name(first, "prepositional")}
        return _one_full_stop(sentence)
    busiest = max(months, key=lambda month: (counts[month], -months.index(month)))
    return _one_full_stop(ngettext(
        "%(count)s event from %(first)s to %(last)s, %(busiest_count)s of them in %(busiest)s.",
        "%(count)s events from %(first)s to %(last)s, %(busiest_count)s of them in %(busiest)s.",
        total,
    ) % {
        "count": _number(total),
        "first": name(first, "genitive", first[0] != last[0]),
        "last": name(last, "nominative"),
        "busiest_count": _number(counts[busiest]),
        "busiest": name(busiest, "prepositional", first[0] != last[0]),
    })


def _one_full_stop(sentence):
    # A sentence that ends on an abbreviation ends on its point: «… в апреле 2017 г.»
    return sentence[:-1] if sentence.endswith("..") else sentence


def _period_of(row):
    """(first day, last day, bar, approximate, known first day, known last day) of an event
    row: the period drawn, and the one its dates name (narrower for an approximate day)."""
    (_, _, start_date, start_precision, start_approximate, end_date, end_precision,
     end_approximate, _, _) = row
    start = PartialDate(start_date, start_precision, start_approximate)
    end = PartialDate(end_date, end_precision, end_approximate) if end_date else None
    first, last = start.first_day, (end or start).last_day
    approximate = start.approximate or bool(end and end.approximate)
    if first == last and approximate:
        return (first - datetime.timedelta(days=APPROXIMATE_DAYS),
                last + datetime.timedelta(days=APPROXIMATE_DAYS), True, True, first, last)
    return first, last, first != last, approximate, first, last


MARK_TITLE_CHARACTERS = 60


def shortened(text, characters):
    """text cut at a word before `characters`, with an ellipsis, if it is longer."""
    if len(text) <= characters:
        return text
    return text[:characters].rsplit(" ", 1)[0].rstrip(",.:;—– ") + "…"


def _marks_axis(rows, link):
    """One mark per event, stacked; None when the stack is too tall to draw."""
    marks, known = [], []
    for row in rows:
        slug, title, *_, verification = row
        first, last, bar, approximate, *dates = _period_of(row)
        known.extend(dates)
        disputed = verification == Verification.DISPUTED
        # The title is the mark's name; its place on the axis and the legend say its date.
        # Shortened: the whole title is in the list below and on the event's page, and a
        # hundred long titles were a quarter of the first load of / (more in Russian).
        title = shortened(title, MARK_TITLE_CHARACTERS)
        label = gettext("%(title)s (disputed)") % {"title": title} if disputed else title
        marks.append(Mark(url=url_for("events:event_detail", slug), label=label, bar=bar,
                          disputed=disputed, approximate=approximate, first=first, last=last))
    # The span is the months the events' dates name; the bar around an approximate day is
    # cut at its ends rather than adding a month of nothing.
    span_first, span_last = min(known), max(known)
    by_year = _months_between(span_first, span_last) > MAX_MONTHS
    scale = _Scale(span_first, span_last, by_year)
    for mark in marks:
        mark.first, mark.last = max(mark.first, scale.first), min(mark.last, scale.last)

    # Greedy packing: each mark, left to right (longer first at a tie), goes to the lowest
    # row where it does not touch the mark before it.
    row_ends = []
    placed = []
    for mark in sorted(marks, key=lambda mark: (mark.first, -(mark.last - mark.first).days)):
        x0 = scale.x(mark.first)
        x1 = scale.x(mark.last) + scale.day_width
        if not mark.bar:
            centre = (x0 + x1) / 2
            x0, x1 = centre - RADIUS, centre + RADIUS
        elif x1 - x0 < 2 * RADIUS:
            centre = (x0 + x1) / 2
            x0, x1 = centre - RADIUS, centre + RADIUS
        for row, end in enumerate(row_ends):
            if end + GAP <= x0:
                break
        else:
            row = len(row_ends)
            row_ends.append(0)
            if row >= MAX_ROWS:
                return None
        row_ends[row] = x1
        placed.append((mark, row, x0, x1))

    rows_used = len(row_ends)
    baseline = TOP + rows_used * ROW
    for mark, row, x0, x1 in placed:
        mark.place(x0, x1, baseline - ROW / 2 - row * ROW)

    days = Counter(row[8] for row in rows)
    counts = _period_counts(days.items(), by_year)
    month_counts = _period_counts(days.items(), False)
    bands = _bands(scale, link, counts)
    return Axis(
        mode="marks",
        count=len(rows),
        summary=summary_sentence(len(rows), month_counts),
        height=int(baseline + LABELS),
        baseline=baseline,
        # In the record's order (the rows'), the order a keyboard walks them.
        marks=marks,
        bands=bands,
        ticks=_ticks(bands, baseline, scale.width, _days(scale)),
        days=_days(scale),
        has_bars=any(mark.bar and not mark.approximate for mark in marks),
        has_approximate=any(mark.approximate for mark in marks),
        has_disputed=any(mark.disputed for mark in marks),
        overview=_counts_axis(_per_day(rows), link, OVERVIEW_WIDTH),
    )


def _counts_axis(days, link, width=WIDTH, overview=None):
    """Counts per week, month or year, from events per day."""
    total = sum(number for _, number, _ in days)
    first, last = days[0][0], days[-1][0]
    months = _months_between(first, last)
    by_year = months > MAX_MONTHS
    weekly = (last - first).days < WEEKLY_SPAN_DAYS
    scale = _Scale(first, last, by_year, width)
    month_counts = _period_counts([(day, number) for day, number, _ in days], False)
    counts = _period_counts([(day, number) for day, number, _ in days], by_year)
    bands = _bands(scale, link, counts)
    baseline = TOP + COUNT_HEIGHT

    # Group the days into bins: weeks (Monday to Sunday, cut at the span's ends), or the bands.
    bins = {}
    for day, number, disputed in days:
        if weekly:
            monday = day - datetime.timedelta(days=day.weekday())
            start = max(monday, scale.first)
            end = min(monday + datetime.timedelta(days=6), scale.last)
            key = start
        elif by_year:
            start, end = day.replace(month=1, day=1), day.replace(month=12, day=31)
            key = start
        else:
            start, end = _month_start(day), _month_end(day)
            key = start
        entry = bins.setdefault(key, [start, end, 0, 0])
        entry[2] += number
        entry[3] += disputed
    tallest = max(entry[2] for entry in bins.values())
    drawn = {}
    for key, (start, end, number, disputed) in bins.items():
        x0, x1 = scale.x(start), scale.x(end) + scale.day_width
        height = max(2.0, COUNT_HEIGHT * number / tallest)
        disputed_height = COUNT_HEIGHT * disputed / tallest if disputed else 0
        if weekly:
            values = {"period": capfirst(format_range(PartialDate(start), PartialDate(end))),
                      "count": _number(number), "disputed": _number(disputed)}
            if disputed:
                label = ngettext(
                    "%(period)s: %(count)s event, %(disputed)s disputed. Show these days",
                    "%(period)s: %(count)s events, %(disputed)s disputed. Show these days",
                    number,
                ) % values
            else:
                label = ngettext("%(period)s: %(count)s event. Show these days",
                                 "%(period)s: %(count)s events. Show these days", number) % values
            url = link.period(start.isoformat(), end.isoformat())
        else:
            label = ""
            url = ""
        drawn[key] = Bin(
            url=url, label=label, count=number, disputed=disputed,
            x=_num(x0 + 1), w=_num(max(1.0, x1 - x0 - 2)),
            y=_num(baseline - height), h=_num(height),
            dy=_num(baseline - disputed_height), dh=_num(disputed_height) if disputed else "",
        )
    if not weekly:
        # A month's (a year's) bar is drawn inside its band's link.
        for band in bands:
            band.bin = drawn.get(band.start)
        drawn = {}
    return Axis(
        mode="counts",
        width=width,
        count=total,
        summary=summary_sentence(total, month_counts),
        height=int(baseline + LABELS),
        baseline=baseline,
        bins=list(drawn.values()),
        bands=bands,
        ticks=_ticks(bands, baseline, scale.width, _days(scale)),
        days=_days(scale),
        bin_size="year" if by_year else ("week" if weekly else "month"),
        has_disputed=any(disputed for _, _, disputed in days),
        overview=overview,
    )
