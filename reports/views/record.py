"""The inspection's record in the workspace: judgments and earlier findings (each page one form, saved
whole) and findings, all through ``reports.record``."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import permissions
from accounts.decorators import actor, workspace_view
from inspections.evidence import Evidence
from inspections.models import Grade, Judgment
from inspections.selectors import case_file_audits_with_rates, earlier_open_findings
from inspectorate.ids import id_or_400
from reports.errors import WorkflowError
from reports.forms import (
    CauseOfConcernForm,
    FindingForm,
    JudgmentForm,
    OutcomeForm,
    error_links,
)
from reports.models import Report
from reports.record import (
    ItemsInvalid,
    JudgmentInput,
    OutcomeInput,
    RecommendationInput,
    cause_of_concern_create,
    finding_add,
    finding_outcomes_record,
    judgment_evidence_cite,
    judgments_record,
)
from reports.views.common import (
    ItemFormT,
    get_report,
    refusal_messages,
    report_url,
    validation_messages,
)

# --- Judgments, findings and earlier findings --------------------------------------------------


T = TypeVar("T")


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


def seen_record_version(request: HttpRequest) -> int | None:
    """The record version the page was opened at (a hidden field), so that a save of a stale page is
    refused rather than putting back what someone saved meanwhile."""
    try:
        return int(request.POST.get("record_version", ""))
    except ValueError:
        return None


def save_items(
    items: list[dict[str, Any]], save: Callable[[list[dict[str, Any]]], list[T]]
) -> tuple[list[dict[str, Any]], list[T] | None, list[str]]:
    """The POST of a page of items (each a dict with its ``form``): when every item sent is valid,
    ``save`` records those changed. Returns the changed items, what ``save`` wrote (``None`` when
    nothing was saved) and the page's own errors; an item's errors go on its form."""
    sent = [item for item in items if item["form"].is_bound]
    if not all(item["form"].is_valid() for item in sent):
        return [], None, []
    changed = [item for item in sent if item["form"].has_changed()]
    try:
        return changed, save(changed), []
    except ItemsInvalid as error:
        for position, item_error in error.by_item.items():
            add_item_errors(changed[position]["form"], item_error)
        return changed, None, []
    except (ValidationError, PermissionDenied, WorkflowError) as error:
        return changed, None, refusal_messages(error)


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
    report = get_report(pk, request.user)
    inspection = report.inspection
    may_record = permissions.can_change_inspection(request.user, inspection)
    if request.method == "POST" and not may_record:
        raise PermissionDenied("You cannot change this inspection's judgments")
    grades = list(Grade.objects.filter(scale=inspection.programme.scale))
    grade_of = {str(grade.pk): grade for grade in grades}
    existing = {
        (j.question_id, j.pillar_id): j
        for j in inspection.judgments.select_related("grade").annotate(cited=Count("evidence"))
    }
    subjects = judgment_subjects(report)
    for subject in subjects:
        current = existing.get(subject_key(subject))
        initial = {
            "grade": str(current.grade_id) if current and current.grade_id else None,
            "narrative": current.narrative if current else "",
        }
        subject["current"] = current
        subject["cited"] = current.cited if current else 0
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
        changed, written, errors = save_items(
            subjects,
            lambda changed: judgments_record(
                inspection=inspection,
                actor=actor(request),
                seen_record_version=seen_record_version(request),
                judgments=[
                    JudgmentInput(
                        grade=grade_of.get(subject["form"].cleaned_data.get("grade") or ""),
                        narrative=subject["form"].cleaned_data.get("narrative", ""),
                        question=subject["question"],
                        pillar=subject["pillar"],
                    )
                    for subject in changed
                ],
            ),
        )
        if written is not None:
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
    report = get_report(pk, request.user)
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
    report = get_report(pk, request.user)
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
        _, written, errors = save_items(
            rows,
            lambda changed: finding_outcomes_record(
                inspection=inspection,
                actor=actor(request),
                seen_record_version=seen_record_version(request),
                outcomes=[
                    OutcomeInput(
                        finding=row["finding"],
                        outcome=row["form"].cleaned_data["outcome"],
                        note=row["form"].cleaned_data.get("note", ""),
                    )
                    for row in changed
                ],
            ),
        )
        if written is not None:
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


@workspace_view
def judgment_evidence(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    """The evidence a question's judgment cites: the team ticks what it rests on, from the inspection's
    evidence (that on the question first). Sign-off wants every graded judgment to cite some."""
    report = get_report(pk, request.user)
    inspection = report.inspection
    judgment = get_object_or_404(
        Judgment.objects.select_related("question", "grade"), inspection=inspection, question_id=question_id
    )
    may_cite = permissions.can_change_inspection(request.user, inspection)
    evidence = list(
        Evidence.objects.filter(inspection=inspection)
        .select_related("gathered_by")
        .prefetch_related("questions", "files")
        .order_by("-gathered_on", "-pk")
    )
    on_question = [item for item in evidence if any(q.pk == question_id for q in item.questions.all())]
    others = [item for item in evidence if item not in on_question]
    cited = set(Evidence.objects.filter(judgments=judgment).values_list("pk", flat=True))
    errors: list[str] = []
    if request.method == "POST":
        if not may_cite:
            raise PermissionDenied("Only the inspection's team chooses the evidence its judgments cite")
        chosen = {id_or_400(value) for value in request.POST.getlist("evidence")}
        try:
            judgment_evidence_cite(
                judgment=judgment, actor=actor(request), evidence=[item for item in evidence if item.pk in chosen]
            )
        except (ValidationError, WorkflowError) as error:
            errors = validation_messages(error) if isinstance(error, ValidationError) else [str(error)]
        else:
            count = len(chosen)
            messages.success(
                request, f"{judgment.question}: {count} piece{'s' if count != 1 else ''} of evidence cited"
            )
            return redirect(report_url(report, "reports:judgments") + f"#question-{question_id}-item")
    return render(
        request,
        "reports/judgment_evidence.html",
        {
            "report": report,
            "judgment": judgment,
            "on_question": on_question,
            "others": others,
            "cited": cited,
            "may_cite": may_cite,
            "audits": case_file_audits_with_rates(inspection, judgment.question),
            "errors": errors,
        },
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
    )
