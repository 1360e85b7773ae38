"""The base of every staff and public form: GOV.UK Design System markup (crispy-forms-gds) and
error messages in GOV.UK's wording ("Enter ...", "Select ...")."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.html import conditional_escape


class GovUKForm(forms.Form):
    """A form rendered with the GOV.UK Design System.

    ``submit_label`` names its button. A required field left empty says "Enter <label>" (or
    "Select <label>" for a choice), in lower case, as the Design System asks.
    """

    submit_label = "Continue"
    submit_css_class = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "").lower()
            verb = "Select" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "Enter"
            field.error_messages.setdefault("required", f"{verb} {label}")
            if field.error_messages["required"] == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = f"{verb} {label}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", self.submit_label, css_class=self.submit_css_class))

    def __getitem__(self, name: str) -> forms.BoundField:
        # crispy-forms-gds renders labels, legends and hints with |safe. Whatever a form set them to
        # (a question's title from the admin, say) is escaped here, once, as the field is rendered;
        # markup built with format_html (already safe) is kept.
        field = self.fields[name]
        field.label = conditional_escape(field.label) if field.label is not None else None
        field.help_text = conditional_escape(field.help_text)
        return super().__getitem__(name)


class GovUKDateField(DateInputField):  # type: ignore[misc]
    """The Design System's date input: day, month and year in three boxes, never the browser's picker
    (which shows the date in the browser's own order, mm/dd/yyyy in some). Messages in GOV.UK's words;
    ``name`` is what the date is, for them ("the deadline")."""

    def __init__(self, *, name: str = "the date", **kwargs: Any) -> None:
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.name = name
        self.error_messages.update(
            {
                "required": f"Enter {name}",
                "incomplete": f"Enter {name} as a day, month and year",
                "invalid": f"{name[0].upper()}{name[1:]} must be a real date",
            }
        )
        for part, subfield in zip(("day", "month", "year"), self.fields, strict=True):
            subfield.error_messages["incomplete"] = f"{name[0].upper()}{name[1:]} must include a {part}"
            subfield.validators = [
                RegexValidator(r"^[0-9]{1,2}$" if part != "year" else r"^[0-9]{4}$", self.error_messages["invalid"])
            ]

    def compress(self, data_list: Any) -> datetime.date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
