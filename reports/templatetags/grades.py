"""``{{ grade|grade_tag }}``: a grade as a coloured tag that always says the grade in words, so the
colour never carries the meaning alone (WCAG 1.4.1)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from inspections.models import Grade

register = template.Library()

#: Grades with a colour of their own (frontend/inspectorate.scss); any other grade is grey.
COLOURED = frozenset({"outstanding", "good", "adequate", "requires-improvement", "inadequate"})


@register.filter
def grade_tag(grade: Grade | None) -> SafeString:
    if grade is None:
        return format_html('<strong class="govuk-tag app-grade app-grade--none">Not graded</strong>')
    modifier = grade.slug if grade.slug in COLOURED else "other"
    return format_html('<strong class="govuk-tag app-grade app-grade--{}">{}</strong>', modifier, grade.label)
