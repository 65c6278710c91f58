from django import forms
from django.core.exceptions import ValidationError

from .partial_dates import MAX_INPUT_LENGTH, PartialDate

PARTIAL_DATE_HELP = (
    "As precise as the evidence allows: “1 April 2017” or 2017-04-01 for a day, “April 2017” or "
    "2017-04 for a month, 2017 for a year. Prefix “c.” when approximate (“c. April 2017”)."
)


class PartialDateFormField(forms.Field):
    """One text box for a partial date; cleans to a PartialDate (or None when optional)."""

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
