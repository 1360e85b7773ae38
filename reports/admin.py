"""Reports in the admin: a read-only view of each report's revisions and audit trail for
administrators. Reports are written and moved through their workflow in the workspace only, so
that every change goes through ``reports.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reports import record_admin  # noqa: F401 - registers the inspection record's admin
from reports.models import Report, ReportEvent, Revision


class ReadOnlyInline(admin.TabularInline[Any, Report]):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RevisionInline(ReadOnlyInline):
    model = Revision
    fields = ("number", "author", "created_at", "changed_parts", "note")
    readonly_fields = fields
    ordering = ("-number",)


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "revision", "reason")
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ("__str__", "state", "version", "updated_at")
    list_filter = ("state", "inspection__programme", "inspection__force__region")
    list_select_related = ("inspection__force", "inspection__programme")
    search_fields = ("inspection__force__name", "inspection__programme__name", "slug")
    readonly_fields = (
        "inspection",
        "slug",
        "state",
        "version",
        "approved_revision",
        "judgments_signed_off_by",
        "judgments_signed_off_at",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (RevisionInline, ReportEventInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False
