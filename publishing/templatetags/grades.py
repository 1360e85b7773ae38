"""``{{ grade|grade_tag }}``: a grade as a coloured tag that always says the grade in words, so the
colour never carries the meaning alone (WCAG 1.4.1)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from inspections.models import Grade
from inspectorate.languages import is_welsh
from publishing.rendering import JudgmentRow

register = template.Library()

#: Grades with a colour of their own (frontend/inspectorate.scss); any other grade is grey.
COLOURED = frozenset({"outstanding", "good", "adequate", "requires-improvement", "inadequate"})


@register.filter
def grade_tag(grade: Grade | JudgmentRow | None) -> SafeString:
    """A ``Grade`` (its Welsh in Welsh), or the grade of a row of a report's judgments table (which says it
    in the report's language already)."""
    if isinstance(grade, JudgmentRow):
        label, slug = grade.grade, grade.grade_slug
    elif grade is not None:
        label, slug = grade.label, grade.slug
        if is_welsh():  # a grade with no Welsh yet is shown in English, marked so
            label = grade.label_cy or format_html('<span lang="en">{}</span>', grade.label)
    if grade is None or not slug:
        return format_html('<strong class="govuk-tag app-grade app-grade--none">{}</strong>', gettext("Not graded"))
    modifier = slug if slug in COLOURED else "other"
    return format_html('<strong class="govuk-tag app-grade app-grade--{}">{}</strong>', modifier, label)
