"""The workspace: where inspectors draft reports and editors review them.

Views bind input, call a service and render; the services decide. Every view requires a signed-in
member of staff and asks ``accounts.permissions`` about the object in hand, so a hidden button is
never the only guard. Everything works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import User
from inspections.models import Grade, Inspection
from inspections.selectors import earlier_open_findings
from reports import markup, selectors, services
from reports.diff import diff_html
from reports.errors import WorkflowError
from reports.forms import (
    ApproveForm,
    CauseOfConcernForm,
    CommentForm,
    DecisionForm,
    FactCheckIssueForm,
    FactCheckPointForm,
    FindingForm,
    JudgmentForm,
    OutcomeForm,
    PartForm,
    ReasonForm,
    error_links,
)
from reports.models import FactCheck, FactCheckPoint, Report, ReportState, ReviewComment, ReviewMark
from reports.record import (
    ItemsInvalid,
    JudgmentInput,
    OutcomeInput,
    RecommendationInput,
    cause_of_concern_create,
    finding_add,
    finding_outcomes_record,
    judgments_record,
)

View = Callable[..., HttpResponseBase]
ItemFormT = TypeVar("ItemFormT", bound=Form)


def workspace_view(view: View) -> View:
    """Signed in, and a member of staff with a workspace role; otherwise the login page or 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not permissions.can_view_workspace(request.user):
            raise PermissionDenied("The workspace is for inspectors, lead inspectors and editors")
        return view(request, *args, **kwargs)

    return wrapper


def actor(request: HttpRequest) -> User:
    """The signed-in person acting (``workspace_view`` has made sure there is one)."""
    assert isinstance(request.user, User)
    return request.user


def get_report(pk: int) -> Report:
    return get_object_or_404(selectors.reports_for_workspace(), pk=pk)


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


# --- Dashboard --------------------------------------------------------------------------------


@workspace_view
def dashboard(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    mine = list(selectors.my_reports(user))
    by_state: dict[str, list[Report]] = {}
    for report in mine:
        by_state.setdefault(report.get_state_display(), []).append(report)
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
                (state.label, by_state.get(state.label, [])) for state in ReportState if by_state.get(state.label)
            ],
            "reviews": selectors.reviews_waiting_for(user),
            "comments": selectors.comments_waiting_for(user),
            "points": selectors.fact_check_points_waiting_for(user),
            "sign_offs": selectors.sign_offs_waiting_for(user),
            "changes": selectors.changes_requested_of(user),
            "unstarted": unstarted,
            "all_reports": selectors.reports_for_workspace().exclude(pk__in=[r.pk for r in mine])
            if permissions.is_editor(user)
            else None,
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


# --- One report -------------------------------------------------------------------------------


def report_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    latest = report.latest_revision()
    content = latest.content if latest else {}
    user = actor(request)
    authors = selectors.report_authors(report)
    problems = selectors.submission_problems(report) if report.is_editable else []
    return {
        "report": report,
        "latest": latest,
        "parts": [
            {"part": part, "written": bool(str(content.get(part.key, "")).strip())}
            for part in selectors.report_parts(report)
        ],
        "problems": problems,
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


@workspace_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk)
    return render(request, "reports/report.html", report_context(request, report))


def part_title(report: Report, key: str) -> str:
    for part in selectors.report_parts(report):
        if part.key == key:
            return part.title
    raise Http404("No such part of this report")


@workspace_view
def part_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Edit one part. "Preview" shows the text as the public will see it; "Save" makes a revision."""
    report = get_report(pk)
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
    text = services.clean_text(request.POST.get("text", ""))[: services.MAX_PART_CHARACTERS]
    return HttpResponse(markup.render(text), content_type="text/html; charset=utf-8")


# --- Judgments, findings and earlier findings --------------------------------------------------


def submitted(form: Form, data: QueryDict) -> bool:
    """Whether the POST carries any of ``form``'s fields. An item the page did not show (added since
    it was loaded) is then left alone rather than read as emptied."""
    return any(form.add_prefix(name) in data for name in form.fields)


def bind_item(request: HttpRequest, form_class: type[ItemFormT], **kwargs: Any) -> ItemFormT:
    """An item's form, bound to the POST if the POST carries the item."""
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if submitted(form, request.POST):
            return form
    return form_class(**kwargs)


def add_item_errors(form: Form, error: ValidationError) -> None:
    """A service's refusal of one item, shown against the field it names, or the item as a whole."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for message in ValidationError(errors).messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def not_editable_message(report: Report, what: str) -> str:
    return f"The report is {report.get_state_display().lower()}: {what} can no longer be changed"


def judgment_subjects(report: Report) -> list[dict[str, Any]]:
    """The page's items: each pillar overall, then each question."""
    programme = report.inspection.programme
    subjects: list[dict[str, Any]] = [
        {
            "key": f"pillar-{pillar.pk}",
            "label": f"{pillar.name} overall",
            "pillar": pillar,
            "question": None,
            "graded": True,
        }
        for pillar in programme.pillars.all()
    ]
    subjects.extend(
        {
            "key": f"question-{question.pk}",
            "label": f"{question.number}. {question.short_title}",
            "pillar": None,
            "question": question,
            "graded": question.graded,
        }
        for question in programme.questions.all()
    )
    return subjects


def subject_key(subject: dict[str, Any]) -> tuple[int | None, int | None]:
    """The (question, pillar) ids a judgment is stored under."""
    return (
        subject["question"].pk if subject["question"] else None,
        subject["pillar"].pk if subject["pillar"] else None,
    )


@workspace_view
def judgments(request: HttpRequest, pk: int) -> HttpResponse:
    """Every judgment of the inspection on one form: "Save" records every item changed, or none.

    An invalid item keeps the page (400) with every value typed, its errors against it; an item left
    as it was is not rewritten. Only the inspection's team may post (403 otherwise); a report no
    longer editable refuses with a message, the typed values still there.
    """
    report = get_report(pk)
    inspection = report.inspection
    may_record = permissions.can_change_inspection(request.user, inspection)
    if request.method == "POST" and not may_record:
        raise PermissionDenied("You cannot change this inspection's judgments")
    grades = list(Grade.objects.filter(scale=inspection.programme.scale))
    grade_of = {str(grade.pk): grade for grade in grades}
    existing = {(j.question_id, j.pillar_id): j for j in inspection.judgments.select_related("grade")}
    subjects = judgment_subjects(report)
    for subject in subjects:
        current = existing.get(subject_key(subject))
        initial = {
            "grade": str(current.grade_id) if current and current.grade_id else None,
            "narrative": current.narrative if current else "",
        }
        subject["current"] = current
        subject["form"] = bind_item(
            request,
            JudgmentForm,
            initial=initial,
            prefix=subject["key"],
            grades=grades if subject["graded"] else None,
            label=subject["label"],
        )
    status = HTTPStatus.OK
    errors: list[str] = []
    if request.method == "POST":
        sent = [subject for subject in subjects if subject["form"].is_bound]
        if all(subject["form"].is_valid() for subject in sent):
            changed = [subject for subject in sent if subject["form"].has_changed()]
            try:
                if not report.is_editable:
                    raise WorkflowError(not_editable_message(report, "its judgments"))
                written = judgments_record(
                    inspection=inspection,
                    actor=actor(request),
                    judgments=[
                        JudgmentInput(
                            grade=grade_of.get(subject["form"].cleaned_data.get("grade") or ""),
                            narrative=subject["form"].cleaned_data.get("narrative", ""),
                            question=subject["question"],
                            pillar=subject["pillar"],
                        )
                        for subject in changed
                    ],
                )
            except ItemsInvalid as error:
                for position, item_error in error.by_item.items():
                    add_item_errors(changed[position]["form"], item_error)
            except (ValidationError, PermissionDenied, WorkflowError) as error:
                errors = refusal_messages(error)
            else:
                saved = {(judgment.question_id, judgment.pillar_id) for judgment in written}
                labels = [subject["label"] for subject in changed if subject_key(subject) in saved]
                if labels:
                    messages.success(
                        request, f"{'Judgments' if len(labels) > 1 else 'Judgment'} saved: {'; '.join(labels)}"
                    )
                else:
                    messages.info(request, "No changes to save")
                return redirect(report_url(report, "reports:judgments"))
        status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "reports/judgments.html",
        {
            "report": report,
            "subjects": subjects,
            "may_change": (report.is_editable and may_record) or status == HTTPStatus.BAD_REQUEST,
            "may_sign_off": report.is_editable and permissions.can_sign_off_judgments(request.user, report),
            "errors": errors,
            "error_links": error_links((subject["form"], f"{subject['key']}-item") for subject in subjects),
        },
        status=status,
    )


@workspace_view
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk)
    inspection = report.inspection
    may_change = report.is_editable and permissions.can_change_inspection(request.user, inspection)
    questions = [(q.pk, f"{q.number}. {q.short_title}") for q in inspection.programme.questions.all()]
    finding_form = FindingForm(questions=questions, prefix="finding")
    cause_form = CauseOfConcernForm(questions=questions, prefix="cause")
    status = HTTPStatus.OK
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("You cannot change this inspection's findings")
        which = request.POST.get("form")
        question_of = {q.pk: q for q in inspection.programme.questions.all()}
        try:
            if which == "finding":
                finding_form = FindingForm(request.POST, questions=questions, prefix="finding")
                if finding_form.is_valid():
                    finding_add(
                        inspection=inspection,
                        actor=actor(request),
                        kind=finding_form.cleaned_data["kind"],
                        text=finding_form.cleaned_data["text"],
                        question=question_of.get(finding_form.cleaned_data["question"]),
                    )
                    messages.success(request, "Finding added")
                    return redirect(report_url(report, "reports:findings"))
            elif which == "cause":
                cause_form = CauseOfConcernForm(request.POST, questions=questions, prefix="cause")
                if cause_form.is_valid():
                    data = cause_form.cleaned_data
                    cause_of_concern_create(
                        inspection=inspection,
                        actor=actor(request),
                        text=data["text"],
                        recommendations=[RecommendationInput(data["recommendation"], data["deadline"])],
                        question=question_of.get(data["question"]),
                        accelerated=data["accelerated"],
                        raised_on=timezone.localdate() if data["accelerated"] else None,
                    )
                    messages.success(request, "Cause of concern and its recommendation added")
                    return redirect(report_url(report, "reports:findings"))
        except ValidationError as error:
            target = finding_form if which == "finding" else cause_form
            for message in validation_messages(error):
                target.add_error(None, message)
        status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "reports/findings.html",
        {
            "report": report,
            "may_change": may_change,
            "finding_form": finding_form,
            "cause_form": cause_form,
            "findings": inspection.findings.select_related("question", "cause_of_concern").order_by(
                "question__number", "kind", "order"
            ),
        },
        status=status,
    )


@workspace_view
def earlier_findings(request: HttpRequest, pk: int) -> HttpResponse:
    """What became of each of the force's earlier open findings, all on one form: "Save" records
    every item changed, or none, as on the judgments page."""
    report = get_report(pk)
    inspection = report.inspection
    may_record = permissions.can_change_inspection(request.user, inspection)
    if request.method == "POST" and not may_record:
        raise PermissionDenied("You cannot change this inspection's record")
    recorded = {o.finding_id: o for o in inspection.finding_outcomes.all()}
    rows: list[dict[str, Any]] = []
    for number, finding in enumerate(earlier_open_findings(inspection=inspection), start=1):
        outcome = recorded.get(finding.pk)
        label = f"finding {number} ({finding.get_kind_display().lower()} from {finding.inspection.programme.name})"
        form = bind_item(
            request,
            OutcomeForm,
            prefix=f"finding-{finding.pk}",
            label=label,
            initial={"outcome": outcome.outcome if outcome else None, "note": outcome.note if outcome else ""},
        )
        rows.append({"finding": finding, "number": number, "outcome": outcome, "form": form})
    status = HTTPStatus.OK
    errors: list[str] = []
    if request.method == "POST":
        sent = [row for row in rows if row["form"].is_bound]
        if all(row["form"].is_valid() for row in sent):
            changed = [row for row in sent if row["form"].has_changed()]
            try:
                if not report.is_editable:
                    raise WorkflowError(not_editable_message(report, "its record"))
                written = finding_outcomes_record(
                    inspection=inspection,
                    actor=actor(request),
                    outcomes=[
                        OutcomeInput(
                            finding=row["finding"],
                            outcome=row["form"].cleaned_data["outcome"],
                            note=row["form"].cleaned_data.get("note", ""),
                        )
                        for row in changed
                    ],
                )
            except ItemsInvalid as error:
                for position, item_error in error.by_item.items():
                    add_item_errors(changed[position]["form"], item_error)
            except (ValidationError, PermissionDenied, WorkflowError) as error:
                errors = refusal_messages(error)
            else:
                if written:
                    messages.success(request, f"{len(written)} {'outcome' if len(written) == 1 else 'outcomes'} saved")
                else:
                    messages.info(request, "No changes to save")
                return redirect(report_url(report, "reports:earlier_findings"))
        status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "reports/earlier_findings.html",
        {
            "report": report,
            "rows": rows,
            "may_change": (report.is_editable and may_record) or status == HTTPStatus.BAD_REQUEST,
            "errors": errors,
            "error_links": error_links((row["form"], f"finding-{row['finding'].pk}-item") for row in rows),
        },
        status=status,
    )


# --- History and comparison --------------------------------------------------------------------


@workspace_view
def history(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk)
    revisions = report.revisions.select_related("author").order_by("-number")
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
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


@workspace_view
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk)
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
    report = get_report(pk)
    try:
        revision = services.report_restore_revision(report=report, actor=actor(request), number=number)
    except (WorkflowError, ValidationError) as error:
        messages.error(
            request, "; ".join(validation_messages(error)) if isinstance(error, ValidationError) else str(error)
        )
    else:
        messages.success(request, f"Revision {number} restored as revision {revision.number}")
    return redirect(report_url(report, "reports:history"))


# --- Review -----------------------------------------------------------------------------------


@workspace_view
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed since the reviewer's last review, the comment threads, and the decision."""
    report = get_report(pk)
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
    context.update(
        {
            "since": since,
            "first_look": since is None,
            "rows": rows,
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
    report = get_report(pk)
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
    report = get_report(pk)
    comment = get_object_or_404(ReviewComment, pk=comment_id, report=report)
    resolved = request.POST.get("resolved", "1") == "1"
    try:
        services.comment_set_resolved(comment=comment, actor=actor(request), resolved=resolved)
    except ValidationError as error:
        messages.error(request, "; ".join(validation_messages(error)))
    else:
        messages.success(request, "Comment resolved" if resolved else "Comment reopened")
    return redirect(report_url(report, "reports:review"))


# --- Transitions --------------------------------------------------------------------------------


def transition_response(request: HttpRequest, report: Report, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except WorkflowError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        return render(
            request,
            "reports/report.html",
            {**report_context(request, report), "transition_errors": validation_messages(error)},
            status=HTTPStatus.BAD_REQUEST,
        )
    else:
        messages.success(request, done)
    return redirect(report_url(report))


@workspace_view
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk)
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
    report = get_report(pk)
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
    report = get_report(pk)
    return transition_response(
        request,
        report,
        lambda: services.report_sign_off_judgments(report=report, actor=actor(request)),
        "Judgments signed off",
    )


# --- Factual accuracy check ---------------------------------------------------------------------


@workspace_view
def fact_checks(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk)
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
                    _, token = services.fact_check_issue(
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
            check = get_object_or_404(FactCheck, pk=request.POST.get("fact_check"), report=report)
            services.fact_check_revoke(fact_check=check, actor=actor(request))
            messages.success(request, f"The link for {check.liaison_name} no longer works")
            return redirect(report_url(report, "reports:fact_checks"))
        elif request.POST.get("form") == "decide":
            point = get_object_or_404(FactCheckPoint, pk=request.POST.get("point"), fact_check__report=report)
            decision_form = DecisionForm(request.POST, prefix=f"point-{point.pk}")
            if decision_form.is_valid():
                services.fact_check_point_decide(
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
    check = services.fact_check_for_token(token)
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
                services.fact_check_point_raise(
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
