"""Partial dates: a date known only to the day, the month or the year, possibly approximate.

Reporting is vague ("early April", "last month"), and the record must not claim more precision
than its evidence. A PartialDate is the period it names (its first day plus a precision) and an
"approximate" flag. It is stored in three columns (see PartialDateAttribute) so the database can
sort and filter on the first day, and it displays the way a reader expects:

    1 April 2017 / April 2017 / c. April 2017 / 2017 / 1-3 April 2017

and in Russian, when Russian is the active language (or asked for), as a Russian editor writes
it: «1 апреля 2017 г.» / «апрель 2017 г.» / «ок. апреля 2017 г.» / «2017 г.» /
«1–3 апреля 2017 г.». Both forms parse back.

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
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

MAX_INPUT_LENGTH = 40

MONTH_NAMES = [calendar.month_name[number] for number in range(1, 13)]
_MONTHS_BY_NAME = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _MONTHS_BY_NAME[_name.lower()] = _number
    _MONTHS_BY_NAME[_name[:3].lower()] = _number
_MONTHS_BY_NAME["sept"] = 9

# Russian month names in the forms a date needs: alone (апрель 2017 г.), after a day or
# "ок." (1 апреля, ок. апреля), after "в" (в апреле), and on the time axis (апр).
RUSSIAN_MONTHS = {
    "nominative": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                   "сентябрь", "октябрь", "ноябрь", "декабрь"),
    "genitive": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                 "сентября", "октября", "ноября", "декабря"),
    "prepositional": ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле",
                      "августе", "сентябре", "октябре", "ноябре", "декабре"),
    "short": ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя",
              "дек"),
}
for _forms in RUSSIAN_MONTHS.values():
    for _number, _name in enumerate(_forms, start=1):
        _MONTHS_BY_NAME[_name] = _number
# The editors' abbreviations (янв., февр., сент., нояб.) read as well.
_MONTHS_BY_NAME.update({"февр": 2, "сент": 9, "нояб": 11})

_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")
_HUMAN = re.compile(
    r"^(?:(?P<day>\d{1,2})\s+)?(?P<month>[a-zа-яё]+)\.?,?\s+(?P<year>\d{4})$"
)
# "c." in English; "ок." or "около" in Russian ("ок" alone would eat the start of "октябрь").
_APPROXIMATE_PREFIX = re.compile(r"^(?:c\.|ca\.|circa|c|~|около|ок\.)\s*", re.IGNORECASE)
# The Russian year's "г." (or the word, "года"), and "гг." of a span of years.
_RUSSIAN_YEAR_SUFFIX = re.compile(r"(?<=\d)\s*(?:гг?\.?|года?)$")


def is_russian(language=None):
    """Whether `language` (by default the active one) is Russian: "ru", "ru-ru"..."""
    language = language or get_language() or "en"
    return language.lower().split("-")[0] == "ru"


def month_name(month, form="nominative", year=None, language=None):
    """A month's name (1 to 12) as a sentence needs it, with its year when given.

    `form` is what the sentence does with it: "nominative" (April, апрель), "genitive"
    (after a day, "с" or "ок.": апреля), "prepositional" (after "в": апреле) or "short"
    (Apr, апр). English has one form; Russian writes the year "2017 г.".
    """
    if is_russian(language):
        name = RUSSIAN_MONTHS[form][month - 1]
        return f"{name} {year} г." if year is not None else name
    name = MONTH_NAMES[month - 1]
    if form == "short":
        name = name[:3]
    return f"{name} {year}" if year is not None else name


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
            raise ValueError(
                gettext("Enter a date as text, such as 2017-04-01, 2017-04 or 2017.")
            )
        text = " ".join(text.split())
        if not text:
            raise ValueError(gettext("Enter a date."))
        if len(text) > MAX_INPUT_LENGTH:
            raise ValueError(ngettext(
                "A date is at most %(count)s character long.",
                "A date is at most %(count)s characters long.",
                MAX_INPUT_LENGTH,
            ) % {"count": MAX_INPUT_LENGTH})
        text = _RUSSIAN_YEAR_SUFFIX.sub("", text)
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
                raise ValueError(gettext("%(name)s is not the name of a month.")
                                 % {"name": repr(match["month"])})
        else:
            raise ValueError(gettext(
                "%(text)s is not a date. Use 2017-04-01, 2017-04 or 2017 "
                "(or 1 April 2017, April 2017); prefix c. for an approximate date."
            ) % {"text": repr(text)})

        year = int(year)
        if year < 1:
            raise ValueError(gettext("There is no year 0."))
        if month is None:
            return cls(datetime.date(year, 1, 1), Precision.YEAR, approximate)
        if not 1 <= month <= 12:
            raise ValueError(gettext("There is no month %(month)s: months run from 1 to 12.")
                             % {"month": month})
        if day is None:
            return cls(datetime.date(year, month, 1), Precision.MONTH, approximate)
        try:
            return cls(datetime.date(year, month, int(day)), Precision.DAY, approximate)
        except ValueError:
            # "February 2017 has no day 30." / «В феврале 2017 г. нет 30-го числа.»
            raise ValueError(gettext("%(month)s has no day %(day)s.") % {
                "month": month_name(month, "prepositional", year), "day": int(day),
            }) from None

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

    def _plain_russian(self):
        # After "ок." a month is in the genitive: «ок. апреля 2017 г.».
        form = "genitive" if self.approximate or self.precision == Precision.DAY else "nominative"
        if self.precision == Precision.YEAR:
            return f"{self.date.year} г."
        month = month_name(self.date.month, form, self.date.year, "ru")
        if self.precision == Precision.MONTH:
            return month
        return f"{self.date.day} {month}"

    def display(self, language=None):
        """As a reader of `language` (by default the active one) expects it."""
        if is_russian(language):
            return ("ок. " if self.approximate else "") + self._plain_russian()
        return ("c. " if self.approximate else "") + self._plain()

    def __str__(self):
        return self.display()

    def contains(self, day):
        return self.first_day <= day <= self.last_day


def format_range(start, end, language=None):
    """Display a period from start to end: "1-3 April 2017", "April-May 2017", "2016-2017".

    Shared parts are said once. When the two ends differ in precision or in being
    approximate, each end is displayed in full so that neither claims the other's precision.
    """
    if end is None or end == start:
        return start.display(language)
    if is_russian(language):
        return _russian_range(start, end)
    if start.precision != end.precision or start.approximate != end.approximate:
        return f"{start.display('en')} - {end.display('en')}"
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


def _russian_range(start, end):
    """«1–3 апреля 2017 г.», «28 апреля – 3 мая 2017 г.», «апрель–май 2017 г.», «2016–2017 гг.»:
    an en dash, spaced between parts of more than one word, as Russian typography sets it."""
    if start.precision != end.precision or start.approximate != end.approximate:
        return f"{start.display('ru')} – {end.display('ru')}"
    prefix = "ок. " if start.approximate else ""
    first, last = start.date, end.date
    if start.precision == Precision.YEAR:
        return f"{prefix}{first.year}–{last.year} гг."
    if first.year != last.year:
        return f"{prefix}{start._plain_russian()} – {end._plain_russian()}"
    if start.precision == Precision.MONTH:
        form = "genitive" if start.approximate else "nominative"
        return (f"{prefix}{month_name(first.month, form, language='ru')}–"
                f"{month_name(last.month, form, last.year, 'ru')}")
    last_day = f"{last.day} {month_name(last.month, 'genitive', last.year, 'ru')}"
    if first.month == last.month:
        return f"{prefix}{first.day}–{last_day}"
    return f"{prefix}{first.day} {month_name(first.month, 'genitive', language='ru')} – {last_day}"


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


PARTIAL_DATE_HELP = gettext_lazy(
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
