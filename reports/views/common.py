"""What every workspace view shares: the sign-in and role check, the acting person, the report by id,
messages from a refusal, the report page's context and the answer to a workflow transition."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.decorators import actor
from accounts.models import User
from reports import deadlines, selectors
from reports.errors import WorkflowError
from reports.models import PartAssignment, Report, ReportState

ItemFormT = TypeVar("ItemFormT", bound=Form)


def get_report(pk: int, user: User | AnonymousUser) -> Report:
    """The report ``pk`` if ``user`` may read it; otherwise 404, as if it did not exist (a draft's
    force and title are not told to someone who may not read it)."""
    assert isinstance(user, User)
    return get_object_or_404(selectors.reports_for_workspace(user), pk=pk)


def report_url(report: Report, name: str = "reports:report", **kwargs: Any) -> str:
    return reverse(name, kwargs={"pk": report.pk, **kwargs})


def validation_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def refusal_messages(error: Exception) -> list[str]:
    """What a service said when it refused for a rule: a ``WorkflowError``, a ``ValidationError``,
    or a ``PermissionDenied`` raised after the view has checked the person's role."""
    if isinstance(error, ValidationError):
        return validation_messages(error)
    return [str(error)] if str(error) else ["This cannot be done now"]


# --- One report -------------------------------------------------------------------------------


def report_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    latest = report.latest_revision()
    content = latest.content if latest else {}
    user = actor(request)
    authors = selectors.report_authors(report)
    before_submission = report.state in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED)
    problems = selectors.submission_problems(report) if before_submission else []
    assignments = dict(
        PartAssignment.objects.filter(report=report).select_related("assignee").values_list("part", "assignee__name")
    )
    timetable = deadlines.timetables([report.inspection])[report.inspection_id]
    return {
        "report": report,
        "latest": latest,
        "parts": [
            {
                "part": part,
                "written": bool(str(content.get(part.key, "")).strip()),
                "assignee": assignments.get(part.key, ""),
            }
            for part in selectors.report_parts(report)
        ],
        "problems": problems,
        "before_submission": before_submission,
        "deadlines": timetable,
        "today": timezone.localdate(),
        "may_change_deadlines": permissions.can_change_deadlines(user, report.inspection),
        "may_assign": report.is_editable and permissions.can_assign_parts(user, report),
        "blocking": [check for check in problems if check.blocking],
        "may_edit": report.is_editable and permissions.can_edit_report(user, report),
        "may_submit": report.state in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED)
        and permissions.can_submit_report(user, report),
        "may_review": report.state == ReportState.IN_REVIEW and permissions.can_review_report(user, report),
        "may_approve": report.state == ReportState.IN_REVIEW and permissions.can_approve_report(user, report, authors),
        "wrote_it": user.pk in authors,
        "may_sign_off": report.is_editable and permissions.can_sign_off_judgments(user, report),
        "may_change_record": report.is_editable and permissions.can_change_inspection(user, report.inspection),
        "may_fact_check": permissions.can_issue_fact_check(user, report),
        "events": report.events.select_related("actor", "revision")[:10],
    }


# --- Transitions --------------------------------------------------------------------------------


def transition_response(request: HttpRequest, report: Report, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except WorkflowError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        # Each message links to the page that puts it right (a part's editor, the judgments...).
        links = {check.message: check.link for check in selectors.submission_problems(report)}
        errors = [(message, links.get(message) or "#checks") for message in validation_messages(error)]
        return render(
            request,
            "reports/report.html",
            {**report_context(request, report), "transition_errors": errors},
            status=HTTPStatus.BAD_REQUEST,
        )
    else:
        messages.success(request, done)
    return redirect(report_url(report))
