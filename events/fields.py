"""Reusable field machinery of the record's models: web addresses that can only be http(s),
optimistic concurrency (`Versioned`), and the columns behind each partial date.

Kept apart from models.py so that it holds the record itself; nothing here knows the record.
"""

from django.core.validators import URLValidator
from django.db import models

from .partial_dates import Precision

HTTP_URL_MESSAGE = "Enter a web address starting with http:// or https://."
http_url_validator = URLValidator(schemes=["http", "https"], message=HTTP_URL_MESSAGE)


class HttpURLField(models.URLField):
    """A URL that can only be http(s): no javascript:, data: or ftp: links in the record."""

    default_validators = [http_url_validator]

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("error_messages", {"invalid": HTTP_URL_MESSAGE})
        return super().formfield(**kwargs)


class ConcurrentEditError(Exception):
    """Someone else saved this object after the copy being saved was loaded."""

    def __init__(self, instance, expected_version):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(
            f"{instance._meta.verbose_name.capitalize()} {instance.pk} was saved by someone else "
            f"after version {expected_version} was opened."
        )


class Versioned(models.Model):
    """Optimistic concurrency: every save bumps `version` in the same UPDATE that writes the
    row, and an editor's save (one that sets `expected_version`, as the admin forms do) only
    matches a row still at the version the editor opened. Under real concurrency the second of
    two such UPDATEs waits for the first to commit, then matches nothing, so the second save
    is refused with ConcurrentEditError instead of silently overwriting the first."""

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Counts the saves of this row."
    )

    expected_version = None

    class Meta:
        abstract = True

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # Django's hook for the UPDATE of save(), the place django-concurrency uses too.
        version_field = self._meta.get_field("version")
        values = [item for item in values if item[0] is not version_field]
        values.append((version_field, None, models.F("version") + 1))
        expected = self.expected_version
        if expected is not None:
            base_qs = base_qs.filter(version=expected)
        updated = super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if expected is not None:
            if not updated:
                raise ConcurrentEditError(self, expected)
            self.version = self.expected_version = expected + 1
        return updated


def precision_field(verbose_name):
    return models.PositiveSmallIntegerField(
        f"{verbose_name} precision", choices=Precision.choices, default=Precision.DAY
    )


class NormalizedPartialDates:
    """Stores each partial date by its period's first day ("April 2017" as 2017-04-01).

    Sorting and filtering compare stored first days, so a month-precision date saved as
    2017-04-15 would sort wrongly: saving snaps it to the period's first day.
    """

    partial_dates = ()

    def save(self, *args, **kwargs):
        for name in self.partial_dates:
            setattr(self, name, getattr(self, name))
        super().save(*args, **kwargs)
