"""Fieldwork's writes: the plan, conflicts of interest, requests to the force and the liaison's answers,
the evidence log, case-file audits and national moderation. Every door (pages, admin, commands, tasks)
calls these. Each is one transaction, checks who may act, and leaves an event in the inspection's audit
trail. Errors: ``PermissionDenied`` (who), ``ValidationError`` (what was entered, with the message to
show), ``WorkflowError`` (when: a closed link, a settled record).
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from fieldwork import selectors
from fieldwork.files import CheckedFile, file_check
from fieldwork.models import (
    ConflictDeclaration,
    ConflictException,
    ForceRequest,
    LiaisonLink,
    ModerationDecision,
    Phase,
    RequestAnswer,
    RequestFile,
    TeamRole,
)
from inspections.evidence import CaseFile, CaseFileAnswer, CaseFileAudit, Evidence, EvidenceFile
from inspections.models import Grade, Inspection, Judgment, Question
from inspectorate.text import clean_text
from notifications.kinds import Kind
from notifications.services import notify
from reports.audit import event_record
from reports.errors import WorkflowError
from reports.fact_checks import add_working_days, hash_token
from reports.record import judgment_grade_moderate
from reports.selectors import report_of

logger = logging.getLogger(__name__)

LIAISON_LINK_WORKING_DAYS = 20


def _event(
    inspection: Inspection, actor: User | None, action: str, *, subject: str = "", reason: str = "", **extra: str
) -> None:
    event_record(
        inspection=inspection,
        report=report_of(inspection),
        actor=actor,
        action=action,
        subject=subject,
        reason=reason,
        by_name=extra.get("by_name", ""),
    )


def _may_change(actor: User, inspection: Inspection) -> None:
    if not permissions.can_change_inspection(actor, inspection):
        raise PermissionDenied("Only the inspection's team changes its case file")


def _files_checked(files: Iterable[object]) -> list[CheckedFile]:
    """Every file checked before any is kept: one bad file refuses them all, with every reason."""
    checked, problems = [], []
    for upload in files:
        try:
            checked.append(file_check(upload))  # type: ignore[arg-type]
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError(problems, code="files")
    return checked


# --- The plan -----------------------------------------------------------------------------------


def phase_set(
    *, inspection: Inspection, actor: User, kind: str, starts_on: datetime.date, ends_on: datetime.date
) -> Phase:
    _may_change(actor, inspection)
    if kind not in Phase.Kind.values:
        raise ValidationError("Select a phase", code="kind")
    if ends_on < starts_on:
        raise ValidationError("The phase must end on or after the day it starts", code="dates")
    with transaction.atomic():
        phase, _ = Phase.objects.update_or_create(
            inspection=inspection, kind=kind, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        _event(
            inspection,
            actor,
            "Plan changed",
            subject=f"{phase.get_kind_display()}: {starts_on:%-d %b %Y} to {ends_on:%-d %b %Y}",
        )
    return phase


def conflict_declare(
    *, person: User, actor: User, force_id: int, kind: str, served_until: datetime.date | None, detail: str
) -> ConflictDeclaration:
    """``person`` declares a link with a force (an administrator may record it for them)."""
    if actor.pk != person.pk and not permissions.is_administrator(actor):
        raise PermissionDenied("People declare their own links; an administrator may record one for them")
    if kind not in ConflictDeclaration.Kind.values:
        raise ValidationError("Select what the link is", code="kind")
    if served_until is not None and served_until > timezone.localdate():
        raise ValidationError("The date service ended must be today or in the past", code="served_until")
    return ConflictDeclaration.objects.create(
        person=person, force_id=force_id, kind=kind, served_until=served_until, detail=clean_text(detail)
    )


def conflict_exception_grant(
    *, declaration: ConflictDeclaration, inspection: Inspection, actor: User, reason: str
) -> ConflictException:
    if not permissions.can_grant_conflict_exception(actor):
        raise PermissionDenied("Only an administrator records an exception to the conflict rule")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("Enter why the conflict does not keep them off this inspection", code="reason")
    with transaction.atomic():
        exception, _ = ConflictException.objects.update_or_create(
            declaration=declaration, inspection=inspection, defaults={"reason": reason, "granted_by": actor}
        )
        _event(inspection, actor, "Conflict exception recorded", subject=str(declaration), reason=reason)
    return exception


def team_member_add(*, inspection: Inspection, actor: User, person: User, role: str) -> TeamRole:
    """Put ``person`` on the team in ``role``: refused while a declared conflict keeps them off."""
    if not (permissions.is_administrator(actor) or inspection.lead_inspector_id == actor.pk):
        raise PermissionDenied("The lead inspector and administrators choose the team")
    if role not in TeamRole.Role.values:
        raise ValidationError("Select their role on the team", code="role")
    blocking = selectors.conflicts_blocking(person, inspection)
    if blocking:
        raise ValidationError(
            [
                f"{person} declared: {declaration.get_kind_display().lower()} ({declaration.force}). "
                "An administrator must record an exception before they join this team"
                for declaration in blocking
            ],
            code="conflict",
        )
    with transaction.atomic():
        team_role, _ = TeamRole.objects.update_or_create(inspection=inspection, person=person, defaults={"role": role})
        if role != TeamRole.Role.LEAD:
            inspection.team.add(person)
        _event(inspection, actor, "Team member added", subject=f"{person}: {team_role.get_role_display()}")
    return team_role


def team_member_remove(*, inspection: Inspection, actor: User, person: User) -> None:
    if not (permissions.is_administrator(actor) or inspection.lead_inspector_id == actor.pk):
        raise PermissionDenied("The lead inspector and administrators choose the team")
    with transaction.atomic():
        TeamRole.objects.filter(inspection=inspection, person=person).delete()
        inspection.team.remove(person)
        _event(inspection, actor, "Team member removed", subject=str(person))


# --- Requests to the force ------------------------------------------------------------------------


def force_request_add(
    *, inspection: Inspection, actor: User, title: str, detail: str, due_on: datetime.date
) -> ForceRequest:
    _may_change(actor, inspection)
    title = clean_text(title)
    if not title:
        raise ValidationError("Enter what the team asks for", code="title")
    if due_on < timezone.localdate():
        raise ValidationError("The due date must be today or in the future", code="due_on")
    with transaction.atomic():
        request = ForceRequest.objects.create(
            inspection=inspection, title=title, detail=clean_text(detail), due_on=due_on, created_by=actor
        )
        _event(inspection, actor, "Request to the force added", subject=title, reason=f"Due {due_on:%-d %B %Y}")
    return request


def force_request_close(*, request: ForceRequest, actor: User) -> ForceRequest:
    _may_change(actor, request.inspection)
    with transaction.atomic():
        request = ForceRequest.objects.select_for_update().get(pk=request.pk)
        if request.closed_at is None:
            request.closed_at = timezone.now()
            request.save(update_fields=["closed_at"])
            _event(request.inspection, actor, "Request to the force closed", subject=request.title)
    return request


def liaison_link_issue(
    *,
    inspection: Inspection,
    actor: User,
    liaison_name: str,
    liaison_email: str,
    working_days: int = LIAISON_LINK_WORKING_DAYS,
) -> tuple[LiaisonLink, str]:
    """A link for the force's liaison to answer this inspection's requests. Returns the record and the
    secret token for the link (shown once; only its hash is kept)."""
    if not (permissions.can_change_inspection(actor, inspection) or permissions.is_editor(actor)):
        raise PermissionDenied("The team and editors send the force its requests link")
    if not 1 <= working_days <= 60:
        raise ValidationError("The link must last between 1 and 60 working days", code="days")
    name = clean_text(liaison_name)
    if not name:
        raise ValidationError("Enter the liaison's name", code="liaison_name")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = LiaisonLink.objects.create(
            inspection=inspection,
            token_hash=hash_token(token),
            liaison_name=name,
            liaison_email=liaison_email,
            issued_by=actor,
            expires_at=add_working_days(timezone.now(), working_days),
        )
        _event(inspection, actor, "Requests link issued", reason=f"To {name}")
    return link, token


def liaison_link_revoke(*, link: LiaisonLink, actor: User) -> None:
    if not (permissions.can_change_inspection(actor, link.inspection) or permissions.is_editor(actor)):
        raise PermissionDenied("The team and editors revoke the force's requests link")
    with transaction.atomic():
        if LiaisonLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        ):
            _event(link.inspection, actor, "Requests link revoked", reason=f"Of {link.liaison_name}")


def request_answer(*, link: LiaisonLink, request: ForceRequest, note: str, files: Sequence[object]) -> RequestAnswer:
    """The liaison answers ``request`` through ``link``: a note, files, or both. Every file is checked
    before anything is kept; the team is told."""
    note = clean_text(note)
    checked = _files_checked(files)
    if not note and not checked:
        raise ValidationError("Add a file or a note", code="empty")
    with transaction.atomic():
        link = LiaisonLink.objects.select_for_update().get(pk=link.pk)
        if not link.is_open():
            raise WorkflowError("This link has expired or been withdrawn: ask the inspection team for a new one")
        request = ForceRequest.objects.select_for_update().get(pk=request.pk)
        if request.inspection_id != link.inspection_id:
            raise PermissionDenied("This request is not for this link's inspection")
        if request.closed_at is not None:
            raise WorkflowError("The team has closed this request: it needs nothing more")
        answer = RequestAnswer.objects.create(request=request, link=link, note=note)
        for item in checked:
            stored = RequestFile(
                answer=answer, name=item.name, content_type=item.content_type, size=item.size, sha256=item.sha256
            )
            stored.file.save(item.name, item.upload, save=False)
            stored.save()
        if request.answered_at is None:
            request.answered_at = answer.answered_at
            request.save(update_fields=["answered_at"])
        inspection = request.inspection
        by = f"{link.liaison_name} (the force's liaison, requests link)"
        count = len(checked)
        _event(
            inspection,
            None,
            "Request answered by the force",
            subject=request.title,
            reason=f"{count} file{'s' if count != 1 else ''}" + (" and a note" if note else ""),
            by_name=by,
        )
        notify(
            kind=Kind.REQUEST_ANSWERED,
            recipients=[inspection.lead_inspector, *inspection.team.all()],
            subject=f"{inspection.force.name} answered “{request.title}”",
            key=f"request-answer:{answer.pk}",
            link=f"/workspace/inspections/{inspection.pk}/requests/",
            inspection=inspection,
        )
    return answer


def requests_overdue_remind(today: datetime.date | None = None) -> int:
    """Tell each team once about each request that passed its due date unanswered. Returns how many
    requests were told about (run by the reminder sweep)."""
    today = today or timezone.localdate()
    told = 0
    for request in selectors.requests_overdue(today):
        inspection = request.inspection
        with transaction.atomic():
            made = notify(
                kind=Kind.REQUEST_OVERDUE,
                recipients=[inspection.lead_inspector, *inspection.team.all()],
                subject=f"{inspection.force.name} has not answered “{request.title}”, due {request.due_on:%-d %B}",
                key=f"request-overdue:{request.pk}",
                link=f"/workspace/inspections/{inspection.pk}/requests/",
                inspection=inspection,
            )
        told += bool(made)
    return told


# --- Evidence -----------------------------------------------------------------------------------


def evidence_log(
    *,
    inspection: Inspection,
    actor: User,
    kind: str,
    gathered_on: datetime.date,
    summary: str,
    notes: str = "",
    questions: Iterable[Question] = (),
    files: Sequence[object] = (),
) -> Evidence:
    _may_change(actor, inspection)
    summary = clean_text(summary)
    problems = []
    if kind not in Evidence.Kind.values:
        problems.append("Select what kind of evidence it is")
    if not summary:
        problems.append("Enter a summary of what it shows")
    if gathered_on > timezone.localdate():
        problems.append("The date it was gathered must be today or in the past")
    questions = list(questions)
    if any(question.programme_id != inspection.programme_id for question in questions):
        problems.append("Select questions of this inspection's programme")
    if problems:
        raise ValidationError(problems, code="evidence")
    checked = _files_checked(files)
    with transaction.atomic():
        evidence = Evidence.objects.create(
            inspection=inspection,
            kind=kind,
            gathered_on=gathered_on,
            gathered_by=actor,
            summary=summary,
            notes=clean_text(notes),
        )
        evidence.questions.set(questions)
        for item in checked:
            stored = EvidenceFile(
                evidence=evidence, name=item.name, content_type=item.content_type, size=item.size, sha256=item.sha256
            )
            stored.file.save(item.name, item.upload, save=False)
            stored.save()
        _event(inspection, actor, "Evidence logged", subject=f"{evidence.get_kind_display()}: {summary[:200]}")
    return evidence


# --- Case-file audits ----------------------------------------------------------------------------


def case_file_audit_start(
    *,
    inspection: Inspection,
    actor: User,
    title: str,
    gathered_on: datetime.date,
    references: Sequence[str],
    questions: Iterable[Question] = (),
) -> CaseFileAudit:
    """A sample of case files to review against the programme's checklist, known by the force's
    references only."""
    _may_change(actor, inspection)
    title = clean_text(title)
    cleaned = [clean_text(reference)[:50] for reference in references if clean_text(reference)]
    problems = []
    if not title:
        problems.append("Enter what the sample is")
    if not cleaned:
        problems.append("Enter the force's reference of each case file, one a line")
    if len(set(cleaned)) != len(cleaned):
        problems.append("Enter each case file's reference once")
    if not inspection.programme.checklist.exists():
        problems.append("This programme has no checklist: an administrator adds its measures first")
    if problems:
        raise ValidationError(problems, code="audit")
    with transaction.atomic():
        evidence = evidence_log(
            inspection=inspection,
            actor=actor,
            kind=Evidence.Kind.CASE_FILE_REVIEW,
            gathered_on=gathered_on,
            summary=f"{title}: {len(cleaned)} case files reviewed against the programme's checklist.",
            questions=questions,
        )
        audit = CaseFileAudit.objects.create(evidence=evidence, title=title)
        CaseFile.objects.bulk_create(CaseFile(audit=audit, reference=reference) for reference in cleaned)
    return audit


def case_file_answers_record(
    *, audit: CaseFileAudit, actor: User, answers: Mapping[tuple[int, int], str], in_about_the_data: bool
) -> int:
    """Record each case file's answer to each measure (``(case_file_id, measure_id) -> answer``); an empty
    answer clears it. Returns how many answers are recorded now."""
    inspection = audit.evidence.inspection
    _may_change(actor, inspection)
    files = set(audit.case_files.values_list("pk", flat=True))
    measures = set(inspection.programme.checklist.values_list("pk", flat=True))
    with transaction.atomic():
        for (case_file_id, measure_id), answer in answers.items():
            if case_file_id not in files or measure_id not in measures:
                raise ValidationError("Answer the measures of this audit's case files only", code="unknown")
            if not answer:
                CaseFileAnswer.objects.filter(case_file_id=case_file_id, measure_id=measure_id).delete()
            elif answer in CaseFileAnswer.Answer.values:
                CaseFileAnswer.objects.update_or_create(
                    case_file_id=case_file_id, measure_id=measure_id, defaults={"answer": answer}
                )
            else:
                raise ValidationError("Select met, not met or not applicable", code="answer")
        if audit.in_about_the_data != in_about_the_data:
            CaseFileAudit.objects.filter(pk=audit.pk).update(in_about_the_data=in_about_the_data)
        recorded = CaseFileAnswer.objects.filter(case_file__audit=audit).count()
        _event(inspection, actor, "Case-file audit recorded", subject=audit.title, reason=f"{recorded} answers")
    return recorded


# --- National moderation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Moderated:
    decision: ModerationDecision
    changed: bool


def grade_moderate(*, judgment: Judgment, actor: User, grade: Grade, reason: str) -> Moderated:
    """The moderation panel confirms ``judgment``'s grade, or changes it, with a reason. A change goes
    through the record (audited, the sign-off goes stale) and the team is told."""
    if not permissions.can_moderate(actor):
        raise PermissionDenied("Only the moderation panel (lead inspectors and editors) moderates grades")
    if judgment.question_id is None or not judgment.question.graded:  # type: ignore[union-attr]
        raise ValidationError("Only a graded question's judgment is moderated", code="not_graded")
    reason = clean_text(reason)
    inspection = judgment.inspection
    if grade.scale_id != inspection.programme.scale_id:
        raise ValidationError(f"Select a grade from the {inspection.programme.scale} scale", code="grade")  # noqa: S608
    with transaction.atomic():
        judgment = Judgment.objects.select_for_update().get(pk=judgment.pk)
        before = judgment.grade
        changed = before is None or before.pk != grade.pk
        if changed:
            if not reason:
                raise ValidationError("Enter why moderation changes the grade", code="reason")
            judgment_grade_moderate(judgment=judgment, actor=actor, grade=grade, reason=reason)
        decision = ModerationDecision.objects.create(
            judgment=judgment, grade_before=before, grade_after=grade, reason=reason, decided_by=actor
        )
        question = judgment.question
        if changed:
            notify(
                kind=Kind.GRADE_MODERATED,
                recipients=[inspection.lead_inspector, *inspection.team.all()],
                subject=f"Moderation changed {inspection.force.name}'s grade for {question}: "
                f"{before.label if before else 'none'} to {grade.label}",
                body=reason,
                key=f"moderated:{decision.pk}",
                link=f"/workspace/inspections/{inspection.pk}/evidence/",
                inspection=inspection,
                actor=actor,
            )
        else:
            _event(
                inspection, actor, "Grade confirmed in moderation", subject=f"{question}: {grade.label}", reason=reason
            )
    return Moderated(decision=decision, changed=changed)


# --- Retention ---------------------------------------------------------------------------------------


def retention_apply(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete the files and working notes of every inspection whose retention period has ended (its
    programme's ``retention_years`` after its report was first published), keeping the rows that say
    they existed. Logged, and recorded in each inspection's trail. Returns what was removed."""
    now = now or timezone.now()
    removed = {"inspections": 0, "evidence_files": 0, "request_files": 0, "notes": 0}
    for inspection in selectors.inspections_past_retention(now):
        with transaction.atomic():
            evidence_files: list[EvidenceFile | RequestFile] = list(
                EvidenceFile.objects.select_for_update().filter(
                    evidence__inspection=inspection, removed_at__isnull=True
                )
            )
            request_files = list(
                RequestFile.objects.select_for_update().filter(
                    answer__request__inspection=inspection, removed_at__isnull=True
                )
            )
            for stored in [*evidence_files, *request_files]:
                stored.file.delete(save=False)
                stored.removed_at = now
                stored.save(update_fields=["file", "removed_at"])
            notes = Evidence.objects.filter(inspection=inspection).exclude(notes="").update(notes="")
            Evidence.objects.filter(inspection=inspection, retained_until__isnull=True).update(
                retained_until=now.date()
            )
            RequestAnswer.objects.filter(request__inspection=inspection).exclude(note="").update(note="")
            if evidence_files or request_files or notes:
                _event(
                    inspection,
                    None,
                    "Evidence removed under the retention rule",
                    reason=f"{len(evidence_files)} evidence files, {len(request_files)} files from the force, "
                    f"{notes} working notes",
                    by_name="the retention rule",
                )
                removed["inspections"] += 1
                removed["evidence_files"] += len(evidence_files)
                removed["request_files"] += len(request_files)
                removed["notes"] += notes
                logger.info(
                    "Retention: removed %s evidence files, %s request files and %s notes of inspection %s",
                    len(evidence_files),
                    len(request_files),
                    notes,
                    inspection.pk,
                )
    return removed
