"""Forms of the workspace. Each binds input only; the services and selectors decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Layout, Submit
from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.models import User
from inspections.models import FindingOutcome, Force, Grade, Programme
from inspectorate.forms import GovUKDateField, GovUKForm
from reports.audit import LIAISON_PREFIX, TrailChoices
from reports.models import FactCheckPoint
from reports.services import MAX_PART_CHARACTERS


class PartForm(GovUKForm):
    """One part of the report, in Markdown, with the revision it was based on."""

    submit_label = "Save"

    text = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "true", "data-preview-source": "true"}),
        max_length=MAX_PART_CHARACTERS,
        error_messages={"max_length": f"The text must be {MAX_PART_CHARACTERS:,} characters or fewer"},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, label: str = "Text", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = (
            f"Text of {label[0].lower()}{label[1:]}" if not label[0].isdigit() else f"Text of section {label}"
        )
        self.fields["text"].help_text = "Write in Markdown: see the formatting guide."
        self.helper.add_input(Submit("preview", "Preview", css_class="govuk-button--secondary"))


class ReasonForm(GovUKForm):
    submit_label = "Request changes"
    submit_css_class = "govuk-button--secondary"
    reason = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Enter what needs to change"},
    )


class ApproveForm(GovUKForm):
    submit_label = "Approve"
    revision = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(GovUKForm):
    submit_label = "Add comment"
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        error_messages={"required": "Enter your comment"},
    )
    part = forms.CharField(widget=forms.HiddenInput, required=False)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MultilineField(forms.CharField):
    """A textarea's text with its line breaks as ``\n``: browsers send ``\r\n``, so without this a
    text sent back untouched would count as changed."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n")


def for_whom(text: str, whom: str) -> SafeString:
    """``text`` with " for <whom>" for screen readers only: each item's fields have their own names,
    while sighted readers take the item from its heading."""
    return format_html('{}<span class="govuk-visually-hidden"> for {}</span>', text, whom)


class ItemForm(GovUKForm):
    """One item of a page that saves many in one submission. Left as it was, it is neither validated
    nor saved (``empty_permitted``); its error messages name the item, as the page's one error
    summary lists them all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)


class JudgmentForm(ItemForm):
    """The grade and narrative for one question, or for a pillar overall."""

    def __init__(self, *args: Any, grades: list[Grade] | None, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grades is not None:
            self.fields["grade"] = forms.ChoiceField(
                label=for_whom("Grade", label),
                choices=[(str(grade.pk), grade.label) for grade in grades],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select a grade for {label}",
                    "invalid_choice": f"Select one of the grades listed for {label}",
                },
            )
        self.fields["narrative"] = MultilineField(
            label=for_whom("Narrative", label),
            help_text="What the report says about this judgment. Optional.",
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            max_length=20_000,
            error_messages={"max_length": f"The narrative for {label} must be 20,000 characters or fewer"},
        )
        self.order_fields(["grade", "narrative"])


class FindingForm(GovUKForm):
    submit_label = "Add finding"
    KINDS = (("afi", "Area for improvement"), ("notable", "Notable practice"))

    kind = forms.ChoiceField(
        label="Kind of finding",
        choices=KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of finding"},
    )
    question = forms.TypedChoiceField(label="Section", coerce=int, error_messages={"required": "Select a section"})
    text = forms.CharField(
        label="Finding",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        error_messages={"required": "Enter the finding"},
    )

    def __init__(self, *args: Any, questions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "Select a section"), *questions]  # type: ignore[attr-defined]


class FindingChangeForm(GovUKForm):
    """A recorded finding's words and section; a recommendation's deadline too."""

    submit_label = "Save changes"

    question = forms.TypedChoiceField(
        label="Section", coerce=int, required=False, empty_value=None, error_messages={"required": "Select a section"}
    )
    text = forms.CharField(
        label="Finding",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5_000,
        error_messages={"required": "Enter the finding"},
    )
    deadline = GovUKDateField(label="Deadline", help_text="For example, 30 6 2018", required=False, name="the deadline")

    def __init__(self, *args: Any, questions: list[tuple[int, str]], recommendation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "The whole report"), *questions]  # type: ignore[attr-defined]
        if not recommendation:
            del self.fields["deadline"]


class CauseOfConcernForm(GovUKForm):
    submit_label = "Add cause of concern"

    question = forms.TypedChoiceField(label="Section", coerce=int, error_messages={"required": "Select a section"})
    text = forms.CharField(
        label="Cause of concern",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        error_messages={"required": "Enter the cause of concern"},
    )
    recommendation = forms.CharField(
        label="Recommendation",
        help_text="A cause of concern always carries at least one recommendation.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        error_messages={"required": "Enter a recommendation: a cause of concern always carries one"},
    )
    deadline = GovUKDateField(
        label="Recommendation deadline",
        help_text="For example, 30 6 2018. Leave it empty if there is none.",
        required=False,
        name="the deadline",
    )
    accelerated = forms.BooleanField(label="Raised early (accelerated cause of concern)", required=False)

    def __init__(self, *args: Any, questions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "Select a section"), *questions]  # type: ignore[attr-defined]


class OutcomeForm(ItemForm):
    """What became of one earlier finding, named by ``label``."""

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"] = forms.ChoiceField(
            label=for_whom("What became of it", label),
            choices=FindingOutcome.Outcome.choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": f"Select what became of {label}",
                "invalid_choice": f"Select one of the outcomes listed for {label}",
            },
        )
        self.fields["note"] = MultilineField(
            label=for_whom("Note", label),
            help_text="Optional.",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=5_000,
            error_messages={"max_length": f"The note on {label} must be 5,000 characters or fewer"},
        )


def error_links(forms_with_anchors: Iterable[tuple[forms.Form, str]]) -> list[tuple[str, str]]:
    """Each error of several forms, with where a GOV.UK error summary links it: a field's error to
    its input (the first radio of a radio group), a form's own error to ``anchor``, the item it is for."""
    links: list[tuple[str, str]] = []
    for form, anchor in forms_with_anchors:
        links.extend((str(message), anchor) for message in form.non_field_errors())
        for field in form:
            target = f"{field.auto_id}_1" if isinstance(field.field.widget, forms.RadioSelect) else field.id_for_label
            links.extend((str(message), target) for message in field.errors)
    return links


class FactCheckIssueForm(GovUKForm):
    submit_label = "Issue link"
    liaison_name = forms.CharField(
        label="Liaison's name", max_length=200, error_messages={"required": "Enter the liaison's name"}
    )
    liaison_email = forms.EmailField(
        label="Liaison's email address",
        error_messages={
            "required": "Enter the liaison's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    working_days = forms.IntegerField(
        label="Working days the link stays open",
        initial=10,
        min_value=1,
        max_value=30,
        error_messages={
            "required": "Enter how many working days the link stays open",
            "min_value": "The link must stay open for at least 1 working day",
            "max_value": "The link can stay open for 30 working days at most",
            "invalid": "Enter a whole number of working days",
        },
    )


class FactCheckPointForm(GovUKForm):
    submit_label = "Send this point"
    part = forms.ChoiceField(label="Which part of the report", required=False)
    text = forms.CharField(
        label="The point of factual accuracy",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Enter the point you want to raise"},
    )

    def __init__(self, *args: Any, parts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [("", "The report as a whole"), *parts]  # type: ignore[attr-defined]


class DecisionForm(GovUKForm):
    submit_label = "Save decision"
    decision = forms.ChoiceField(
        label="Decision",
        choices=FactCheckPoint.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select accept or reject"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        error_messages={"required": "Enter the reason for your decision"},
    )


class TrailFilterForm(forms.Form):
    """The filters of a trail page, read from the query string: a person, an action and, across
    inspections, a force and a programme, each from what the trail holds. A value it does not hold
    (a made-up id, an action nobody took) is an error on its own field: the page says so, shows the
    filter cleared and ignores it."""

    actor = forms.ChoiceField(label="Person", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    force = forms.TypedChoiceField(label="Force", required=False, coerce=int, empty_value=None)
    programme = forms.TypedChoiceField(label="Programme", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, choices: TrailChoices, across: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        people: list[Any] = [("", "Anyone")]
        if choices.staff:
            people.append(("Staff", choices.staff))
        if choices.liaisons:
            people.append(("Force liaisons (through a fact-check link)", choices.liaisons))
        fields["actor"].choices = people  # type: ignore[attr-defined]
        fields["action"].choices = [("", "Any"), *choices.actions]  # type: ignore[attr-defined]
        if across:
            fields["force"].choices = [("", "Any"), *choices.forces]  # type: ignore[attr-defined]
            fields["programme"].choices = [("", "Any"), *choices.programmes]  # type: ignore[attr-defined]
        else:
            del fields["force"], fields["programme"]
        for field in fields.values():
            field.error_messages["invalid_choice"] = (
                f"This trail has no such {str(field.label).lower()}: choose one from the list (this filter was ignored)"
            )
        column = "govuk-grid-column-one-quarter" if across else "govuk-grid-column-one-half"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_method = "get"  # no CSRF token: it would end up in the address
        self.helper.layout = Layout(
            Div(
                *(Div(Field(name, css_class="govuk-!-width-full"), css_class=column) for name in fields),
                css_class="govuk-grid-row",
            )
        )

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``reports.audit.trail`` (the form must have been
        validated, or be unbound)."""
        data = getattr(self, "cleaned_data", {})
        actor = data.get("actor") or ""
        filters: dict[str, Any] = {"action": data.get("action") or ""}
        if actor.startswith(LIAISON_PREFIX):
            filters["fact_check_id"] = int(actor.removeprefix(LIAISON_PREFIX))
        elif actor:
            filters["actor_id"] = int(actor)
        if data.get("force") is not None:
            filters["force_id"] = data["force"]
        if data.get("programme") is not None:
            filters["programme_id"] = data["programme"]
        return filters

    def in_use(self) -> bool:
        return any(value for value in self.filters().values())

    def query_string(self) -> str:
        """The valid filters in use, as a query string (for the download of the same events)."""
        data = getattr(self, "cleaned_data", {})
        return urlencode({name: self.data[name] for name in self.fields if data.get(name) not in (None, "")})


class PartsAssignForm(GovUKForm):
    """Who writes each part: one choice of team member per part."""

    submit_label = "Save assignments"

    def __init__(self, *args: Any, parts: Iterable[Any], people: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in parts:
            field = forms.ModelChoiceField(
                label=part.title, queryset=people, required=False, empty_label="Nobody in particular"
            )
            field.initial = current.get(part.key)
            field.error_messages["invalid_choice"] = "Select someone on the inspection's team"
            self.fields[part.key] = field


class DeadlineForm(GovUKForm):
    """An inspection's own date for one step of its timetable, and why."""

    submit_label = "Change the date"

    due_on = GovUKDateField(label="New date", help_text="For example, 27 3 2027", name="the new date")
    reason = forms.CharField(
        label="Why the date changes",
        help_text="The team, editors and the audit trail will see this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": "Enter why the date changes"},
    )


class ReportListForm(forms.Form):
    """The workspace's list of reports: filters and a text search, read from the address."""

    q = forms.CharField(label="Search drafts and findings", required=False, max_length=200)
    programme: forms.ModelChoiceField[Programme] = forms.ModelChoiceField(
        label="Programme", required=False, queryset=Programme.objects.none(), empty_label="Any"
    )
    force: forms.ModelChoiceField[Force] = forms.ModelChoiceField(
        label="Force", required=False, queryset=Force.objects.none(), empty_label="Any"
    )
    state = forms.ChoiceField(label="State", required=False)
    person: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Person on the inspection", required=False, queryset=User.objects.none(), empty_label="Anyone"
    )
    overdue = forms.BooleanField(label="Only those with an overdue deadline", required=False)

    def __init__(self, *args: Any, programmes: Any, forces: Any, people: Any, states: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["force"].queryset = forces  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", "Any"), *states]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = (
                f"There is no such {str(field.label).lower()}: choose one from the list (this filter was ignored)"
            )
