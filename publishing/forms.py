"""Forms of publishing's pages: scheduling, corrections, withdrawal, the press release and the PCC's
response. Each binds input only; the services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import User
from inspectorate.forms import GovUKDateField, GovUKForm
from publishing.programme_board import SORTS
from reports.models import ReportState


class GoLiveForm(GovUKForm):
    """The go-live moment, in UK time, as a date and a time."""

    submit_label = "Schedule publication"

    go_live_date = GovUKDateField(label="Go-live date", help_text="For example, 8 12 2017", name="the go-live date")
    go_live_time = forms.TimeField(
        label="Go-live time (UK time)",
        help_text="On the 24-hour clock, for example 00:01",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "numeric", "autocomplete": "off"}
        ),
        error_messages={"required": "Enter the go-live time", "invalid": "Enter the go-live time like 00:01"},
    )

    def go_live_at(self) -> datetime.datetime:
        moment = datetime.datetime.combine(self.cleaned_data["go_live_date"], self.cleaned_data["go_live_time"])
        return timezone.make_aware(moment)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_bound and not self.errors and self.go_live_at() <= timezone.now():
            self.add_error("go_live_date", "The go-live time must be in the future")
        return data


class ChangeNoteForm(GovUKForm):
    submit_label = "Publish correction"
    change_note = forms.CharField(
        label="Change note",
        help_text="What was corrected, as the public will read it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": "Enter a change note saying what was corrected"},
    )
    change_note_cy = forms.CharField(
        label="Change note in Welsh (for a Welsh force's report)",
        help_text="The Welsh edition says it in Welsh: a Welsh force's report is corrected in both languages.",
        widget=forms.Textarea(attrs={"rows": 3, "lang": "cy"}),
        max_length=2_000,
        required=False,
    )

    def __init__(self, *args: Any, bilingual: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not bilingual:  # an English force's report has no Welsh edition to note
            del self.fields["change_note_cy"]


class WithdrawForm(GovUKForm):
    submit_label = "Withdraw"
    submit_css_class = "govuk-button--warning"
    reason = forms.CharField(
        label="Reason for withdrawing",
        help_text="The public will see this instead of the report.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": "Enter the reason for withdrawing the report"},
    )


class PressReleaseForm(GovUKForm):
    submit_label = "Save press release"
    headline = forms.CharField(label="Headline", max_length=250, error_messages={"required": "Enter a headline"})
    body = forms.CharField(
        label="Press release",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=50_000,
        error_messages={"required": "Enter the text of the press release"},
    )


class PccResponseForm(GovUKForm):
    submit_label = "Record response"
    url = forms.URLField(
        label="Link to the response",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, like https://www.example.org/response"},
        widget=forms.URLInput(attrs={"class": "govuk-input", "spellcheck": "false", "autocomplete": "url"}),
    )
    file = forms.FileField(
        label="Or the response as a file (PDF)",
        required=False,
        error_messages={"invalid": "Choose a PDF file"},
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": "application/pdf"}),
    )

    # The file is checked by parsing it, in the service (publishing.services.pcc_response_pdf).


class BoardFilterForm(forms.Form):
    """The programme board's filters and order, read from the address (a GET form)."""

    state = forms.ChoiceField(label="State", required=False)
    lead: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Lead inspector", required=False, queryset=User.objects.none(), empty_label="Any"
    )
    overdue = forms.BooleanField(label="Only those with an overdue deadline", required=False)
    sort = forms.ChoiceField(label="Order", required=False)

    def __init__(self, *args: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any"), ("not_started", "Not started"), *ReportState.choices]  # type: ignore[attr-defined]
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["sort"].choices = [("", "Force")] + [  # type: ignore[attr-defined]
            (f"{prefix}{key}", f"{label}{suffix}")
            for key, (label, _) in SORTS.items()
            for prefix, suffix in (("", ""), ("-", " (reversed)"))
        ]
