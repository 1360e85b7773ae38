"""Writes of the inspection domain. Each function is one atomic change with a stated contract."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.permissions import can_change_inspection
from inspections.models import Finding, FindingOutcome, Grade, Inspection, Judgment, Pillar, Question

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class RecommendationInput:
    text: str
    deadline: datetime.date | None = None


def cause_of_concern_create(
    *,
    inspection: Inspection,
    actor: User,
    text: str,
    recommendations: Sequence[RecommendationInput],
    question: Question | None = None,
    accelerated: bool = False,
    raised_on: datetime.date | None = None,
) -> Finding:
    """Record a cause of concern together with its recommendations, in one transaction.

    Raises ``PermissionDenied`` if ``actor`` may not change the inspection, and
    ``ValidationError`` if there is no recommendation or a field is invalid; nothing is saved then.
    """
    if not can_change_inspection(actor, inspection):
        raise PermissionDenied("You are not on this inspection's team")
    if not [r for r in recommendations if r.text.strip()]:
        raise ValidationError("A cause of concern needs at least one recommendation")
    with transaction.atomic():
        order = inspection.findings.filter(kind=Finding.Kind.CAUSE_OF_CONCERN).count() + 1
        cause = Finding(
            inspection=inspection,
            kind=Finding.Kind.CAUSE_OF_CONCERN,
            question=question,
            text=text,
            accelerated=accelerated,
            raised_on=raised_on,
            order=order,
        )
        cause.full_clean()
        cause.save()
        for number, item in enumerate((r for r in recommendations if r.text.strip()), start=1):
            recommendation = Finding(
                inspection=inspection,
                kind=Finding.Kind.RECOMMENDATION,
                question=question,
                text=item.text,
                deadline=item.deadline,
                cause_of_concern=cause,
                status=Finding.RecommendationStatus.AWAITING_REVIEW,
                order=number,
            )
            recommendation.full_clean()
            recommendation.save()
    return cause


def finding_outcome_record(
    *, inspection: Inspection, finding: Finding, actor: User, outcome: str, note: str = ""
) -> FindingOutcome:
    """Record (or change) what ``inspection`` says became of an earlier ``finding``.

    Raises ``PermissionDenied`` if ``actor`` may not change the inspection, ``ValidationError`` if the
    finding is not an earlier finding about the same force.
    """
    if not can_change_inspection(actor, inspection):
        raise PermissionDenied("You are not on this inspection's team")
    with transaction.atomic():
        record = FindingOutcome.objects.filter(inspection=inspection, finding=finding).first() or FindingOutcome(
            inspection=inspection, finding=finding
        )
        record.outcome = outcome
        record.note = note
        record.recorded_by = actor
        record.full_clean()
        record.save()
    return record


def recommendation_status_sync(*, recommendation: Finding) -> Finding:
    """Set a recommendation's status to that of its latest dated update, if it has any.

    The updates are the public history; the status column is their latest word, kept for filtering.
    """
    latest = recommendation.updates.order_by("-recorded_on", "-pk").first()
    if latest is not None and latest.status != recommendation.status:
        recommendation.status = latest.status
        recommendation.save(update_fields=["status"])
    return recommendation


def judgment_record(
    *,
    inspection: Inspection,
    actor: User,
    grade: Grade | None,
    narrative: str,
    question: Question | None = None,
    pillar: Pillar | None = None,
) -> Judgment:
    """Record (or change) the judgment for one question or for a pillar overall.

    Raises ``PermissionDenied`` if ``actor`` may not change the inspection and ``ValidationError`` if
    the grade is not on the programme's scale or the question or pillar is not the programme's.
    """
    if not can_change_inspection(actor, inspection):
        raise PermissionDenied("You are not on this inspection's team")
    with transaction.atomic():
        judgment = Judgment.objects.filter(inspection=inspection, question=question, pillar=pillar).first() or Judgment(
            inspection=inspection, question=question, pillar=pillar
        )
        judgment.grade = grade
        judgment.narrative = narrative.strip()
        judgment.full_clean()
        judgment.save()
    return judgment


def finding_add(*, inspection: Inspection, actor: User, kind: str, text: str, question: Question | None) -> Finding:
    """Record an area for improvement or notable practice. Causes of concern go through
    ``cause_of_concern_create``, which insists on a recommendation."""
    if not can_change_inspection(actor, inspection):
        raise PermissionDenied("You are not on this inspection's team")
    if kind not in (Finding.Kind.AREA_FOR_IMPROVEMENT, Finding.Kind.NOTABLE_PRACTICE):
        raise ValidationError("Select area for improvement or notable practice")
    with transaction.atomic():
        order = inspection.findings.filter(kind=kind).count() + 1
        finding = Finding(inspection=inspection, kind=kind, text=text.strip(), question=question, order=order)
        finding.full_clean()
        finding.save()
    return finding


# --- Several items in one submission -------------------------------------------------------------
# The judgments and earlier-findings pages save every item in one go. These services add no rule of
# their own: each item goes through the one-item service above, so whatever that checks applies.


@dataclass(frozen=True)
class JudgmentInput:
    """One judgment to record: for ``question``, or (with ``pillar``) for a pillar overall."""

    grade: Grade | None
    narrative: str
    question: Question | None = None
    pillar: Pillar | None = None


@dataclass(frozen=True)
class OutcomeInput:
    """What became of one earlier ``finding``."""

    finding: Finding
    outcome: str
    note: str = ""


class ItemsInvalid(ValidationError):
    """Some items of a batch were refused, so none was saved. ``by_item`` maps the position of each
    refused item (in the sequence given) to its ``ValidationError``."""

    def __init__(self, by_item: dict[int, ValidationError]) -> None:
        self.by_item = by_item
        super().__init__(list(by_item.values()))


def judgments_record(*, inspection: Inspection, actor: User, judgments: Sequence[JudgmentInput]) -> list[Judgment]:
    """Record several judgments of ``inspection`` at once: all of them, or none.

    Each item goes through ``judgment_record``, inside one transaction. An item that says what is
    already stored (the same grade and narrative; nothing stored counts as no grade and no
    narrative) is skipped, so an unchanged judgment is not rewritten.

    Returns the judgments written, in the order given. Raises ``ItemsInvalid`` (a ``ValidationError``)
    naming every item ``judgment_record`` refused with a ``ValidationError``, after trying them all;
    any other error (``PermissionDenied`` among them) stops at the first item that raises it. Either
    way nothing is saved.
    """
    stored = {(j.question_id, j.pillar_id): j for j in inspection.judgments.all()}
    written: list[Judgment] = []
    refused: dict[int, ValidationError] = {}
    with transaction.atomic():
        for position, item in enumerate(judgments):
            current = stored.get((item.question.pk if item.question else None, item.pillar.pk if item.pillar else None))
            before = (current.grade_id, current.narrative) if current else (None, "")
            if before == (item.grade.pk if item.grade else None, item.narrative.strip()):
                continue
            try:
                written.append(
                    judgment_record(
                        inspection=inspection,
                        actor=actor,
                        grade=item.grade,
                        narrative=item.narrative,
                        question=item.question,
                        pillar=item.pillar,
                    )
                )
            except ValidationError as error:
                refused[position] = error
        if refused:
            raise ItemsInvalid(refused)
    return written


def finding_outcomes_record(
    *, inspection: Inspection, actor: User, outcomes: Sequence[OutcomeInput]
) -> list[FindingOutcome]:
    """Record what ``inspection`` says became of several earlier findings at once: all, or none.

    Each item goes through ``finding_outcome_record``, inside one transaction. An item that says
    what is already recorded (the same outcome and note) is skipped, so it is not rewritten.

    Returns the outcomes written, in the order given. Raises ``ItemsInvalid`` (a ``ValidationError``)
    naming every item ``finding_outcome_record`` refused with a ``ValidationError``, after trying them
    all; any other error (``PermissionDenied`` among them) stops at the first item that raises it.
    Either way nothing is saved.
    """
    stored = {o.finding_id: o for o in inspection.finding_outcomes.all()}
    written: list[FindingOutcome] = []
    refused: dict[int, ValidationError] = {}
    with transaction.atomic():
        for position, item in enumerate(outcomes):
            current = stored.get(item.finding.pk)
            if current is not None and current.outcome == item.outcome and current.note == item.note:
                continue
            try:
                written.append(
                    finding_outcome_record(
                        inspection=inspection,
                        finding=item.finding,
                        actor=actor,
                        outcome=item.outcome,
                        note=item.note,
                    )
                )
            except ValidationError as error:
                refused[position] = error
        if refused:
            raise ItemsInvalid(refused)
    return written
