"""Review and the workflow's transitions: what changed since the reviewer's last look, comment
threads, "Submit for review", "Request changes" and the lead inspector's sign-off. (Approval is
publishing's: ``publishing.views.approve``.)"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.decorators import actor, workspace_view
from reports import selectors, services
from reports.errors import WorkflowError
from reports.forms import (
    ApproveForm,
    CommentForm,
    ReasonForm,
)
from reports.models import Report, ReviewComment, ReviewMark
from reports.views.common import (
    get_report,
    refusal_messages,
    report_context,
    report_url,
    transition_response,
    validation_messages,
)
from reports.views.drafting import compare_parts

# --- Review -----------------------------------------------------------------------------------


@workspace_view
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed since the reviewer's last review, the comment threads, and the decision."""
    report = get_report(pk, request.user)
    return render(request, "reports/review.html", review_context(request, report))


def review_context(request: HttpRequest, report: Report, reason_form: ReasonForm | None = None) -> dict[str, Any]:
    latest = report.latest_revision()
    mark = ReviewMark.objects.filter(report=report, reviewer=actor(request)).select_related("revision").first()
    since = mark.revision if mark else None
    rows = compare_parts(report, since.content if since else {}, latest.content if latest else {})
    context = report_context(request, report)
    threads = (
        report.comments.filter(reply_to__isnull=True)
        .select_related("author", "resolved_by")
        .prefetch_related("replies__author")
    )
    # Each part's comment threads sit with the part; those on the whole report come after.
    by_part: dict[str, list[ReviewComment]] = {}
    for thread in threads:
        by_part.setdefault(thread.part, []).append(thread)
    for row in rows:
        row["threads"] = by_part.get(row["part"].key, [])
    context.update(
        {
            "since": since,
            "first_look": since is None,
            "rows": rows,
            "commenting": True,
            "whole_report_threads": by_part.get("", []),
            "record_changes": selectors.record_changes_since(report, mark.at if mark else None),
            "threads": threads,
            "reason_form": reason_form or ReasonForm(prefix="changes"),
            "approve_form": ApproveForm(initial={"revision": report.version}),
            "comment_form": CommentForm(),
            "approval_problems": selectors.approval_problems(report),
        }
    )
    return context


@workspace_view
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    form = CommentForm(request.POST)
    back = request.POST.get("next") or report_url(report, "reports:review")
    if not back.startswith("/workspace/"):
        back = report_url(report, "reports:review")
    if form.is_valid():
        reply_to = None
        if form.cleaned_data.get("reply_to"):
            reply_to = ReviewComment.objects.filter(pk=form.cleaned_data["reply_to"], report=report).first()
        try:
            services.comment_add(
                report=report,
                actor=actor(request),
                body=form.cleaned_data["body"],
                part=form.cleaned_data.get("part") or "",
                reply_to=reply_to,
            )
        except ValidationError as error:
            messages.error(request, "; ".join(validation_messages(error)))
        else:
            messages.success(request, "Comment added")
    else:
        messages.error(request, "Enter your comment")
    return redirect(back)


@workspace_view
@require_POST
def comment_resolve(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    report = get_report(pk, request.user)
    comment = get_object_or_404(ReviewComment, pk=comment_id, report=report)
    resolved = request.POST.get("resolved", "1") == "1"
    try:
        services.comment_set_resolved(comment=comment, actor=actor(request), resolved=resolved)
    except ValidationError as error:
        messages.error(request, "; ".join(validation_messages(error)))
    else:
        messages.success(request, "Comment resolved" if resolved else "Comment reopened")
    return redirect(report_url(report, "reports:review"))


@workspace_view
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    return transition_response(
        request,
        report,
        lambda: services.report_submit_for_review(report=report, actor=actor(request)),
        "Report submitted for review",
    )


@workspace_view
@require_POST
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the report back. Refused (no reason, or the report has moved on), the review page
    answers 400 with the message and the reason as typed."""
    report = get_report(pk, request.user)
    form = ReasonForm(request.POST, prefix="changes")
    if form.is_valid():
        try:
            services.report_request_changes(report=report, actor=actor(request), reason=form.cleaned_data["reason"])
        except (WorkflowError, ValidationError) as error:
            for message in refusal_messages(error):
                form.add_error("reason", message)
        else:
            messages.success(request, "Changes requested")
            return redirect(report_url(report))
    elif not permissions.can_review_report(request.user, report):
        raise PermissionDenied("Only editors review reports")
    report.refresh_from_db()
    return render(request, "reports/review.html", review_context(request, report, form), status=HTTPStatus.BAD_REQUEST)


@workspace_view
@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    return transition_response(
        request,
        report,
        lambda: services.report_sign_off_judgments(report=report, actor=actor(request)),
        "Judgments signed off",
    )
