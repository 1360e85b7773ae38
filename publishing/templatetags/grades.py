"""``{{ grade|grade_tag }}``: a grade as a coloured tag that always says the grade in words, so the
colour never carries the meaning alone (WCAG 1.4.1)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from inspections.models import Grade
from publishing.rendering import JudgmentRow

register = template.Library()

#: Grades with a colour of their own (frontend/inspectorate.scss); any other grade is grey.
COLOURED = frozenset({"outstanding", "good", "adequate", "requires-improvement", "inadequate"})


@register.filter
def grade_tag(grade: Grade | JudgmentRow | None) -> SafeString:
    """A ``Grade``, or the grade of a row of a report's judgments table."""
    if isinstance(grade, JudgmentRow):
        label, slug = grade.grade, grade.grade_slug
    elif grade is not None:
        label, slug = grade.label, grade.slug
    if grade is None or not slug:
        return format_html('<strong class="govuk-tag app-grade app-grade--none">Not graded</strong>')
    modifier = slug if slug in COLOURED else "other"
    return format_html('<strong class="govuk-tag app-grade app-grade--{}">{}</strong>', modifier, label)
