"""Drafting a report: its page, each part's editor and preview, its history, comparison and restore."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.decorators import actor, workspace_view
from inspections.evidence import Evidence
from inspections.selectors import case_file_audits_with_rates
from inspectorate.ids import LARGEST_INTEGER, parse_id
from inspectorate.text import clean_text
from reports import markup, selectors, services
from reports.diff import diff_html
from reports.errors import WorkflowError
from reports.forms import (
    PartForm,
)
from reports.models import Report
from reports.views.common import (
    get_report,
    refusal_messages,
    report_context,
    report_url,
    validation_messages,
)


@workspace_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    return render(request, "reports/report.html", report_context(request, report))


def part_title(report: Report, key: str) -> str:
    for part in selectors.report_parts(report):
        if part.key == key:
            return part.title
    raise Http404("No such part of this report")


@workspace_view
def part_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Edit one part. "Preview" shows the text as the public will see it; "Save" makes a revision."""
    report = get_report(pk, request.user)
    title = part_title(report, key)
    may_edit = report.is_editable and permissions.can_edit_report(request.user, report)
    if request.method == "POST" and not permissions.can_edit_report(request.user, report):
        raise PermissionDenied("You cannot edit this report")
    latest = report.latest_revision()
    preview = None
    status = HTTPStatus.OK
    if request.method == "POST":
        form = PartForm(request.POST, label=title)
        if form.is_valid():
            text = form.cleaned_data["text"]
            if "preview" in request.POST:
                preview = mark_safe(markup.render(text))  # noqa: S308 - markup.render returns sanitised HTML
            else:
                try:
                    revision = services.report_save_part(
                        report=report,
                        actor=actor(request),
                        part=key,
                        text=text,
                        based_on=form.cleaned_data["based_on"],
                    )
                except services.EditConflict as conflict:
                    return render(
                        request,
                        "reports/conflict.html",
                        {
                            "report": report,
                            "title": title,
                            "key": key,
                            "conflict": conflict,
                            "diff": mark_safe(diff_html(conflict.their_text, conflict.your_text)),  # noqa: S308
                            "form": PartForm(
                                initial={"text": conflict.your_text, "based_on": conflict.theirs.number}, label=title
                            ),
                        },
                        status=HTTPStatus.CONFLICT,
                    )
                except (WorkflowError, ValidationError) as error:
                    # Refused by a rule (the report has moved on, say): the text stays in the box.
                    for message in refusal_messages(error):
                        form.add_error("text", message)
                    status = HTTPStatus.BAD_REQUEST
                else:
                    if revision is None:
                        messages.info(request, f"No changes to save in {title.lower()}")
                    else:
                        messages.success(request, f"{title} saved as revision {revision.number}")
                    return redirect(report_url(report))
        else:
            status = HTTPStatus.BAD_REQUEST
    else:
        form = PartForm(initial={"text": latest.part(key) if latest else "", "based_on": report.version}, label=title)
    section = (
        report.sections.select_related("question").filter(question__number=key.removeprefix("section-")).first()
        if key.startswith("section-")
        else None
    )
    judgment = findings = None
    if section is not None:
        judgment = report.inspection.judgments.filter(question=section.question).select_related("grade").first()
        findings = report.inspection.findings.filter(question=section.question).order_by("kind", "order")
    return render(
        request,
        "reports/part_edit.html",
        {
            "report": report,
            "title": title,
            "key": key,
            "form": form,
            "preview": preview,
            "guide": markup.GUIDE,
            "section": section,
            "judgment": judgment,
            "evidence": list(Evidence.objects.filter(judgments=judgment).order_by("-gathered_on")) if judgment else [],
            "audits": case_file_audits_with_rates(report.inspection, section.question) if section else [],
            "findings": findings,
            "may_edit": may_edit or status == HTTPStatus.BAD_REQUEST,
            "current": None if may_edit else mark_safe(markup.render(latest.part(key) if latest else "")),  # noqa: S308
            "comments": report.comments.filter(part=key, reply_to__isnull=True)
            .prefetch_related("replies__author")
            .select_related("author"),
        },
        status=status,
    )


@workspace_view
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The live preview of the editor's JavaScript: the Markdown in, the page's HTML out."""
    text = clean_text(request.POST.get("text", ""))[: services.MAX_PART_CHARACTERS]
    return HttpResponse(markup.render(text), content_type="text/html; charset=utf-8")


# --- History and comparison --------------------------------------------------------------------


@workspace_view
def history(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    titles = {part.key: part.title for part in selectors.report_parts(report)}
    revisions = [
        (revision, [titles.get(key, key) for key in revision.changed_parts])
        for revision in report.revisions.select_related("author").order_by("-number")
    ]
    return render(
        request,
        "reports/history.html",
        {
            "report": report,
            "revisions": revisions,
            "events": report.events.select_related("actor", "revision"),
            "may_edit": report.is_editable and permissions.can_edit_report(request.user, report),
        },
    )


def compare_parts(report: Report, old: dict[str, str], new: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for part in selectors.report_parts(report):
        before, after = str(old.get(part.key, "")), str(new.get(part.key, ""))
        rows.append(
            {
                "part": part,
                "changed": before != after,
                "diff": mark_safe(diff_html(before, after)),  # noqa: S308 - diff_html escapes its input
                "rendered": mark_safe(markup.render(after)),  # noqa: S308 - markup.render sanitises
            }
        )
    return rows


def int_param(request: HttpRequest, name: str, default: int) -> int:
    """A revision number from the address; the default when it is missing or not one a key can hold
    (``?to=99999999999999999999999`` used to overflow the database's integer and answer 500)."""
    number = parse_id(request.GET.get(name, default), largest=LARGEST_INTEGER)
    return default if number is None else number


@workspace_view
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    newest = report.version
    a, b = int_param(request, "from", max(newest - 1, 0)), int_param(request, "to", newest)
    revisions = {r.number: r for r in report.revisions.filter(number__in=[a, b])}
    if (a and a not in revisions) or (b and b not in revisions):
        messages.error(request, "Select revisions of this report to compare")
        return redirect(report_url(report, "reports:history"))
    old = revisions[a].content if a else {}
    new = revisions[b].content if b else {}
    return render(
        request,
        "reports/compare.html",
        {"report": report, "a": a, "b": b, "rows": compare_parts(report, old, new), "numbers": range(newest, 0, -1)},
    )


@workspace_view
@require_POST
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    report = get_report(pk, request.user)
    try:
        revision = services.report_restore_revision(report=report, actor=actor(request), number=number)
    except (WorkflowError, ValidationError) as error:
        messages.error(
            request, "; ".join(validation_messages(error)) if isinstance(error, ValidationError) else str(error)
        )
    else:
        messages.success(request, f"Revision {number} restored as revision {revision.number}")
    return redirect(report_url(report, "reports:history"))
