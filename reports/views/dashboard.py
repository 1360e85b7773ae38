"""The workspace's home: the signed-in person's reports by state, what waits for them, and the
inspections whose report they can start."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.decorators import actor, workspace_view
from inspections.models import Inspection
from reports import deadlines, lists, selectors, services
from reports.models import Report, ReportState
from reports.views.common import (
    report_url,
)

#: Each state's table of "My reports" shows this many; the list of every report has the rest.
MY_REPORTS_SHOWN = 10

# --- Dashboard --------------------------------------------------------------------------------


@workspace_view
def dashboard(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    mine = list(selectors.my_reports(user))
    by_state: dict[str, list[Report]] = {}
    for report in mine:
        by_state.setdefault(report.state, []).append(report)
    unstarted = (
        Inspection.objects.filter(report__isnull=True)
        .filter(pk__in=permissions.inspections_changeable_by(user).values("pk"))
        .select_related("force", "programme")
        .exclude(status=Inspection.Status.PUBLISHED)
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "by_state": [
                (state.label, state.value, by_state[state][:MY_REPORTS_SHOWN], len(by_state[state]))
                for state in ReportState
                if by_state.get(state)
            ],
            "my_parts": selectors.parts_waiting_for(user),
            "overdue": deadlines.overdue_for(user),
            "overdue_count": len(
                lists.overdue_report_ids(selectors.reports_for_workspace(), today=timezone.localdate())
            )
            if permissions.is_editor(user)
            else 0,
            "reviews": selectors.reviews_waiting_for(user),
            "comments": selectors.comments_waiting_for(user),
            "points": selectors.fact_check_points_waiting_for(user),
            "sign_offs": selectors.sign_offs_waiting_for(user),
            "changes": selectors.changes_requested_of(user),
            "unstarted": unstarted,
        },
    )


@workspace_view
@require_POST
def report_start(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection, pk=inspection_id)
    if not permissions.can_change_inspection(request.user, inspection):
        raise PermissionDenied("Only the inspection's team starts its report")
    report = services.report_start(inspection=inspection)
    return redirect(report_url(report))
