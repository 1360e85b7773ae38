"""Reports in the admin: a read-only view of each report's revisions and audit trail, and of the
audit trail across every inspection, for administrators. Reports are written and moved through
their workflow in the workspace only, so that every change goes through ``reports.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join

from reports import record_admin  # noqa: F401 - registers the inspection record's admin
from reports.models import Report, ReportEvent, Revision
from reports.selectors import report_parts
from reports.views.trail import trail_csv_response


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
    fields = ("number", "author", "created_at", "parts_changed", "note")
    readonly_fields = fields
    ordering = ("-number",)

    @admin.display(description="Parts changed")
    def parts_changed(self, revision: Revision) -> str:
        # The inline is made anew for each request: keep the titles on it, read once for every row.
        cache: dict[int, dict[str, str]] = self.__dict__.setdefault("_titles", {})
        if revision.report_id not in cache:
            cache[revision.report_id] = _part_titles(revision.report_id)
        titles = cache[revision.report_id]
        return ", ".join(titles.get(key, key) for key in revision.changed_parts) or "–"


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


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin[ReportEvent]):
    """The audit trail across every inspection, for administrators (the role holding
    ``view_reportevent``). Append-only here as in the database: nobody adds, changes or deletes an
    event. "Download as CSV" exports the events the list shows, with its filters and search."""

    list_display = (
        "at",
        "inspection",
        "who",
        "action",
        "from_state",
        "to_state",
        "revision_number",
        "edition_number",
        "subject",
    )
    list_filter = ("action", ("actor", admin.RelatedOnlyFieldListFilter), "inspection__programme")
    list_select_related = ("actor", "fact_check", "revision", "inspection__force", "inspection__programme")
    search_fields = (
        "action",
        "subject",
        "reason",
        "actor__name",
        "actor__email",
        "fact_check__liaison_name",
        "inspection__force__name",
        "inspection__programme__name",
    )
    date_hierarchy = "at"
    fields = (
        "at",
        "inspection",
        "report",
        "who",
        "action",
        "from_state",
        "to_state",
        "revision",
        "edition_number",
        "subject",
        "changes_made",
        "record_change",
        "reason",
    )
    readonly_fields = fields
    actions = ("download_csv",)

    @admin.display(description="Who", ordering="actor__name")
    def who(self, event: ReportEvent) -> str:
        return event.actor_name

    @admin.display(description="Changes")
    def changes_made(self, event: ReportEvent) -> str:
        """Each changed field with what it was and what it became, as a table rather than JSON."""
        if not event.changes:
            return "–"
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td aria-hidden='true'>→</td><td>{}</td></tr>",
            (
                (name.replace("_", " ").capitalize(), _shown(values[0]), _shown(values[1]))
                for name, values in event.changes.items()
                if isinstance(values, list) and len(values) == 2
            ),
        )
        return format_html(
            "<table class='app-changes'><thead><tr><th>Field</th><th>Before</th><th></th><th>After</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Revision", ordering="revision__number")
    def revision_number(self, event: ReportEvent) -> int | None:
        return event.revision.number if event.revision is not None else None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReportEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReportEvent | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        csv_url = path("csv/", self.admin_site.admin_view(self.csv_view), name="reports_reportevent_csv")
        return [csv_url, *super().get_urls()]

    def csv_view(self, request: HttpRequest) -> HttpResponseBase:
        """The events of the list as it is filtered and searched (every page of it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect(reverse("admin:reports_reportevent_changelist") + "?e=1")
        return trail_csv_response(changelist.queryset, "trail.csv")

    @admin.action(description="Download the selected events as CSV", permissions=["view"])
    def download_csv(self, request: HttpRequest, queryset: QuerySet[ReportEvent]) -> StreamingHttpResponse:
        return trail_csv_response(queryset.select_related(*self.list_select_related), "trail.csv")


def _shown(value: object) -> str:
    return "–" if value in (None, "", []) else str(value)


def _part_titles(report_id: int) -> dict[str, str]:
    """The titles of a report's parts, by key."""
    return {part.key: part.title for part in report_parts(Report.objects.get(pk=report_id))}
