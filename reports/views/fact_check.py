"""The factual accuracy check: issuing and revoking links, deciding points, and the force liaison's
page (no account: the link is the authority)."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from accounts import permissions
from accounts.decorators import actor, workspace_view
from inspectorate.ids import id_or_400
from reports import fact_checks as fact_check_services
from reports import markup, selectors
from reports.errors import WorkflowError
from reports.forms import (
    DecisionForm,
    FactCheckIssueForm,
    FactCheckPointForm,
)
from reports.models import FactCheck, FactCheckPoint
from reports.views.common import (
    get_report,
    report_url,
    validation_messages,
)

# --- Factual accuracy check ---------------------------------------------------------------------


@workspace_view
def fact_checks(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    may_issue = permissions.can_issue_fact_check(request.user, report)
    may_settle = permissions.can_settle_fact_check(request.user, report)
    form = FactCheckIssueForm()
    new_link = None
    status = HTTPStatus.OK
    if request.method == "POST":
        if request.POST.get("form") == "issue":
            if not may_issue:
                raise PermissionDenied("Only editors and the lead inspector issue fact-check links")
            form = FactCheckIssueForm(request.POST)
            if form.is_valid():
                try:
                    _, token = fact_check_services.fact_check_issue(
                        report=report,
                        actor=actor(request),
                        liaison_name=form.cleaned_data["liaison_name"],
                        liaison_email=form.cleaned_data["liaison_email"],
                        working_days=form.cleaned_data["working_days"],
                    )
                except (WorkflowError, ValidationError) as error:
                    form.add_error(
                        None,
                        "; ".join(validation_messages(error)) if isinstance(error, ValidationError) else str(error),
                    )
                    status = HTTPStatus.BAD_REQUEST
                else:
                    new_link = request.build_absolute_uri(reverse("fact_check", kwargs={"token": token}))
            else:
                status = HTTPStatus.BAD_REQUEST
        elif request.POST.get("form") == "revoke":
            check = get_object_or_404(FactCheck, pk=id_or_400(request.POST.get("fact_check")), report=report)
            fact_check_services.fact_check_revoke(fact_check=check, actor=actor(request))
            messages.success(request, f"The link for {check.liaison_name} no longer works")
            return redirect(report_url(report, "reports:fact_checks"))
        elif request.POST.get("form") == "decide":
            point = get_object_or_404(
                FactCheckPoint, pk=id_or_400(request.POST.get("point")), fact_check__report=report
            )
            decision_form = DecisionForm(request.POST, prefix=f"point-{point.pk}")
            if decision_form.is_valid():
                fact_check_services.fact_check_point_decide(
                    point=point,
                    actor=actor(request),
                    decision=decision_form.cleaned_data["decision"],
                    reason=decision_form.cleaned_data["reason"],
                )
                messages.success(request, f"Point {point.get_decision_display().lower()}")
                return redirect(report_url(report, "reports:fact_checks"))
            messages.error(request, "; ".join(str(e) for errors in decision_form.errors.values() for e in errors))
            status = HTTPStatus.BAD_REQUEST
    checks = report.fact_checks.select_related("issued_by", "revision").prefetch_related("points__decided_by")
    titles = {part.key: part.title for part in selectors.report_parts(report)}
    points = [
        {
            "point": point,
            "part_title": titles.get(point.part, "the report as a whole"),
            "form": DecisionForm(prefix=f"point-{point.pk}"),
        }
        for check in checks
        for point in check.points.all()
    ]
    return render(
        request,
        "reports/fact_checks.html",
        {
            "report": report,
            "checks": checks,
            "points": points,
            "form": form,
            "new_link": new_link,
            "may_issue": may_issue,
            "may_settle": may_settle,
        },
        status=status,
    )


# --- The force liaison's page (no account: the link is the authority) ---------------------------


@never_cache
def fact_check_page(request: HttpRequest, token: str) -> HttpResponse:
    """The draft as the public will see it, and a form for points of factual accuracy."""
    check = fact_check_services.fact_check_for_token(token)
    if check is None:
        return render(request, "reports/fact_check_closed.html", status=HTTPStatus.NOT_FOUND)
    report = check.report
    parts = selectors.report_parts(report)
    form = FactCheckPointForm(parts=[(p.key, p.title) for p in parts])
    status = HTTPStatus.OK
    if request.method == "POST":
        form = FactCheckPointForm(request.POST, parts=[(p.key, p.title) for p in parts])
        if form.is_valid():
            try:
                fact_check_services.fact_check_point_raise(
                    fact_check=check, part=form.cleaned_data["part"], text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                for message in validation_messages(error):
                    form.add_error("text", message)
            else:
                messages.success(request, "Thank you: your point has been sent to the inspection team")
                return redirect(request.path)
        status = HTTPStatus.BAD_REQUEST
    rendered = [
        {"part": part, "html": mark_safe(markup.render(check.revision.part(part.key)))}  # noqa: S308
        for part in parts
    ]
    response = render(
        request,
        "reports/fact_check_page.html",
        {"check": check, "report": report, "rendered": rendered, "form": form, "points": check.points.all()},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: the form posts back here, and Django checks the Origin it sends.
    response["Referrer-Policy"] = "same-origin"
    return response
