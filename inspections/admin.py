"""The admin as the inspectors' daily record-keeping tool.

Model permissions (the role groups) decide what a person may see; ``accounts.permissions`` decides
which inspections they may change. Every admin class for an inspection's record asks it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from accounts.permissions import can_change_inspection, inspections_changeable_by, is_administrator
from inspections.models import (
    AreaForImprovement,
    CauseOfConcern,
    FindingOutcome,
    Force,
    Grade,
    GradingScale,
    Inspection,
    Judgment,
    NotablePractice,
    Pillar,
    Programme,
    Question,
    Recommendation,
    RecommendationUpdate,
)
from inspections.selectors import earlier_open_findings
from inspections.services import recommendation_status_sync

# --- Reference data ------------------------------------------------------------------------


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin[Force]):
    list_display = ("name", "country", "region", "former_name")
    list_filter = ("country", "region")
    search_fields = ("name", "former_name", "region")
    prepopulated_fields = {"slug": ("name",)}


class GradeInline(admin.TabularInline[Grade, GradingScale]):
    model = Grade
    extra = 0
    prepopulated_fields = {"slug": ("label",)}


@admin.register(GradingScale)
class GradingScaleAdmin(admin.ModelAdmin[GradingScale]):
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
class PillarAdmin(admin.ModelAdmin[Pillar]):
    list_display = ("name", "order")
    search_fields = ("name",)


class QuestionInline(admin.TabularInline[Question, Programme]):
    model = Question
    extra = 0
    fields = ("number", "pillar", "short_title", "text", "graded", "is_strand")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ("name", "year", "scale", "pillar_names")
    list_filter = ("year", "scale", "pillars")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("pillars",)
    inlines = (QuestionInline,)

    @admin.display(description="pillars")
    def pillar_names(self, obj: Programme) -> str:
        return ", ".join(pillar.name for pillar in obj.pillars.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return super().get_queryset(request).select_related("scale").prefetch_related("pillars")


# --- The inspection's record ---------------------------------------------------------------


def _current_inspection(request: HttpRequest) -> Inspection | None:
    return getattr(request, "_inspection_being_edited", None)


class InspectionRecordInline(admin.TabularInline[Any, Inspection]):
    """An inline of an inspection's record: changeable only by those who may change the inspection."""

    extra = 0

    def _may_change(self, request: HttpRequest, obj: Inspection | None) -> bool:
        return obj is None or can_change_inspection(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:  # type: ignore[override]
        return super().has_add_permission(request, obj) and self._may_change(request, obj)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:  # type: ignore[override]
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:  # type: ignore[override]
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:  # type: ignore[type-arg]
        inspection = _current_inspection(request)
        if inspection is not None:
            if db_field.name == "question":
                kwargs["queryset"] = inspection.programme.questions.all()
            elif db_field.name == "pillar":
                kwargs["queryset"] = inspection.programme.pillars.all()
            elif db_field.name == "grade":
                kwargs["queryset"] = Grade.objects.filter(scale_id=inspection.programme.scale_id)
            elif db_field.name == "finding":
                kwargs["queryset"] = earlier_open_findings(inspection=inspection)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class JudgmentInline(InspectionRecordInline):
    model = Judgment
    fields = ("pillar", "question", "grade", "narrative")


class AreaForImprovementInline(InspectionRecordInline):
    model = AreaForImprovement
    fields = ("question", "text", "follows_up", "order")
    raw_id_fields = ("follows_up",)
    verbose_name_plural = "areas for improvement"


class NotablePracticeInline(InspectionRecordInline):
    model = NotablePractice
    fields = ("question", "text", "order")
    verbose_name_plural = "notable practice"


class FindingOutcomeInline(InspectionRecordInline):
    model = FindingOutcome
    fields = ("finding", "outcome", "note")
    verbose_name = "what became of an earlier finding"
    verbose_name_plural = "what became of the force's earlier findings"


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin[Inspection]):
    list_display = ("force", "programme", "lead_inspector", "status", "fieldwork_start", "overall_grades")
    list_filter = (
        "programme",
        "status",
        "force__region",
        "force",
        ("judgments__grade", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("force", "programme", "lead_inspector")
    search_fields = ("force__name", "force__former_name", "programme__name", "lead_inspector__name")
    autocomplete_fields = ("force", "lead_inspector", "team")
    date_hierarchy = "fieldwork_start"
    readonly_fields = ("earlier_open_findings",)
    fieldsets = (
        (None, {"fields": ("force", "programme", "status")}),
        ("People", {"fields": ("lead_inspector", "team")}),
        ("Fieldwork", {"fields": ("fieldwork_start", "fieldwork_end")}),
        ("The force's open findings from earlier inspections", {"fields": ("earlier_open_findings",)}),
    )
    inlines = (JudgmentInline, AreaForImprovementInline, NotablePracticeInline, FindingOutcomeInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inspection]:
        return super().get_queryset(request).prefetch_related("judgments__grade", "judgments__pillar")

    def get_readonly_fields(self, request: HttpRequest, obj: Inspection | None = None) -> tuple[str, ...]:
        if is_administrator(request.user):
            return ("earlier_open_findings",)
        # The team plans nothing: who inspects what is for administrators to decide.
        return ("force", "programme", "lead_inspector", "team", "earlier_open_findings")

    def get_form(self, request: HttpRequest, obj: Inspection | None = None, change: bool = False, **kwargs: Any) -> Any:
        request._inspection_being_edited = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or can_change_inspection(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or can_change_inspection(request.user, obj))

    @admin.display(description="overall")
    def overall_grades(self, obj: Inspection) -> str:
        return (
            ", ".join(
                f"{judgment.pillar.name}: {judgment.grade.label}"
                for judgment in obj.judgments.all()
                if judgment.pillar is not None and judgment.grade is not None
            )
            or "–"
        )

    @admin.display(description="open findings")
    def earlier_open_findings(self, obj: Inspection | None) -> str:
        if obj is None or obj.pk is None:
            return "Save the inspection to see the force's open findings from earlier inspections."
        findings = list(earlier_open_findings(inspection=obj))
        if not findings:
            return "The force has no open findings from earlier inspections."
        recorded = dict(obj.finding_outcomes.values_list("finding_id", "outcome"))
        labels = dict(FindingOutcome.Outcome.choices)
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} ({}): <strong>{}</strong></li>",
                (
                    (
                        str(finding),
                        finding.inspection.programme.name,
                        labels.get(recorded.get(finding.pk, ""), "no outcome recorded yet"),
                    )
                    for finding in findings
                ),
            ),
        )


class InspectionRecordAdmin(admin.ModelAdmin[Any]):
    """A list of one kind of an inspection's record, outside the inspection's page."""

    list_select_related = ("inspection__force", "inspection__programme")
    search_fields = ("text", "inspection__force__name", "inspection__programme__name")
    autocomplete_fields = ("inspection",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or can_change_inspection(request.user, obj.inspection)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or can_change_inspection(request.user, obj.inspection)
        )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:  # type: ignore[type-arg]
        if db_field.name == "inspection":
            kwargs["queryset"] = inspections_changeable_by(request.user).select_related("force", "programme")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Judgment)
class JudgmentAdmin(InspectionRecordAdmin):
    list_display = ("inspection", "pillar", "question", "grade")
    list_filter = ("inspection__programme", "grade", "pillar", "inspection__force__region")
    list_select_related = ("inspection__force", "inspection__programme", "grade", "pillar", "question")  # type: ignore[assignment]
    search_fields = ("narrative", "inspection__force__name", "inspection__programme__name")


@admin.register(AreaForImprovement)
class AreaForImprovementAdmin(InspectionRecordAdmin):
    list_display = ("text", "inspection", "question")
    list_filter = ("inspection__programme", "inspection__force__region")
    fields = ("inspection", "question", "text", "follows_up", "order")
    raw_id_fields = ("follows_up",)


@admin.register(NotablePractice)
class NotablePracticeAdmin(InspectionRecordAdmin):
    list_display = ("text", "inspection", "question")
    list_filter = ("inspection__programme", "inspection__force__region")
    fields = ("inspection", "question", "text", "order")


class AtLeastOneRecommendation(BaseInlineFormSet):  # type: ignore[type-arg]
    """The admin's ``min_num`` only shows empty forms; this refuses a cause left without one."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]
        ]
        if not kept:
            raise ValidationError("Add at least one recommendation: a cause of concern always carries one")


class RecommendationInline(admin.StackedInline[Recommendation, CauseOfConcern]):
    model = Recommendation
    fk_name = "cause_of_concern"
    formset = AtLeastOneRecommendation
    fields = ("text", "deadline", "status")
    extra = 0
    min_num = 1


@admin.register(CauseOfConcern)
class CauseOfConcernAdmin(InspectionRecordAdmin):
    """A cause of concern always carries at least one recommendation: the inline requires one."""

    list_display = ("text", "inspection", "accelerated", "raised_on")
    list_filter = ("accelerated", "inspection__programme", "inspection__force__region")
    fields = ("inspection", "question", "text", "accelerated", "raised_on", "follows_up", "order")
    raw_id_fields = ("follows_up",)
    inlines = (RecommendationInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # A recommendation belongs to its cause's inspection and section.
        for recommendation_form in formset.forms:
            recommendation = recommendation_form.instance
            recommendation.inspection = form.instance.inspection
            recommendation.question = form.instance.question
        super().save_formset(request, form, formset, change)


class RecommendationUpdateInline(admin.TabularInline[RecommendationUpdate, Recommendation]):
    model = RecommendationUpdate
    fk_name = "recommendation"
    fields = ("recorded_on", "status", "comment")
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(InspectionRecordAdmin):
    list_display = ("text", "inspection", "deadline", "status")
    list_filter = ("status", "inspection__programme", "inspection__force__region")
    fields = ("inspection", "cause_of_concern", "question", "text", "deadline", "status", "follows_up")
    raw_id_fields = ("cause_of_concern", "follows_up")
    inlines = (RecommendationUpdateInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            for update_form in formset.forms:
                if update_form.instance.pk is None and update_form.has_changed():
                    update_form.instance.author = request.user
        super().save_related(request, form, formsets, change)
        recommendation_status_sync(recommendation=form.instance)
