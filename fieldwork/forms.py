"""Fieldwork's forms, in GOV.UK Design System markup (``GovUKForm``)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Submit
from django import forms

from fieldwork.files import ACCEPTED, max_megabytes
from fieldwork.models import ConflictDeclaration, Phase, TeamRole
from inspections.evidence import Evidence
from inspectorate.forms import GovUKDateField, GovUKForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def files_field(label: str = "Files (optional)") -> MultipleFileField:
    return MultipleFileField(
        label=label,
        help_text=f"You can choose several. Each must be {ACCEPTED}, up to {max_megabytes()} MB.",
    )


class PhaseForm(GovUKForm):
    submit_label = "Save the phase"

    kind = forms.ChoiceField(label="Phase", choices=[("", "Select a phase"), *Phase.Kind.choices])
    starts_on = GovUKDateField(label="Starts", help_text="For example, 6 3 2017", name="the day it starts")
    ends_on = GovUKDateField(label="Ends", help_text="For example, 24 3 2017", name="the day it ends")


class TeamMemberForm(GovUKForm):
    submit_label = "Add to the team"

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = forms.ModelChoiceField(
            label="Person",
            queryset=people,
            empty_label="Select a person",
            error_messages={"required": "Select a person"},
        )
        self.fields["role"] = forms.ChoiceField(
            label="Role on the team", choices=[("", "Select a role"), *TeamRole.Role.choices]
        )
        self.fields = {"person": self.fields["person"], "role": self.fields["role"]}


class ConflictForm(GovUKForm):
    submit_label = "Declare the link"

    def __init__(self, *args: Any, forces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force"] = forms.ModelChoiceField(
            label="Force", queryset=forces, empty_label="Select a force", error_messages={"required": "Select a force"}
        )
        self.order_fields(["force", "kind", "served_until", "detail"])

    kind = forms.ChoiceField(
        label="What the link is", choices=ConflictDeclaration.Kind.choices, widget=forms.RadioSelect
    )
    served_until = GovUKDateField(
        label="For service: when it ended",
        help_text="Leave empty if you still serve. For example, 30 6 2014",
        required=False,
        name="the day service ended",
    )
    detail = forms.CharField(label="Detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ForceRequestForm(GovUKForm):
    submit_label = "Add the request"

    title = forms.CharField(label="What the team asks for", max_length=200)
    detail = forms.CharField(label="Detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = GovUKDateField(label="Due", help_text="For example, 17 2 2017", name="the due date")


class LiaisonLinkForm(GovUKForm):
    submit_label = "Make the link"

    liaison_name = forms.CharField(label="The force liaison's name", max_length=200)
    liaison_email = forms.EmailField(
        label="Their email address",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )


class RequestAnswerForm(GovUKForm):
    """The liaison's answer to one request. The liaison's page holds one a request: each form's button has an
    id of its own and is described by its request's heading, so "Send" is never ambiguous."""

    submit_label = "Send"

    def __init__(self, *args: Any, request_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.inputs = [
            Submit(
                "submit",
                self.submit_label,
                css_id=f"send-{request_id}",
                **{"aria-describedby": f"request-{request_id}"},
            )
        ]

    note = forms.CharField(
        label="A note to the team (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = files_field()


class EvidenceForm(GovUKForm):
    submit_label = "Log the evidence"

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questions"] = forms.ModelMultipleChoiceField(
            label="The questions it bears on",
            queryset=questions,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["kind", "gathered_on", "summary", "questions", "notes", "attachments"])

    kind = forms.ChoiceField(label="Kind of evidence", choices=[("", "Select a kind"), *Evidence.Kind.choices])
    gathered_on = GovUKDateField(label="Gathered on", help_text="For example, 8 3 2017", name="the day it was gathered")
    summary = forms.CharField(
        label="Summary",
        help_text="What it shows, in a few sentences. No names of members of the public.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5_000,
    )
    notes = forms.CharField(
        label="Working notes (optional)",
        help_text="May name people. Deleted when the retention period ends.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = files_field()


class AuditStartForm(GovUKForm):
    submit_label = "Start the audit"

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questions"] = forms.ModelMultipleChoiceField(
            label="The questions it bears on", queryset=questions, required=False, widget=forms.CheckboxSelectMultiple
        )

    title = forms.CharField(label="What the sample is", help_text="For example, Domestic abuse crimes, March 2017")
    title_cy = forms.CharField(
        label="What the sample is, in Welsh (optional)",
        help_text="A Welsh force's report prints it. For example, Troseddau cam-drin domestig, Mawrth 2017",
        required=False,
    )
    gathered_on = GovUKDateField(
        label="Reviewed on", help_text="For example, 14 3 2017", name="the day it was reviewed"
    )
    references = forms.CharField(
        label="The force's reference of each case file",
        help_text="One a line. References only: no names or other personal data.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ModerationForm(GovUKForm):
    submit_label = "Record the decision"

    def __init__(self, *args: Any, grades: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"] = forms.ModelChoiceField(
            label="Moderated grade",
            queryset=grades,
            empty_label="Select a grade",
            error_messages={"required": "Select a grade"},
        )
        self.fields["grade"].label_from_instance = lambda grade: grade.label  # type: ignore[attr-defined]
        self.order_fields(["grade", "reason"])

    reason = forms.CharField(
        label="Reason",
        help_text="Needed when the grade changes. The team and the audit trail will see it.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
    )
