"""Partial dates: a date known only to the day, the month or the year, possibly approximate.

Reporting is vague ("early April", "last month"), and the record must not claim more precision
than its evidence. A PartialDate is the period it names (its first day plus a precision) and an
"approximate" flag. It is stored in three columns (see PartialDateAttribute) so the database can
sort and filter on the first day, and it displays the way a reader expects:

    1 April 2017 / April 2017 / c. April 2017 / 2017 / 1-3 April 2017

Sorting is by the period's first day, then finer precision first (a day in April before "April"
itself); the models add the title as the last tie-breaker.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

MAX_INPUT_LENGTH = 40

MONTH_NAMES = [calendar.month_name[number] for number in range(1, 13)]
_MONTHS_BY_NAME = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _MONTHS_BY_NAME[_name.lower()] = _number
    _MONTHS_BY_NAME[_name[:3].lower()] = _number
_MONTHS_BY_NAME["sept"] = 9

_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")
_HUMAN = re.compile(r"^(?:(?P<day>\d{1,2})\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$")
_APPROXIMATE_PREFIX = re.compile(r"^(?:c\.|ca\.|circa|c|~)\s*", re.IGNORECASE)


class Precision(models.IntegerChoices):
    # The numbers are the sort order: finer precision sorts first.
    DAY = 1, "day"
    MONTH = 2, "month"
    YEAR = 3, "year"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A period named by its first day and precision; field order is the sort order."""

    date: datetime.date
    precision: Precision = Precision.DAY
    approximate: bool = False

    def __post_init__(self):
        precision = Precision(self.precision)
        first_day = self.date
        if precision >= Precision.MONTH:
            first_day = first_day.replace(day=1)
        if precision == Precision.YEAR:
            first_day = first_day.replace(month=1)
        object.__setattr__(self, "precision", precision)
        object.__setattr__(self, "date", first_day)
        object.__setattr__(self, "approximate", bool(self.approximate))

    @classmethod
    def parse(cls, text):
        """Read "2017-04-01", "2017-04", "2017", "1 April 2017", "April 2017" or "2017".

        A "c." / "circa" / "~" prefix or an EDTF "~" suffix ("2017-04~") marks it approximate.
        Raises ValueError with a message fit to show a user.
        """
        if not isinstance(text, str):
            raise ValueError("Enter a date as text, such as 2017-04-01, 2017-04 or 2017.")
        text = " ".join(text.split())
        if not text:
            raise ValueError("Enter a date.")
        if len(text) > MAX_INPUT_LENGTH:
            raise ValueError(f"A date is at most {MAX_INPUT_LENGTH} characters long.")
        approximate = False
        if text.endswith("~"):
            approximate, text = True, text[:-1].rstrip()
        prefix = _APPROXIMATE_PREFIX.match(text)
        if prefix and not text[:1].isdigit():
            approximate, text = True, text[prefix.end() :]

        if match := _ISO.match(text):
            year, month, day = match["year"], match["month"], match["day"]
            month = int(month) if month else None
        elif match := _HUMAN.match(text.lower()):
            year, day = match["year"], match["day"]
            month = _MONTHS_BY_NAME.get(match["month"])
            if month is None:
                raise ValueError(f"{match['month']!r} is not the name of a month.")
        else:
            raise ValueError(
                f"{text!r} is not a date. Use 2017-04-01, 2017-04 or 2017 "
                "(or 1 April 2017, April 2017); prefix c. for an approximate date."
            )

        year = int(year)
        if year < 1:
            raise ValueError("There is no year 0.")
        if month is None:
            return cls(datetime.date(year, 1, 1), Precision.YEAR, approximate)
        if not 1 <= month <= 12:
            raise ValueError(f"There is no month {month}: months run from 1 to 12.")
        if day is None:
            return cls(datetime.date(year, month, 1), Precision.MONTH, approximate)
        try:
            return cls(datetime.date(year, month, int(day)), Precision.DAY, approximate)
        except ValueError:
            raise ValueError(
                f"{MONTH_NAMES[month - 1]} {year} has no day {int(day)}."
            ) from None

    @property
    def first_day(self):
        return self.date

    @property
    def last_day(self):
        if self.precision == Precision.DAY:
            return self.date
        if self.precision == Precision.MONTH:
            days = calendar.monthrange(self.date.year, self.date.month)[1]
            return self.date.replace(day=days)
        return self.date.replace(month=12, day=31)

    def iso(self):
        """The ISO 8601 prefix: "2017", "2017-04" or "2017-04-01" (valid in <time datetime>)."""
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def edtf(self):
        """Extended Date/Time Format (ISO 8601-2): the ISO prefix, "~" when approximate."""
        return self.iso() + ("~" if self.approximate else "")

    def _plain(self):
        month = MONTH_NAMES[self.date.month - 1]
        if self.precision == Precision.YEAR:
            return str(self.date.year)
        if self.precision == Precision.MONTH:
            return f"{month} {self.date.year}"
        return f"{self.date.day} {month} {self.date.year}"

    def display(self):
        return ("c. " if self.approximate else "") + self._plain()

    def __str__(self):
        return self.display()

    def contains(self, day):
        return self.first_day <= day <= self.last_day


def format_range(start, end):
    """Display a period from start to end: "1-3 April 2017", "April-May 2017", "2016-2017".

    Shared parts are said once. When the two ends differ in precision or in being
    approximate, each end is displayed in full so that neither claims the other's precision.
    """
    if end is None or end == start:
        return start.display()
    if start.precision != end.precision or start.approximate != end.approximate:
        return f"{start.display()} - {end.display()}"
    prefix = "c. " if start.approximate else ""
    first, last = start.date, end.date
    if start.precision == Precision.YEAR:
        return f"{prefix}{first.year}-{last.year}"
    if start.precision == Precision.MONTH:
        if first.year == last.year:
            months = f"{MONTH_NAMES[first.month - 1]}-{MONTH_NAMES[last.month - 1]}"
            return f"{prefix}{months} {last.year}"
        return f"{prefix}{start._plain()} - {end._plain()}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{prefix}{first.day}-{last.day} {MONTH_NAMES[last.month - 1]} {last.year}"
    if first.year == last.year:
        return (
            f"{prefix}{first.day} {MONTH_NAMES[first.month - 1]} - "
            f"{last.day} {MONTH_NAMES[last.month - 1]} {last.year}"
        )
    return f"{prefix}{start._plain()} - {end._plain()}"


class PartialDateAttribute(property):
    """Reads and writes a PartialDate kept in three model fields.

    `start = PartialDateAttribute("start")` on a model with `start_date`, `start_precision` and
    `start_approximate` fields gives `event.start` as a PartialDate (or None when the date is
    empty), and `event.start = PartialDate.parse("April 2017")` (or the text itself) sets all
    three. Being a property, it is accepted by the model's constructor: Event(start=...).
    """

    def __init__(self, prefix, date_field=None):
        self.date_field = date_field or f"{prefix}_date"
        self.precision_field = f"{prefix}_precision"
        self.approximate_field = f"{prefix}_approximate"
        super().__init__(self._get, self._set, doc=f"The partial date in {prefix}_*.")

    def _get(self, instance):
        day = getattr(instance, self.date_field)
        if day is None:
            return None
        return PartialDate(
            day,
            getattr(instance, self.precision_field) or Precision.DAY,
            getattr(instance, self.approximate_field),
        )

    def _set(self, instance, value):
        if isinstance(value, str):
            value = PartialDate.parse(value)
        setattr(instance, self.date_field, value.date if value else None)
        setattr(instance, self.precision_field, value.precision if value else Precision.DAY)
        setattr(instance, self.approximate_field, value.approximate if value else False)


PARTIAL_DATE_HELP = (
    "As precise as the evidence allows: “1 April 2017” or 2017-04-01 for a day, “April 2017” or "
    "2017-04 for a month, 2017 for a year. Prefix “c.” when approximate (“c. April 2017”)."
)


class PartialDateFormField(forms.Field):
    """One text box for a partial date; cleans to a PartialDate (or None when optional)."""

    max_length = MAX_INPUT_LENGTH  # what PartialDate.parse accepts

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"maxlength": MAX_INPUT_LENGTH, "size": 20})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.display() if isinstance(value, PartialDate) else value

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class PartialDateFormMixin:
    """Edits a model's PartialDateAttributes through PartialDateFormFields of the same name.

    The three columns behind each attribute stay out of the form; `clean()` writes the parsed
    value onto the instance before model validation runs, so Model.clean() sees it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self._partial_date_names():
            self.initial.setdefault(name, getattr(self.instance, name))

    def _partial_date_names(self):
        return [
            name
            for name, field in self.fields.items()
            if isinstance(field, PartialDateFormField)
            and hasattr(type(self.instance), name)
        ]

    def clean(self):
        cleaned_data = super().clean()
        for name in self._partial_date_names():
            if name in cleaned_data:
                setattr(self.instance, name, cleaned_data[name])
        return cleaned_data

    def _update_errors(self, errors):
        # Model.clean() names the column ("end_date"); the form shows it as "end". Without
        # this, ModelForm raises ValueError for an error on a field it does not have.
        if hasattr(errors, "error_dict"):
            model = type(self.instance)
            for name in self._partial_date_names():
                column = getattr(model, name).date_field
                if column in errors.error_dict:
                    errors.error_dict.setdefault(name, []).extend(
                        errors.error_dict.pop(column)
                    )
        super()._update_errors(errors)
