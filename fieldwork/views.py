"""The case file's pages: the plan, requests to the force, the evidence log, case-file audits, national
moderation, the staff's own declared links, the files (to staff only) and the force liaison's page (no
account: the link is the authority). Rules are in ``fieldwork.services`` and ``fieldwork.selectors``."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts import permissions
from accounts.decorators import actor, workspace_view
from accounts.models import User
from fieldwork import selectors, services
from fieldwork.files import max_megabytes
from fieldwork.forms import (
    AuditStartForm,
    ConflictForm,
    EvidenceForm,
    ForceRequestForm,
    LiaisonLinkForm,
    ModerationForm,
    PhaseForm,
    RequestAnswerForm,
    TeamMemberForm,
)
from fieldwork.models import ConflictDeclaration, ForceRequest, LiaisonLink, RequestFile, TeamRole
from inspections.evidence import CaseFileAnswer, CaseFileAudit, EvidenceFile
from inspections.models import Force, Inspection, Judgment, Programme
from inspections.selectors import audit_rates
from inspectorate.ids import id_or_400
from reports.errors import WorkflowError
from reports.selectors import report_of
from reports.views.common import validation_messages


def _inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    """The inspection if the person may read its case file; otherwise 404, as if it did not exist."""
    inspection = get_object_or_404(
        Inspection.objects.select_related("force", "programme", "lead_inspector"), pk=inspection_id
    )
    if not permissions.can_read_fieldwork(request.user, inspection):
        raise Http404("No such inspection")
    return inspection


def _context(request: HttpRequest, inspection: Inspection, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "inspection": inspection,
        "report": report_of(inspection),
        "section": section,
        "may_change": permissions.can_change_inspection(request.user, inspection),
        **extra,
    }


def _errors(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return validation_messages(error)
    return [str(error)]


def _status(request: HttpRequest) -> int:
    return HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK


# --- The plan --------------------------------------------------------------------------------------


@workspace_view
def plan(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = _inspection(request, inspection_id)
    people = User.objects.filter(is_active=True, groups__name__in=["Inspector", "Lead inspector"]).distinct()
    phase_form = PhaseForm(prefix="phase")
    team_form = TeamMemberForm(prefix="team", people=people)
    errors: list[str] = []
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "phase":
                phase_form = PhaseForm(request.POST, prefix="phase")
                if phase_form.is_valid():
                    data = phase_form.cleaned_data
                    services.phase_set(
                        inspection=inspection,
                        actor=actor(request),
                        kind=data["kind"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                    )
                    messages.success(request, "The plan is saved")
                    return redirect(request.path)
            elif which == "team":
                team_form = TeamMemberForm(request.POST, prefix="team", people=people)
                if team_form.is_valid():
                    person = team_form.cleaned_data["person"]
                    services.team_member_add(
                        inspection=inspection, actor=actor(request), person=person, role=team_form.cleaned_data["role"]
                    )
                    messages.success(request, f"{person} is on the team")
                    return redirect(request.path)
            elif which == "remove":
                person = get_object_or_404(User, pk=id_or_400(request.POST.get("person")))
                services.team_member_remove(inspection=inspection, actor=actor(request), person=person)
                messages.success(request, f"{person} is no longer on the team")
                return redirect(request.path)
            else:
                errors = ["Choose what to change"]
        except (ValidationError, WorkflowError) as error:
            errors = _errors(error)
    roles = {role.person_id: role for role in TeamRole.objects.filter(inspection=inspection)}
    team = [(person, roles.get(person.pk)) for person in inspection.team.order_by("name")]
    return render(
        request,
        "fieldwork/plan.html",
        _context(
            request,
            inspection,
            "plan",
            phases=inspection.phases.all(),
            team=team,
            conflicts=selectors.conflicts_on_inspection(inspection),
            phase_form=phase_form,
            team_form=team_form,
            may_choose_team=permissions.is_administrator(request.user)
            or inspection.lead_inspector_id == request.user.pk,
            errors=errors,
        ),
        status=_status(request) if (errors or phase_form.errors or team_form.errors) else HTTPStatus.OK,
    )


@workspace_view
def conflicts(request: HttpRequest) -> HttpResponse:
    """The signed-in person's declared links with forces, and a form to declare another."""
    person = actor(request)
    form = ConflictForm(request.POST or None, forces=Force.objects.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_declare(
                person=person,
                actor=person,
                force_id=data["force"].pk,
                kind=data["kind"],
                served_until=data["served_until"],
                detail=data["detail"],
            )
        except ValidationError as error:
            for message in validation_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"Your link with {data['force']} is declared")
            return redirect(request.path)
    declared = ConflictDeclaration.objects.filter(person=person).select_related("force")
    return render(
        request,
        "fieldwork/conflicts.html",
        {"form": form, "declared": declared},
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


# --- Requests to the force ------------------------------------------------------------------------


@workspace_view
def requests(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = _inspection(request, inspection_id)
    request_form = ForceRequestForm(prefix="request")
    link_form = LiaisonLinkForm(prefix="link")
    errors: list[str] = []
    new_link = None
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "request":
                request_form = ForceRequestForm(request.POST, prefix="request")
                if request_form.is_valid():
                    data = request_form.cleaned_data
                    services.force_request_add(
                        inspection=inspection,
                        actor=actor(request),
                        title=data["title"],
                        detail=data["detail"],
                        due_on=data["due_on"],
                    )
                    messages.success(request, f"“{data['title']}” is asked for")
                    return redirect(request.path)
            elif which == "link":
                link_form = LiaisonLinkForm(request.POST, prefix="link")
                if link_form.is_valid():
                    _, token = services.liaison_link_issue(
                        inspection=inspection,
                        actor=actor(request),
                        liaison_name=link_form.cleaned_data["liaison_name"],
                        liaison_email=link_form.cleaned_data["liaison_email"],
                    )
                    new_link = request.build_absolute_uri(reverse("force_requests", args=[token]))
                    link_form = LiaisonLinkForm(prefix="link")
            elif which == "revoke":
                link = get_object_or_404(LiaisonLink, pk=id_or_400(request.POST.get("link")), inspection=inspection)
                services.liaison_link_revoke(link=link, actor=actor(request))
                messages.success(request, f"The link of {link.liaison_name} no longer works")
                return redirect(request.path)
            elif which == "close":
                force_request = get_object_or_404(
                    ForceRequest, pk=id_or_400(request.POST.get("request")), inspection=inspection
                )
                services.force_request_close(request=force_request, actor=actor(request))
                messages.success(request, f"“{force_request.title}” is closed")
                return redirect(request.path)
            else:
                errors = ["Choose what to do"]
        except (ValidationError, WorkflowError) as error:
            errors = _errors(error)
    failed = bool(errors or request_form.errors or link_form.errors)
    return render(
        request,
        "fieldwork/requests.html",
        _context(
            request,
            inspection,
            "requests",
            force_requests=selectors.requests_of(inspection),
            links=inspection.liaison_links.all(),
            request_form=request_form,
            link_form=link_form,
            new_link=new_link,
            errors=errors,
            may_send=permissions.can_change_inspection(request.user, inspection) or permissions.is_editor(request.user),
        ),
        status=HTTPStatus.BAD_REQUEST if failed else HTTPStatus.OK,
    )


@never_cache
def force_requests(request: HttpRequest, token: str) -> HttpResponse:
    """The force liaison's page: the open requests, and a form to answer each with files and a note."""
    link = selectors.liaison_link_by_token(token)
    if link is None or not link.is_open():
        return render(request, "fieldwork/force_requests_closed.html", status=HTTPStatus.GONE)
    inspection = link.inspection
    forms: dict[int, RequestAnswerForm] = {}
    status = HTTPStatus.OK
    if request.method == "POST":
        force_request = get_object_or_404(
            ForceRequest, pk=id_or_400(request.POST.get("request")), inspection=inspection
        )
        form = RequestAnswerForm(
            request.POST, request.FILES, prefix=f"r{force_request.pk}", request_id=force_request.pk
        )
        if form.is_valid():
            try:
                answer = services.request_answer(
                    link=link,
                    request=force_request,
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["attachments"],
                )
            except (ValidationError, WorkflowError) as error:
                for message in _errors(error):
                    form.add_error("attachments", message)
            else:
                count = answer.files.count()
                messages.success(
                    request,
                    f"Sent to the team for “{force_request.title}”: {count} file{'s' if count != 1 else ''}"
                    + (" and your note" if answer.note else ""),
                )
                return redirect(request.path)
        forms[force_request.pk] = form
        status = HTTPStatus.BAD_REQUEST
    open_requests = list(selectors.requests_of(inspection).filter(closed_at__isnull=True))
    rows = [
        (item, forms.get(item.pk) or RequestAnswerForm(prefix=f"r{item.pk}", request_id=item.pk))
        for item in open_requests
    ]
    return render(
        request,
        "fieldwork/force_requests.html",
        {
            "link": link,
            "inspection": inspection,
            "rows": rows,
            "failed": status != HTTPStatus.OK,
            "max_mb": max_megabytes(),
        },
        status=status,
    )


# --- Evidence ------------------------------------------------------------------------------------------


@workspace_view
def evidence(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = _inspection(request, inspection_id)
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
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(request, "The evidence is logged")
                return redirect(request.get_full_path())
    logged = selectors.evidence_of(inspection, shown_question)
    return render(
        request,
        "fieldwork/evidence.html",
        _context(
            request,
            inspection,
            "evidence",
            logged=logged,
            form=form,
            questions=questions,
            shown_question=shown_question,
            audits=selectors.audits_of(inspection, shown_question),
        ),
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


@workspace_view
def audit_start(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = _inspection(request, inspection_id)
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
                gathered_on=data["gathered_on"],
                references=data["references"].splitlines(),
                questions=data["questions"],
            )
        except (ValidationError, WorkflowError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                raise
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"Record each case file's answers for “{audit.title}”")
            return redirect("fieldwork:audit", audit_id=audit.pk)
    return render(
        request,
        "fieldwork/audit_start.html",
        _context(request, inspection, "evidence", form=form),
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


@workspace_view
def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = get_object_or_404(CaseFileAudit.objects.select_related("evidence__inspection"), pk=audit_id)
    inspection = _inspection(request, audit.evidence.inspection_id)
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
            errors = _errors(error)
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
        _context(
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
    _inspection(request, inspection_id)
    if stored.removed_at is not None or not stored.file:
        raise Http404("This file was deleted under the retention rule")
    response = FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Moderation ------------------------------------------------------------------------------------------


def _may_see_moderation(user: Any) -> None:
    if not (permissions.can_moderate(user) or permissions.is_administrator(user)):
        raise PermissionDenied("Moderation is for the panel: lead inspectors and editors")


@workspace_view
def moderation(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("scale"), pk=programme_id)
    _may_see_moderation(request.user)
    questions, rows = selectors.moderation_table(programme)
    spread = selectors.grade_spread(programme)
    order = {grade.label: grade.rank for grade in selectors.grades_of(programme)}
    return render(
        request,
        "fieldwork/moderation.html",
        {
            "programme": programme,
            "questions": [
                (question, sorted(spread.get(question.pk, {}).items(), key=lambda item: order.get(item[0], 99)))
                for question in questions
            ],
            "rows": rows,
            "outstanding": sum(row.outstanding for row in rows),
        },
    )


@workspace_view
def moderate(request: HttpRequest, judgment_id: int) -> HttpResponse:
    judgment = get_object_or_404(
        Judgment.objects.select_related("inspection__force", "inspection__programme__scale", "question", "grade"),
        pk=judgment_id,
        question__isnull=False,
    )
    _may_see_moderation(request.user)
    programme = judgment.inspection.programme
    grades: QuerySet[Any] = selectors.grades_of(programme)
    form = ModerationForm(request.POST or None, grades=grades, initial={"grade": judgment.grade_id})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.grade_moderate(
                judgment=judgment,
                actor=actor(request),
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, WorkflowError) as error:
            for message in _errors(error):
                form.add_error("reason" if "why" in message.lower() else None, message)
        else:
            force = judgment.inspection.force.name
            messages.success(
                request,
                f"{force}, {judgment.question}: "
                + (f"changed to {result.decision.grade_after.label}" if result.changed else "grade confirmed"),
            )
            return redirect("fieldwork:moderation", programme_id=programme.pk)
    return render(
        request,
        "fieldwork/moderate.html",
        {
            "judgment": judgment,
            "programme": programme,
            "form": form,
            "evidence": selectors.evidence_of(judgment.inspection).filter(judgments=judgment),
            "audits": selectors.audits_of(judgment.inspection, judgment.question),
            "decisions": judgment.moderation_decisions.select_related("decided_by", "grade_before", "grade_after"),
        },
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )
