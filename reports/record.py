"""Every change to an inspection's record: judgments, findings of every kind, and what became of the
force's earlier findings. The one place their lifecycle lives, called by every door (workspace, admin,
commands, the demo loader, any later API).

The rule: the record changes only while its report is editable (no report yet, draft, in review,
changes requested, approved, or published), by someone who may change the inspection. Each change,
in one transaction under the report's row lock:

- moves the report's ``record_version`` on, which makes the lead inspector's sign-off stale;
- sends an approved report back to review (approval binds to one revision and one record);
- leaves an audit event naming the actor, the record and each field's before and after.

A published report's record may change only to prepare a correction: the public reads the live
edition's copy (``EditionJudgment``, ``EditionFinding``), so nothing public moves until the
correction goes live. Scheduled and withdrawn reports' records are frozen.

A recommendation's status is the exception: it moves after publication, through dated updates
(``reports.recommendations.recommendation_update_add``), each audited, and public at once.

Errors: ``PermissionDenied`` (not allowed), ``WorkflowError`` (the report is frozen),
``ValidationError`` (bad input); nothing is written when one is raised.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions
from inspections.evidence import Evidence
from inspections.models import (
    Finding,
    FindingOutcome,
    Grade,
    Inspection,
    Judgment,
    Pillar,
    Question,
    RecommendationUpdate,
)
from inspectorate.site_version import site_changed_on_commit
from inspectorate.text import clean_text
from reports import notices
from reports.audit import event_record, field_changes
from reports.errors import WorkflowError
from reports.models import Report
from reports.selectors import record_frozen_message
from reports.services import report_approval_lapse, report_lock

if TYPE_CHECKING:
    from accounts.models import User

T = TypeVar("T")

#: A record row as the record services change it.
RecordItem = Judgment | Finding | FindingOutcome

#: The fields of each kind of record row that the audit trail follows. A recommendation's ``status``
#: is not among them: it moves through ``recommendation_update_add``.
TRACKED_FIELDS: dict[type, tuple[str, ...]] = {
    Judgment: ("pillar", "question", "grade", "narrative"),
    Finding: (
        "kind",
        "question",
        "text",
        "cause_of_concern",
        "accelerated",
        "raised_on",
        "deadline",
        "follows_up",
        "order",
    ),
    FindingOutcome: ("finding", "outcome", "note"),
}


def _tracked_fields(item: RecordItem) -> tuple[str, ...]:
    for model, fields in TRACKED_FIELDS.items():
        if isinstance(item, model):
            return fields
    raise TypeError(f"{type(item).__name__} is not part of an inspection's record")


def _values(item: RecordItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in _tracked_fields(item)}


#: Fields a row added or removed is already named by (its subject says its kind) or that say nothing.
_UNTOLD = frozenset({"kind", "order"})


def _told(changes: dict[str, list[Any]], *, side: int) -> dict[str, list[Any]]:
    """For a row added (``side`` 1) or removed (0): only the fields that hold something."""
    return {
        name: values
        for name, values in changes.items()
        if name not in _UNTOLD and values[side] not in (None, "", False, 0)
    }


def item_title(item: RecordItem) -> str:
    """How the trail and the review name a record row: "Judgment: 2. Vulnerability"."""
    if isinstance(item, Judgment):
        subject = item.pillar.name + " overall" if item.pillar is not None else str(item.question)
        return f"Judgment: {subject}"
    if isinstance(item, Finding):
        text = item.text if len(item.text) <= 80 else item.text[:77] + "..."
        return f"{item.get_kind_display()}: {text}"
    return f"Earlier finding: {item.finding}"


def _item_kind(item: RecordItem) -> str:
    if isinstance(item, Judgment):
        return "Judgment"
    if isinstance(item, Finding):
        return str(item.get_kind_display())
    return "Outcome of an earlier finding"


@dataclass
class RecordLock:
    """The inspection whose record is changing and its report (locked), if it has one."""

    inspection: Inspection
    report: Report | None


def record_lock(*, inspection: Inspection, actor: User) -> RecordLock:
    """Check that ``actor`` may change ``inspection``'s record now, and lock its report's row (or the
    inspection's, before there is a report). Call inside the transaction that makes the change."""
    if not permissions.can_change_inspection(actor, inspection):
        raise PermissionDenied("You are not on this inspection's team")
    report = Report.objects.filter(inspection_id=inspection.pk).first()
    if report is None:
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        return RecordLock(inspection=inspection, report=None)
    report = report_lock(report)
    reason = record_frozen_message(report)
    if reason is not None:
        raise WorkflowError(reason)
    return RecordLock(inspection=report.inspection, report=report)


def _record_changed(
    lock: RecordLock, *, actor: User, action: str, subject: str, changes: dict[str, list[Any]], reason: str = ""
) -> None:
    """After a change: move the record version on, lapse an approval, and audit it."""
    report = lock.report
    if report is None:
        event_record(
            inspection=lock.inspection,
            report=None,
            actor=actor,
            action=action,
            subject=subject,
            changes=changes,
            record_change=True,
            reason=reason,
        )
        return
    was_signed_off = report.sign_off_is_current
    report.record_version += 1
    Report.objects.filter(pk=report.pk).update(record_version=report.record_version)
    revision = report.latest_revision()
    event = event_record(
        inspection=lock.inspection,
        report=report,
        actor=actor,
        action=action,
        revision=revision,
        subject=subject,
        changes=changes,
        record_change=True,
        reason=reason,
    )
    if was_signed_off:
        notices.sign_off_needed(report, key=f"sign-off-stale:{event.pk}", stale=True, actor=actor)
    report_approval_lapse(report=report, actor=actor, revision=revision)


def record_item_save(*, item: RecordItem, actor: User) -> RecordItem:
    """Save a new or changed judgment, finding or outcome of an inspection's record.

    Validates the row (``full_clean``), and writes and audits it only if a tracked field changed.
    Returns the row. Raises ``PermissionDenied``, ``WorkflowError`` or ``ValidationError``.
    """
    with transaction.atomic():
        lock = record_lock(inspection=item.inspection, actor=actor)
        item.inspection = lock.inspection
        stored = type(item).objects.get(pk=item.pk) if item.pk else None
        if stored is not None and stored.inspection_id != item.inspection_id:
            raise ValidationError("A judgment, finding or outcome stays with its inspection", code="moved")
        before = _values(stored) if stored is not None else {}
        if isinstance(item, Judgment):
            item.narrative = clean_text(item.narrative)
        elif isinstance(item, Finding):
            item.text = clean_text(item.text)
        elif isinstance(item, FindingOutcome):
            item.note = clean_text(item.note)
        item.full_clean()
        after = _values(item)
        changes = field_changes(before, after)
        if item.pk and not changes:
            return item
        if not item.pk:
            changes = _told(changes, side=1)
        if isinstance(item, FindingOutcome):
            item.recorded_by = actor
        added = item.pk is None
        item.save()
        _record_changed(
            lock,
            actor=actor,
            action=f"{_item_kind(item)} {'added' if added else 'changed'}",
            subject=item_title(item),
            changes=changes,
        )
    return item


def record_item_delete_refusal(item: RecordItem) -> str | None:
    """Why ``item`` must stay on the record whatever its report's state, or ``None``: a finding that a
    later inspection followed up or recorded an outcome for, or a recommendation (or a cause whose
    recommendation) has progress on record, belongs to others' history too. Reads only."""
    if not isinstance(item, Finding) or item.pk is None:
        return None
    findings = [item.pk, *Finding.objects.filter(cause_of_concern_id=item.pk).values_list("pk", flat=True)]
    if FindingOutcome.objects.filter(finding_id__in=findings).exclude(inspection_id=item.inspection_id).exists():
        return "A later inspection has recorded what became of this finding, so it stays on the record"
    if Finding.objects.filter(follows_up_id__in=findings).exclude(inspection_id=item.inspection_id).exists():
        return "A later inspection's finding follows this one up, so it stays on the record"
    if RecommendationUpdate.objects.filter(recommendation_id__in=findings).exists():
        return "Progress on this recommendation is on record, so it stays: record its status instead"
    return None


def record_item_delete(*, item: RecordItem, actor: User) -> None:
    """Remove a judgment, finding or outcome from an inspection's record (a cause of concern takes
    its recommendations with it). Raises ``PermissionDenied``, ``WorkflowError``, or ``ValidationError``
    when the item belongs to others' history too (``record_item_delete_refusal``)."""
    with transaction.atomic():
        lock = record_lock(inspection=item.inspection, actor=actor)
        item = type(item).objects.get(pk=item.pk)  # as it is now, under the lock
        refusal = record_item_delete_refusal(item)
        if refusal is not None:
            raise ValidationError(refusal, code="referred_to")
        subject = item_title(item)
        changes = _told(field_changes(_values(item), {}), side=0)
        carried = ""
        if isinstance(item, Finding) and item.kind == Finding.Kind.CAUSE_OF_CONCERN:
            count = item.recommendations.count()
            carried = f"With its {count} recommendation{'s' if count != 1 else ''}" if count else ""
        type(item).objects.filter(pk=item.pk).delete()
        _record_changed(
            lock,
            actor=actor,
            action=f"{_item_kind(item)} removed",
            subject=subject,
            changes=changes,
            reason=carried,
        )
        if isinstance(item, Finding) and lock.report is not None and lock.report.first_published_at is not None:
            # The live edition keeps its copy, but the copy no longer names a working finding (its id in
            # the open data and API): cached pages must not keep the old id.
            site_changed_on_commit()


# --- The workspace's forms ------------------------------------------------------------------------


def judgment_record(
    *,
    inspection: Inspection,
    actor: User,
    grade: Grade | None,
    narrative: str,
    question: Question | None = None,
    pillar: Pillar | None = None,
) -> Judgment:
    """Record (or change) the judgment for one question or for a pillar overall."""
    judgment = Judgment.objects.filter(inspection=inspection, question=question, pillar=pillar).first() or Judgment(
        inspection=inspection, question=question, pillar=pillar
    )
    judgment.grade = grade
    judgment.narrative = narrative
    result = record_item_save(item=judgment, actor=actor)
    assert isinstance(result, Judgment)
    return result


def judgment_evidence_cite(*, judgment: Judgment, actor: User, evidence: Sequence[Evidence]) -> Judgment:
    """Set the evidence ``judgment`` cites (in place of what it cited): a change to the record, audited,
    that makes a sign-off stale. Only the inspection's own evidence may be cited."""
    with transaction.atomic():
        lock = record_lock(inspection=judgment.inspection, actor=actor)
        if any(item.inspection_id != lock.inspection.pk for item in evidence):
            raise ValidationError("Cite evidence of this inspection only", code="other_inspection")
        before = sorted(Evidence.objects.filter(judgments=judgment).values_list("pk", flat=True))
        after = sorted({item.pk for item in evidence})
        if before == after:
            return judgment
        Evidence.judgments.through.objects.filter(judgment_id=judgment.pk).delete()
        Evidence.judgments.through.objects.bulk_create(
            Evidence.judgments.through(judgment_id=judgment.pk, evidence_id=pk) for pk in after
        )
        _record_changed(
            lock,
            actor=actor,
            action="Evidence cited",
            subject=item_title(judgment),
            changes={"evidence": [len(before), len(after)]},
        )
    return judgment


def judgment_grade_moderate(*, judgment: Judgment, actor: User, grade: Grade, reason: str) -> Judgment:
    """Change ``judgment``'s grade in national moderation (``fieldwork.services.grade_moderate`` decides
    and records the decision; this changes the record). The moderation panel is not the team, so its
    own permission is checked instead of the team's; the record must not be settled."""
    if not permissions.can_moderate(actor):
        raise PermissionDenied("Only the moderation panel (lead inspectors and editors) moderates grades")
    with transaction.atomic():
        report = Report.objects.filter(inspection_id=judgment.inspection_id).first()
        if report is not None:
            report = report_lock(report)
            frozen = record_frozen_message(report)
            if frozen is not None:
                raise WorkflowError(frozen)
        lock = RecordLock(inspection=judgment.inspection, report=report)
        before = _values(judgment)
        judgment.grade = grade
        judgment.full_clean()
        judgment.save(update_fields=["grade", "updated_at"])
        _record_changed(
            lock,
            actor=actor,
            action="Grade changed in moderation",
            subject=item_title(judgment),
            changes=field_changes(before, _values(judgment)),
            reason=reason,
        )
    return judgment


def finding_add(*, inspection: Inspection, actor: User, kind: str, text: str, question: Question | None) -> Finding:
    """Record an area for improvement or notable practice. Causes of concern go through
    ``cause_of_concern_create``, which insists on a recommendation."""
    if kind not in (Finding.Kind.AREA_FOR_IMPROVEMENT, Finding.Kind.NOTABLE_PRACTICE):
        raise ValidationError("Select area for improvement or notable practice")
    with transaction.atomic():
        order = inspection.findings.filter(kind=kind).count() + 1
        finding = Finding(inspection=inspection, kind=kind, text=text, question=question, order=order)
        result = record_item_save(item=finding, actor=actor)
    assert isinstance(result, Finding)
    return result


def finding_change(
    *,
    finding: Finding,
    actor: User,
    text: str,
    question: Question | None,
    deadline: datetime.date | None = None,
) -> Finding:
    """Change a finding's words and section (and a recommendation's deadline), through the record's
    rules: the team only, while the report is editable, audited with before and after."""
    with transaction.atomic():
        # Read it under the record's lock, so that a change someone made meanwhile is not written over.
        record_lock(inspection=finding.inspection, actor=actor)
        finding = Finding.objects.get(pk=finding.pk)
        finding.text = text
        finding.question = question
        if finding.kind == Finding.Kind.RECOMMENDATION:
            finding.deadline = deadline
        saved = record_item_save(item=finding, actor=actor)
    assert isinstance(saved, Finding)
    return saved


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

    Raises ``ValidationError`` if there is no recommendation or a field is invalid; nothing is saved then.
    """
    wanted = [r for r in recommendations if r.text.strip()]
    if not wanted:
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
        record_item_save(item=cause, actor=actor)
        for number, item in enumerate(wanted, start=1):
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
            record_item_save(item=recommendation, actor=actor)
    return cause


def finding_outcome_record(
    *, inspection: Inspection, finding: Finding, actor: User, outcome: str, note: str = ""
) -> FindingOutcome:
    """Record (or change) what ``inspection`` says became of an earlier ``finding``."""
    record = FindingOutcome.objects.filter(inspection=inspection, finding=finding).first() or FindingOutcome(
        inspection=inspection, finding=finding
    )
    record.outcome = outcome
    record.note = note
    result = record_item_save(item=record, actor=actor)
    assert isinstance(result, FindingOutcome)
    return result


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


def _check_seen(inspection: Inspection, seen_record_version: int | None) -> None:
    """Refuse a page's save when the record moved on since the page was opened (someone else saved
    meanwhile): saving every item of a stale page would put back what they changed. Locks the report."""
    if seen_record_version is None:
        return
    report = Report.objects.select_for_update().filter(inspection_id=inspection.pk).first()
    if report is not None and report.record_version != seen_record_version:
        raise WorkflowError(
            "Someone changed this inspection's judgments or findings since you opened the page: "
            "what you typed is kept below, so check it against theirs and save again"
        )


def _record_all(saves: Sequence[Callable[[], T] | None]) -> list[T]:
    """Run each of ``saves`` (``None`` for an item left as it is), in the caller's transaction. Every
    item's ``ValidationError`` is collected into one ``ItemsInvalid`` (by position); any other error
    stops at once."""
    written: list[T] = []
    refused: dict[int, ValidationError] = {}
    for position, save in enumerate(saves):
        if save is None:
            continue
        try:
            written.append(save())
        except ValidationError as error:
            refused[position] = error
    if refused:
        raise ItemsInvalid(refused)
    return written


def judgments_record(
    *,
    inspection: Inspection,
    actor: User,
    judgments: Sequence[JudgmentInput],
    seen_record_version: int | None = None,
) -> list[Judgment]:
    """Record several judgments of ``inspection`` at once: all of them, or none.

    Each item goes through ``judgment_record``, inside one transaction. An item that says what is
    already stored (the same grade and narrative; nothing stored counts as no grade and no
    narrative) is skipped, so an unchanged judgment is not rewritten.

    Returns the judgments written, in the order given. Raises ``ItemsInvalid`` (a ``ValidationError``)
    naming every item ``judgment_record`` refused with a ``ValidationError``, after trying them all;
    ``WorkflowError`` when the page was opened before the record last changed (``seen_record_version``);
    any other error (``PermissionDenied`` among them) stops at the first item that raises it. Either way
    nothing is saved.
    """
    with transaction.atomic():
        _check_seen(inspection, seen_record_version)
        stored = {(j.question_id, j.pillar_id): (j.grade_id, j.narrative) for j in inspection.judgments.all()}

        def unchanged(item: JudgmentInput) -> bool:
            key = (item.question.pk if item.question else None, item.pillar.pk if item.pillar else None)
            return stored.get(key, (None, "")) == (item.grade.pk if item.grade else None, item.narrative.strip())

        return _record_all(
            [
                None
                if unchanged(item)
                else functools.partial(
                    judgment_record,
                    inspection=inspection,
                    actor=actor,
                    grade=item.grade,
                    narrative=item.narrative,
                    question=item.question,
                    pillar=item.pillar,
                )
                for item in judgments
            ]
        )


def finding_outcomes_record(
    *,
    inspection: Inspection,
    actor: User,
    outcomes: Sequence[OutcomeInput],
    seen_record_version: int | None = None,
) -> list[FindingOutcome]:
    """Record what ``inspection`` says became of several earlier findings at once: all, or none.

    Each item goes through ``finding_outcome_record``, inside one transaction. An item that says
    what is already recorded (the same outcome and note) is skipped, so it is not rewritten. Returns
    and raises as ``judgments_record`` does.
    """
    with transaction.atomic():
        _check_seen(inspection, seen_record_version)
        stored = {o.finding_id: (o.outcome, o.note) for o in inspection.finding_outcomes.all()}
        return _record_all(
            [
                None
                if stored.get(item.finding.pk) == (item.outcome, item.note)
                else functools.partial(
                    finding_outcome_record,
                    inspection=inspection,
                    finding=item.finding,
                    actor=actor,
                    outcome=item.outcome,
                    note=item.note,
                )
                for item in outcomes
            ]
        )
