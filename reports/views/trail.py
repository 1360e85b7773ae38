"""The audit trail in the workspace: of one report, of one inspection, and (for administrators) of
every inspection, each as a page filtered by the query string and as a CSV download of the same.

Who may read which trail is ``accounts.permissions``' business; what the trail holds and how it is
narrowed is ``reports.audit``'s. Bad input never fails a page: a filter value the trail does not
hold is named and ignored, and a page number out of range shows the nearest page. The answers are
never cached: they name people and quote text that is not public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import permissions
from accounts.decorators import workspace_view
from inspections.models import Inspection
from reports import audit
from reports.forms import TrailFilterForm
from reports.models import Report, ReportEvent
from reports.views.common import get_report

#: Events on one page of a trail (the CSV has them all).
PAGE_SIZE = 50


@dataclass(frozen=True)
class Trail:
    """One trail as the request narrows it."""

    form: TrailFilterForm
    events: QuerySet[ReportEvent]


def _trail(request: HttpRequest, across: bool = False, **scope: Any) -> Trail:
    """The trail of ``scope`` (``report=`` or ``inspection=``, or nothing for every inspection),
    narrowed by the valid filters of the query string."""
    form = TrailFilterForm(
        request.GET or None, choices=audit.trail_choices(audit.trail(**scope), across=across), across=across
    )
    if form.is_bound:
        form.is_valid()
    return Trail(form, audit.trail(**scope, **form.filters()))


def _page(request: HttpRequest, template: str, trail: Trail, csv_url: str, **context: Any) -> HttpResponse:
    page = Paginator(trail.events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = trail.form.query_string()
    return render(
        request,
        template,
        {
            "form": trail.form,
            "page": page,
            "csv_url": f"{csv_url}?{query}" if query else csv_url,
            **context,
        },
    )


def trail_csv_response(events: QuerySet[ReportEvent], filename: str) -> StreamingHttpResponse:
    """``events`` as a CSV download (``reports.audit.trail_csv``, a line at a time), streamed: the
    trail of every inspection can be long. The admin's export uses it too."""
    response = StreamingHttpResponse(
        audit.trail_csv_lines(events.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(trail: Trail, filename: str) -> StreamingHttpResponse:
    return trail_csv_response(trail.events, filename)


def _report(request: HttpRequest, pk: int) -> Report:
    report = get_report(pk, request.user)
    if not permissions.can_view_trail(request.user, report.inspection):
        raise PermissionDenied("The trail of a report is for its inspection's team, editors and administrators")
    return report


def _inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    inspection = get_object_or_404(Inspection.objects.select_related("force", "programme"), pk=inspection_id)
    if not permissions.can_view_trail(request.user, inspection):
        raise PermissionDenied("The trail of an inspection is for its team, editors and administrators")
    return inspection


def _everything(request: HttpRequest) -> None:
    if not permissions.can_view_all_trails(request.user):
        raise PermissionDenied("The trail of every inspection is for administrators")


def _filename(*parts: str) -> str:
    return "-".join(("trail", *parts)) + ".csv"


# --- One report -------------------------------------------------------------------------------


@workspace_view
@require_safe
@never_cache
def report_trail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's events and its inspection's record changes (those before the report too)."""
    report = _report(request, pk)
    return _page(
        request,
        "reports/trail.html",
        _trail(request, report=report),
        reverse("reports:trail_csv", kwargs={"pk": report.pk}),
        report=report,
    )


@workspace_view
@require_safe
@never_cache
def report_trail_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    report = _report(request, pk)
    return _csv(_trail(request, report=report), _filename(report.slug))


# --- One inspection ---------------------------------------------------------------------------


@workspace_view
@require_safe
@never_cache
def inspection_trail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The inspection's events, from its first record change (before any report) onwards."""
    inspection = _inspection(request, inspection_id)
    return _page(
        request,
        "reports/inspection_trail.html",
        _trail(request, inspection=inspection),
        reverse("reports:inspection_trail_csv", kwargs={"inspection_id": inspection.pk}),
        inspection=inspection,
        report=Report.objects.filter(inspection=inspection).first(),
    )


@workspace_view
@require_safe
@never_cache
def inspection_trail_csv(request: HttpRequest, inspection_id: int) -> StreamingHttpResponse:
    inspection = _inspection(request, inspection_id)
    return _csv(_trail(request, inspection=inspection), _filename(inspection.programme.slug, inspection.force.slug))


# --- Every inspection (administrators) --------------------------------------------------------


@workspace_view
@require_safe
@never_cache
def all_trail(request: HttpRequest) -> HttpResponse:
    _everything(request)
    return _page(request, "reports/all_trail.html", _trail(request, across=True), reverse("reports:all_trail_csv"))


@workspace_view
@require_safe
@never_cache
def all_trail_csv(request: HttpRequest) -> StreamingHttpResponse:
    _everything(request)
    return _csv(_trail(request, across=True), _filename("all-inspections"))
