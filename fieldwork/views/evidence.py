"""The evidence log, case-file audits, and the case file's files (to staff only, as downloads)."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from accounts.decorators import actor, workspace_view
from fieldwork import selectors, services
from fieldwork.forms import (
    AuditStartForm,
    EvidenceForm,
)
from fieldwork.models import RequestFile
from fieldwork.views.common import case_file_context, inspection_or_404, refusals
from inspections.evidence import CaseFileAnswer, CaseFileAudit, EvidenceFile
from inspections.selectors import audit_rates, case_file_audits_with_rates
from inspectorate.ids import id_or_400
from reports.errors import WorkflowError


@workspace_view
def evidence(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = inspection_or_404(request, inspection_id)
    questions = inspection.programme.questions.order_by("number")
    form = EvidenceForm(prefix="evidence", questions=questions)
    shown_question = None
    question_id = request.GET.get("question")
    if question_id:
        shown_question = questions.filter(pk=id_or_400(question_id)).first()
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES, prefix="evidence", questions=questions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evidence_log(
                    inspection=inspection,
                    actor=actor(request),
                    kind=data["kind"],
                    gathered_on=data["gathered_on"],
                    summary=data["summary"],
                    notes=data["notes"],
                    questions=data["questions"],
                    files=data["attachments"],
                )
            except (ValidationError, WorkflowError) as error:
                for message in refusals(error):
                    form.add_error(None, message)
            else:
                messages.success(request, "The evidence is logged")
                return redirect(request.get_full_path())
    logged = selectors.evidence_of(inspection, shown_question)
    return render(
        request,
        "fieldwork/evidence.html",
        case_file_context(
            request,
            inspection,
            "evidence",
            logged=logged,
            form=form,
            questions=questions,
            shown_question=shown_question,
            audits=case_file_audits_with_rates(inspection, shown_question),
        ),
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


@workspace_view
def audit_start(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = inspection_or_404(request, inspection_id)
    if not permissions.can_change_inspection(request.user, inspection):
        raise PermissionDenied("Only the inspection's team audits its case files")
    questions = inspection.programme.questions.order_by("number")
    form = AuditStartForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.case_file_audit_start(
                inspection=inspection,
                actor=actor(request),
                title=data["title"],
                title_cy=data["title_cy"],
                gathered_on=data["gathered_on"],
                references=data["references"].splitlines(),
                questions=data["questions"],
            )
        except (ValidationError, WorkflowError) as error:
            for message in refusals(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"Record each case file's answers for “{audit.title}”")
            return redirect("fieldwork:audit", audit_id=audit.pk)
    return render(
        request,
        "fieldwork/audit_start.html",
        case_file_context(request, inspection, "evidence", form=form),
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


@workspace_view
def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = get_object_or_404(CaseFileAudit.objects.select_related("evidence__inspection"), pk=audit_id)
    inspection = inspection_or_404(request, audit.evidence.inspection_id)
    measures = list(inspection.programme.checklist.all())
    files = list(audit.case_files.all())
    errors: list[str] = []
    if request.method == "POST":
        answers = {
            (case_file.pk, measure.pk): request.POST.get(f"answer-{case_file.pk}-{measure.pk}", "")
            for case_file in files
            for measure in measures
        }
        try:
            recorded = services.case_file_answers_record(
                audit=audit, actor=actor(request), answers=answers, in_about_the_data=bool(request.POST.get("about"))
            )
        except (ValidationError, WorkflowError) as error:
            errors = refusals(error)
        else:
            messages.success(request, f"{recorded} answers recorded")
            return redirect(request.path)
    given = {
        (case_file_id, measure_id): answer
        for case_file_id, measure_id, answer in CaseFileAnswer.objects.filter(case_file__audit=audit).values_list(
            "case_file_id", "measure_id", "answer"
        )
    }
    grid = [
        (case_file, [(measure, given.get((case_file.pk, measure.pk), "")) for measure in measures])
        for case_file in files
    ]
    return render(
        request,
        "fieldwork/audit.html",
        case_file_context(
            request,
            inspection,
            "evidence",
            audit=audit,
            measures=measures,
            grid=grid,
            rates=audit_rates(audit),
            answers=CaseFileAnswer.Answer.choices,
            errors=errors,
        ),
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
    )


@workspace_view
def file_download(request: HttpRequest, kind: str, file_id: int) -> FileResponse:
    """A file of the case file, to staff who may read it: always as a download, never shown inline."""
    stored: EvidenceFile | RequestFile
    if kind == "evidence":
        stored = get_object_or_404(EvidenceFile.objects.select_related("evidence__inspection"), pk=file_id)
        inspection_id = stored.evidence.inspection_id
    elif kind == "request":
        stored = get_object_or_404(RequestFile.objects.select_related("answer__request"), pk=file_id)
        inspection_id = stored.answer.request.inspection_id
    else:
        raise Http404("No such file")
    inspection_or_404(request, inspection_id)
    if stored.removed_at is not None or not stored.file:
        raise Http404("This file was deleted under the retention rule")
    response = FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
