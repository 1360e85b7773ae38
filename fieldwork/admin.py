"""Fieldwork in the admin: every part listed and filtered. Changes go through the workspace's pages,
whose services check who acts and audit it; the one change made here, an exception to the conflict rule,
goes through the same service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from accounts import permissions
from accounts.models import User
from fieldwork import selectors, services
from fieldwork.models import (
    ConflictDeclaration,
    ConflictException,
    ForceRequest,
    LiaisonLink,
    ModerationDecision,
    Phase,
    RequestAnswer,
    TeamRole,
)
from inspections.evidence import CaseFileAudit, Evidence
from inspections.models import Inspection
from reports.record_admin import InspectionAdmin as RecordInspectionAdmin


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Listed and filtered here; changed only through the workspace's pages, whose services check who
    acts and audit it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "kind", "gathered_on", "gathered_by", "retained_until")
    list_filter = ("kind", "inspection__programme", "gathered_on")
    search_fields = ("inspection__force__name", "summary")
    list_select_related = ("inspection__force", "inspection__programme", "gathered_by")
    exclude = ("notes",)


@admin.register(CaseFileAudit)
class CaseFileAuditAdmin(ReadOnlyAdmin):
    list_display = ("title", "evidence", "in_about_the_data")
    list_filter = ("evidence__inspection__programme", "in_about_the_data")
    search_fields = ("title", "evidence__inspection__force__name")


@admin.register(Phase)
class PhaseAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "kind", "starts_on", "ends_on")
    list_filter = ("kind", "inspection__programme")
    list_select_related = ("inspection__force", "inspection__programme")


@admin.register(TeamRole)
class TeamRoleAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "person", "role")
    list_filter = ("role", "inspection__programme")
    search_fields = ("person__name", "inspection__force__name")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("person", "force", "kind", "served_until", "declared_at")
    list_filter = ("kind", "force")
    search_fields = ("person__name", "force__name")


@admin.register(ConflictException)
class ConflictExceptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An administrator records that a declared conflict does not keep someone off one inspection."""

    list_display = ("declaration", "inspection", "granted_by", "granted_at")
    list_filter = ("inspection__programme",)
    fields = ("declaration", "inspection", "reason")
    autocomplete_fields = ()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_grant_conflict_exception(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ConflictException, form: Any, change: bool) -> None:
        actor = request.user
        assert isinstance(actor, User)
        try:
            saved = services.conflict_exception_grant(
                declaration=obj.declaration, inspection=obj.inspection, actor=actor, reason=obj.reason
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
            raise
        obj.pk = saved.pk


@admin.register(ForceRequest)
class ForceRequestAdmin(ReadOnlyAdmin):
    list_display = ("title", "inspection", "due_on", "answered_at", "closed_at")
    list_filter = ("inspection__programme", "due_on")
    search_fields = ("title", "inspection__force__name")
    list_select_related = ("inspection__force", "inspection__programme")


@admin.register(LiaisonLink)
class LiaisonLinkAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "liaison_name", "issued_by", "issued_at", "expires_at", "revoked_at")
    list_filter = ("inspection__programme",)
    exclude = ("token_hash",)


@admin.register(RequestAnswer)
class RequestAnswerAdmin(ReadOnlyAdmin):
    list_display = ("request", "link", "answered_at")
    list_filter = ("request__inspection__programme",)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("judgment", "grade_before", "grade_after", "decided_by", "decided_at")
    list_filter = ("judgment__inspection__programme", "decided_at")
    search_fields = ("judgment__inspection__force__name", "reason")


class InspectionTeamForm(forms.ModelForm):  # type: ignore[type-arg]
    """The inspection's form in the admin, holding the team to the conflict rule as the plan page does
    (``fieldwork.selectors.conflicts_blocking``): nobody joins while a declared link keeps them off."""

    class Meta:
        model = Inspection
        fields = ("force", "programme", "status", "lead_inspector", "team", "fieldwork_start", "fieldwork_end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        force, programme = data.get("force"), data.get("programme")
        if force is None or programme is None:
            return data
        probe = Inspection(
            pk=self.instance.pk, force=force, programme=programme, fieldwork_start=data.get("fieldwork_start")
        )
        people = [*(data.get("team") or []), *([data["lead_inspector"]] if data.get("lead_inspector") else [])]
        problems = [
            f"{person} declared: {declaration.get_kind_display().lower()} ({declaration.force}). "
            "Record an exception to the conflict rule first"
            for person in people
            for declaration in selectors.conflicts_blocking(person, probe)
        ]
        if problems:
            raise forms.ValidationError(problems, code="conflict")
        return data


admin.site.unregister(Inspection)


@admin.register(Inspection)
class InspectionAdmin(RecordInspectionAdmin):
    form = InspectionTeamForm
