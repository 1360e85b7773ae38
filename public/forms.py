"""The public site's forms: the filters and search of ``/reports/``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from public.selectors import ReportFilterChoices, ReportQuery
from reports.search import normalise_query

#: What a filter value that matches nothing public gets, by filter: whole sentences, for translation.
NO_MATCH = {
    "force": _("There is no published report for that force: choose one from the list (this filter was ignored)"),
    "programme": _(
        "There is no published report for that programme: choose one from the list (this filter was ignored)"
    ),
    "year": _("There is no published report for that year: choose one from the list (this filter was ignored)"),
    "pillar": _("There is no published report for that pillar: choose one from the list (this filter was ignored)"),
    "grade": _(
        "There is no published report for that overall grade: choose one from the list (this filter was ignored)"
    ),
}


class ReportFilterForm(forms.Form):
    """The filters and search box of ``/reports/``, read from the query string. A value that is not
    one of the choices is an error on its own field: the page says so and ignores that filter only."""

    q = forms.CharField(label=_("Search reports"), required=False)
    force = forms.ChoiceField(label=_("Force"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    pillar = forms.ChoiceField(label=_("Pillar"), required=False)
    grade = forms.ChoiceField(label=_("Overall grade"), required=False)

    def __init__(self, *args: Any, choices: ReportFilterChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A search box never refuses text: clean_q drops null and control characters instead.
        self.fields["q"].validators = []
        any_ = [("", _("Any"))]
        fields = self.fields
        fields["force"].choices = any_ + choices.forces  # type: ignore[attr-defined]
        fields["programme"].choices = any_ + choices.programmes  # type: ignore[attr-defined]
        fields["year"].choices = any_ + [(str(year), str(year)) for year in choices.years]  # type: ignore[attr-defined]
        fields["pillar"].choices = any_ + choices.pillars  # type: ignore[attr-defined]
        fields["grade"].choices = any_ + choices.grades  # type: ignore[attr-defined]
        for name in ("force", "programme", "year", "pillar", "grade"):
            fields[name].error_messages["invalid_choice"] = NO_MATCH[name]

    def clean_q(self) -> str:
        return normalise_query(self.cleaned_data.get("q") or "")

    def query(self) -> ReportQuery:
        """The valid part of the input (the form must have been validated)."""
        data = getattr(self, "cleaned_data", {})
        return ReportQuery(
            text=data.get("q") or "",
            force=data.get("force") or "",
            programme=data.get("programme") or "",
            year=data.get("year"),
            pillar=data.get("pillar") or "",
            grade=data.get("grade") or "",
        )
