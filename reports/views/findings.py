"""Changing and removing a recorded finding from the workspace (adding one is on the findings page)."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from accounts.decorators import actor, workspace_view
from inspections.models import Finding
from reports.errors import WorkflowError
from reports.forms import FindingChangeForm
from reports.models import Report
from reports.record import finding_change, item_title, record_item_delete, record_item_delete_refusal
from reports.views.common import get_report, report_url, validation_messages


def _finding(report: Report, finding_id: int, request: HttpRequest) -> Finding:
    if not (report.is_editable and permissions.can_change_inspection(request.user, report.inspection)):
        raise PermissionDenied("You cannot change this inspection's findings")
    return get_object_or_404(Finding.objects.select_related("question"), pk=finding_id, inspection=report.inspection)


@workspace_view
def finding_edit(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    report = get_report(pk, request.user)
    finding = _finding(report, finding_id, request)
    questions = [(q.pk, f"{q.number}. {q.short_title}") for q in report.inspection.programme.questions.all()]
    recommendation = finding.kind == Finding.Kind.RECOMMENDATION
    form = FindingChangeForm(
        request.POST or None,
        questions=questions,
        recommendation=recommendation,
        initial={"question": finding.question_id, "text": finding.text, "deadline": finding.deadline},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding_change(
                finding=finding,
                actor=actor(request),
                text=data["text"],
                question=report.inspection.programme.questions.filter(pk=data["question"]).first(),
                deadline=data.get("deadline"),
            )
        except (ValidationError, WorkflowError) as error:
            for message in validation_messages(error) if isinstance(error, ValidationError) else [str(error)]:
                form.add_error(None, message)
        else:
            messages.success(request, f"{finding.get_kind_display()} changed")
            return redirect(f"{report_url(report, 'reports:findings')}#finding-{finding.pk}")
    return render(
        request,
        "reports/finding_edit.html",
        {"report": report, "finding": finding, "form": form},
        status=HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK,
    )


@workspace_view
def finding_remove(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    """A page that asks first, then removes the finding (a cause of concern with its recommendations)."""
    report = get_report(pk, request.user)
    finding = _finding(report, finding_id, request)
    refusal = record_item_delete_refusal(finding)
    if request.method == "POST" and refusal is None:
        try:
            record_item_delete(item=finding, actor=actor(request))
        except (ValidationError, WorkflowError) as error:
            refusal = validation_messages(error)[0] if isinstance(error, ValidationError) else str(error)
        else:
            messages.success(request, f"{finding.get_kind_display()} removed")
            return redirect(report_url(report, "reports:findings"))
    return render(
        request,
        "reports/finding_remove.html",
        {
            "report": report,
            "finding": finding,
            "title": item_title(finding),
            "refusal": refusal,
            "recommendations": finding.recommendations.all() if finding.kind == Finding.Kind.CAUSE_OF_CONCERN else [],
        },
        status=HTTPStatus.CONFLICT if request.method == "POST" and refusal else HTTPStatus.OK,
    )
