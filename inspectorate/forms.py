"""The base of every staff and public form: GOV.UK Design System markup (crispy-forms-gds) and
error messages in GOV.UK's wording ("Enter ...", "Select ...")."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms


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
