"""The admin as the inspectors' record-keeping tool: inspections, their judgments, findings and the
outcomes of earlier findings.

Model permissions (the role groups) decide what a person may see; ``accounts.permissions`` decides
which inspections they may change; the record services (``reports.record``) decide when. Every save
and delete here goes through those services, so the admin obeys the same lifecycle as the workspace:
a record whose report is scheduled or withdrawn is read-only, a change after submission lapses
sign-off and approval, and each change is audited. A recommendation's progress is added through
``recommendation_update_add``; past updates are history and never edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField, ModelForm
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from accounts.models import User
from accounts.permissions import can_change_inspection, inspections_changeable_by, is_administrator
from inspections.models import (
    AreaForImprovement,
    CauseOfConcern,
    FindingOutcome,
    Grade,
    Inspection,
    Judgment,
    NotablePractice,
    Recommendation,
    RecommendationUpdate,
)
from inspections.selectors import earlier_open_findings
from inspectorate.site_version import site_changed_on_commit
from reports.errors import WorkflowError
from reports.models import Report
from reports.recommendations import recommendation_update_add
from reports.record import (
    record_item_delete,
    record_item_delete_refusal,
    record_item_save,
)
from reports.selectors import record_frozen_reason


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _current_inspection(request: HttpRequest) -> Inspection | None:
    return getattr(request, "_inspection_being_edited", None)


def _may_change_record(request: HttpRequest, inspection: Inspection | None) -> bool:
    """Whether the person may change ``inspection``'s record now (``None``: a record not yet tied to one)."""
    if inspection is None:
        return True
    return can_change_inspection(request.user, inspection) and record_frozen_reason(inspection) is None


class RecordForm(ModelForm):  # type: ignore[type-arg]
    """Refuses, with the rule's own message, a record whose report is frozen (so the admin never
    reaches the service only to be refused there)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.has_changed():
            return cleaned
        inspection = cleaned.get("inspection") or getattr(self.instance, "inspection", None)
        if isinstance(inspection, Inspection):
            reason = record_frozen_reason(inspection)
            if reason is not None:
                raise ValidationError(reason)
        return cleaned


class RecordInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Refuses, on the page, to remove a row that others' history refers to (``record_item_delete_refusal``)."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form) and form.instance.pk:  # type: ignore[attr-defined]
                refusal = record_item_delete_refusal(form.instance)
                if refusal is not None:
                    raise ValidationError(f"{form.instance}: {refusal}")


def _save_through_services(request: HttpRequest, items: list[Any], deleted: list[Any]) -> None:
    for item in items:
        record_item_save(item=item, actor=_actor(request))
    for item in deleted:
        record_item_delete(item=item, actor=_actor(request))


class InspectionRecordInline(admin.TabularInline[Any, Inspection]):
    """An inline of an inspection's record: changeable only by those who may change it, while they may."""

    extra = 0
    form = RecordForm

    def has_add_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        return super().has_add_permission(request, obj) and _may_change_record(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        return super().has_change_permission(request, obj) and _may_change_record(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        return super().has_delete_permission(request, obj) and _may_change_record(request, obj)

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


class RecordSavedThroughServices:
    """``save_formset`` for an admin whose inlines are record rows: each through the record services."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        saved = formset.save(commit=False)
        _save_through_services(request, saved, list(formset.deleted_objects))


@admin.register(Inspection)
class InspectionAdmin(RecordSavedThroughServices, admin.ModelAdmin[Inspection]):
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
        # The status follows the report once there is one past drafting (publication sets "published").
        status = ("status",) if obj is not None and record_frozen_reason(obj, published_too=True) else ()
        if is_administrator(request.user):
            return ("earlier_open_findings", *status)
        # The team plans nothing: who inspects what is for administrators to decide.
        return ("force", "programme", "lead_inspector", "team", "earlier_open_findings", *status)

    def get_form(self, request: HttpRequest, obj: Inspection | None = None, change: bool = False, **kwargs: Any) -> Any:
        request._inspection_being_edited = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or can_change_inspection(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        # An inspection with a report or an audit trail has a history to keep: it is never deleted.
        return (
            super().has_delete_permission(request, obj)
            and (obj is None or can_change_inspection(request.user, obj))
            and (obj is None or not (hasattr(obj, "report") or obj.events.exists()))
        )

    def save_model(self, request: HttpRequest, obj: Inspection, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Its force, programme, lead and dates show on a published report's public pages.
        if Report.objects.filter(inspection=obj, first_published_at__isnull=False).exists():
            site_changed_on_commit()

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


class InspectionRecordAdmin(RecordSavedThroughServices, admin.ModelAdmin[Any]):
    """A list of one kind of an inspection's record, outside the inspection's page. Saves and deletes
    go through the record services."""

    form = RecordForm
    list_select_related = ("inspection__force", "inspection__programme")
    search_fields = ("text", "inspection__force__name", "inspection__programme__name")
    autocomplete_fields = ("inspection",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or _may_change_record(request, obj.inspection)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or (_may_change_record(request, obj.inspection) and record_item_delete_refusal(obj) is None)
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A row stays with its inspection: it is chosen when the row is added, never changed.
        return (*super().get_readonly_fields(request, obj), *(("inspection",) if obj is not None else ()))

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:  # type: ignore[type-arg]
        if db_field.name == "inspection":
            kwargs["queryset"] = inspections_changeable_by(request.user).select_related("force", "programme")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        record_item_save(item=obj, actor=_actor(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_item_delete(item=obj, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        refused = 0
        for item in queryset:
            try:
                record_item_delete(item=item, actor=_actor(request))
            except (PermissionDenied, WorkflowError):
                refused += 1
        if refused:
            messages.error(request, f"{refused} could not be deleted: their report is frozen or not yours to change")


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


class AtLeastOneRecommendation(RecordInlineFormSet):
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
    fields = ("text", "deadline")
    extra = 0
    min_num = 1

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and (obj is None or _may_change_record(request, obj.inspection))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or _may_change_record(request, obj.inspection)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or _may_change_record(request, obj.inspection)
        )


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
    """Progress is added, never edited: each update is a dated, audited entry of the public history."""

    model = RecommendationUpdate
    fk_name = "recommendation"
    fields = ("recorded_on", "status", "comment")
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Recommendation)
class RecommendationAdmin(InspectionRecordAdmin):
    list_display = ("text", "inspection", "deadline", "status")
    list_filter = ("status", "inspection__programme", "inspection__force__region")
    fields = ("inspection", "cause_of_concern", "question", "text", "deadline", "status", "follows_up")
    readonly_fields = ("status",)
    raw_id_fields = ("cause_of_concern", "follows_up")
    inlines = (RecommendationUpdateInline,)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The page stays open after publication for progress updates, which follow their own rule.
        return admin.ModelAdmin.has_change_permission(self, request, obj) and (
            obj is None or can_change_inspection(request.user, obj.inspection)
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and not _may_change_record(request, obj.inspection):
            return ("inspection", "cause_of_concern", "question", "text", "deadline", "status", "follows_up")
        return ("status", "inspection") if obj is not None else ("status",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if form.changed_data:
            record_item_save(item=obj, actor=_actor(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for update in formset.save(commit=False):
            recommendation_update_add(
                recommendation=form.instance,
                actor=_actor(request),
                status=update.status,
                comment=update.comment,
                recorded_on=update.recorded_on,
            )
