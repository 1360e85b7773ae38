"""The evidence log and case-file audits."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from fieldwork.services.common import files_checked, record_event, require_team
from inspections.evidence import CaseFile, CaseFileAnswer, CaseFileAudit, Evidence, EvidenceFile
from inspections.models import Inspection, Question
from inspectorate.text import clean_text


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
    require_team(actor, inspection)
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
    checked = files_checked(files)
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
        record_event(inspection, actor, "Evidence logged", subject=f"{evidence.get_kind_display()}: {summary[:200]}")
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
    title_cy: str = "",
) -> CaseFileAudit:
    """A sample of case files to review against the programme's checklist, known by the force's
    references only. ``title_cy`` is its title in Welsh, which a Welsh force's report prints."""
    require_team(actor, inspection)
    title = clean_text(title)
    title_cy = clean_text(title_cy)
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
        audit = CaseFileAudit.objects.create(evidence=evidence, title=title, title_cy=title_cy)
        CaseFile.objects.bulk_create(CaseFile(audit=audit, reference=reference) for reference in cleaned)
    return audit


def case_file_answers_record(
    *, audit: CaseFileAudit, actor: User, answers: Mapping[tuple[int, int], str], in_about_the_data: bool
) -> int:
    """Record each case file's answer to each measure (``(case_file_id, measure_id) -> answer``); an empty
    answer clears it. Returns how many answers are recorded now."""
    inspection = audit.evidence.inspection
    require_team(actor, inspection)
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
        record_event(inspection, actor, "Case-file audit recorded", subject=audit.title, reason=f"{recorded} answers")
    return recorded
