"""Who writes what, and by when: the lead's assignment of parts, and an inspection's deadlines."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import permissions
from accounts.decorators import actor, workspace_view
from accounts.models import User
from inspections.models import Inspection
from inspections.timetable import Milestone
from reports import deadlines, selectors, services
from reports.errors import WorkflowError
from reports.forms import DeadlineForm, PartsAssignForm
from reports.models import PartAssignment
from reports.views.common import get_report, report_url, validation_messages


@workspace_view
def parts_assign(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    if not permissions.can_assign_parts(request.user, report):
        raise PermissionDenied("Only the lead inspector assigns parts of the report")
    inspection = report.inspection
    people = User.objects.filter(is_active=True).filter(
        pk__in=[*inspection.team.values_list("pk", flat=True), inspection.lead_inspector_id]
    )
    parts = selectors.report_parts(report)
    current = dict(PartAssignment.objects.filter(report=report).values_list("part", "assignee"))
    form = PartsAssignForm(request.POST or None, parts=parts, people=people, current=current)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.parts_assign(report=report, actor=actor(request), assignees=form.cleaned_data)
        except ValidationError as error:
            errors = validation_messages(error)
        except WorkflowError as error:
            errors = [str(error)]
        else:
            messages.success(request, f"{changed} assignment{'s' if changed != 1 else ''} changed")
            return redirect(report_url(report))
    return render(
        request,
        "reports/parts_assign.html",
        {"report": report, "form": form, "errors": errors},
        status=HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK,
    )


@workspace_view
def deadline_change(request: HttpRequest, inspection_id: int, milestone: str) -> HttpResponse:
    inspection = get_object_or_404(Inspection.objects.select_related("force", "programme"), pk=inspection_id)
    if milestone not in Milestone.values:
        raise Http404("No such step of the timetable")
    if not permissions.can_change_deadlines(request.user, inspection):
        raise PermissionDenied("Only the lead inspector and editors change an inspection's deadlines")
    current = next(d for d in deadlines.timetables([inspection])[inspection.pk] if d.milestone == milestone)
    form = DeadlineForm(request.POST or None, initial={"due_on": current.due_on})
    back = report_url(inspection.report) if hasattr(inspection, "report") else "/workspace/"
    if request.method == "POST" and form.is_valid():
        try:
            deadlines.inspection_deadline_change(
                inspection=inspection,
                actor=actor(request),
                milestone=milestone,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error("reason", validation_messages(error))
        else:
            messages.success(
                request, f"“{Milestone(milestone).label}” is now due on {form.cleaned_data['due_on']:%-d %B %Y}"
            )
            return redirect(back)
    return render(
        request,
        "reports/deadline_change.html",
        {
            "inspection": inspection,
            "deadline": current,
            "form": form,
            "back": back,
            "today": timezone.localdate(),
        },
        status=HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK,
    )
