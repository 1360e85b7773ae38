"""National moderation: the panel confirms or changes a grade, with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions
from accounts.models import User
from fieldwork.models import ModerationDecision
from fieldwork.services.common import record_event
from inspections.models import Grade, Judgment
from inspectorate.text import clean_text
from notifications.kinds import Kind
from notifications.services import notify
from reports.record import judgment_grade_moderate


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
            record_event(
                inspection, actor, "Grade confirmed in moderation", subject=f"{question}: {grade.label}", reason=reason
            )
    return Moderated(decision=decision, changed=changed)
