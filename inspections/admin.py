"""The admin of reference data: forces, grading scales, pillars and programmes (administrators only).

An inspection and its record (judgments, findings, outcomes) are in ``reports.record_admin``, which
saves through the record services, since their lifecycle follows the inspection's report.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from inspections.evidence import ChecklistMeasure
from inspections.models import Force, Grade, GradingScale, Pillar, Programme, Question
from inspections.timetable import ProgrammeDeadline
from inspectorate.site_version import site_changed_on_commit

# --- Reference data ------------------------------------------------------------------------


class ReferenceDataAdmin(admin.ModelAdmin[Any]):
    """Reference data is public in itself: any change moves the public site's version once committed."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        site_changed_on_commit()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        site_changed_on_commit()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        site_changed_on_commit()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        site_changed_on_commit()


@admin.register(Force)
class ForceAdmin(ReferenceDataAdmin):
    list_display = ("name", "country", "region", "former_name")
    list_filter = ("country", "region")
    search_fields = ("name", "former_name", "region")
    prepopulated_fields = {"slug": ("name",)}


class GradeInline(admin.TabularInline[Grade, GradingScale]):
    model = Grade
    extra = 0
    prepopulated_fields = {"slug": ("label",)}


@admin.register(GradingScale)
class GradingScaleAdmin(ReferenceDataAdmin):
    list_display = ("name", "grade_labels")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (GradeInline,)

    @admin.display(description="grades, best first")
    def grade_labels(self, obj: GradingScale) -> str:
        return ", ".join(grade.label for grade in obj.grades.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[GradingScale]:
        return super().get_queryset(request).prefetch_related("grades")


@admin.register(Pillar)
class PillarAdmin(ReferenceDataAdmin):
    list_display = ("name", "order")
    search_fields = ("name",)


class QuestionInline(admin.TabularInline[Question, Programme]):
    model = Question
    extra = 0
    fields = ("number", "pillar", "short_title", "text", "short_title_cy", "text_cy", "graded", "is_strand")


class TimetableInline(admin.TabularInline[ProgrammeDeadline, Programme]):
    """The programme's timetable: each step as a date, or as working days after an inspection's
    fieldwork ends. An inspection changes a date of its own, with a reason, from its report's page."""

    model = ProgrammeDeadline
    extra = 0
    fields = ("milestone", "due_on", "working_days_after_fieldwork")
    verbose_name = "deadline"
    verbose_name_plural = "timetable"


class ChecklistInline(admin.TabularInline[ChecklistMeasure, Programme]):
    """The measures each case file is checked against in this programme's case-file audits."""

    model = ChecklistMeasure
    extra = 0
    verbose_name = "case-file checklist measure"


@admin.register(Programme)
class ProgrammeAdmin(ReferenceDataAdmin):
    list_display = ("name", "year", "scale", "pillar_names")
    list_filter = ("year", "scale", "pillars")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("pillars", "editors")
    inlines = (QuestionInline, TimetableInline, ChecklistInline)

    @admin.display(description="pillars")
    def pillar_names(self, obj: Programme) -> str:
        return ", ".join(pillar.name for pillar in obj.pillars.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return super().get_queryset(request).select_related("scale").prefetch_related("pillars")
