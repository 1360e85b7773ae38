from __future__ import annotations

from typing import Any

from django import forms

from inspectorate.forms import GovUKForm
from notifications.kinds import Delivery, Kind


class NotificationSettingsForm(GovUKForm):
    """One radio group per kind a person may choose for."""

    submit_label = "Save settings"

    def __init__(self, *args: Any, choices: list[tuple[Kind, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, delivery in choices:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, initial=delivery, widget=forms.RadioSelect
            )
        # GovUKForm has set the button and the messages; the fields came after, so set theirs too.
        for field in self.fields.values():
            field.error_messages["required"] = "Select how you want to hear of this"
