"""Every change to a report: saves (new revisions), the workflow, review comments and fact checks.

Each function is one transaction. It checks who may act (``accounts.permissions``), locks the report
row and re-reads its state inside the transaction, writes, and leaves a ``ReportEvent``. Errors are
``PermissionDenied`` (not allowed), ``WorkflowError`` (not in this state), ``EditConflict`` (someone
saved first) or ``ValidationError`` (bad input); nothing is written when one is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts import permissions
from inspections.models import Inspection
from inspectorate.text import clean_text
from reports import notices
from reports.audit import report_event
from reports.errors import WorkflowError
from reports.models import (
    PartAssignment,
    Report,
    ReportState,
    ReviewComment,
    ReviewMark,
    Revision,
    Section,
)
from reports.selectors import (
    judgment_problems,
    report_part_keys,
    report_parts,
    submission_problems,
)

if TYPE_CHECKING:
    from accounts.models import User

#: The most text one part of a report may hold. Long enough for any real section; a paste of a
#: whole book is refused with a message rather than stored.
MAX_PART_CHARACTERS = 100_000


@dataclass
class EditConflict(Exception):
    """Someone saved the same part since the revision the user started from."""

    part: str
    theirs: Revision
    their_text: str
    your_text: str
    based_on: int


# --- Creating and saving --------------------------------------------------------------------


def report_start(*, inspection: Inspection) -> Report:
    """The inspection's report, with one section per question of its programme. Idempotent."""
    with transaction.atomic():
        report, _ = Report.objects.get_or_create(
            inspection=inspection,
            defaults={"slug": f"{inspection.programme.slug}-{inspection.force.slug}"},
        )
        for question in inspection.programme.questions.all():
            Section.objects.get_or_create(report=report, question=question)
    return report


def report_lock(report: Report) -> Report:
    """The report re-read under a row lock (with its inspection, force and programme): call inside the
    transaction that changes it, so that state checks and writes see no one else's change between."""
    return (
        Report.objects.select_for_update()
        .select_related("inspection__programme", "inspection__force")
        .get(pk=report.pk)
    )


def _new_revision(
    report: Report, actor: User, content: dict[str, str], *, based_on: int | None, changed: list[str], note: str = ""
) -> Revision:
    """Write revision ``report.version + 1`` (the caller holds the row lock) and move the version on.

    The update is a compare-and-set on the version, so even a database without row locks cannot
    let two saves take the same number.
    """
    number = report.version + 1
    moved = Report.objects.filter(pk=report.pk, version=report.version).update(
        version=number, updated_at=timezone.now(), draft_text="\n\n".join(content.values())
    )
    if not moved:
        raise WorkflowError("The report changed while saving: try again")
    revision = Revision.objects.create(
        report=report, number=number, author=actor, based_on=based_on, changed_parts=changed, note=note, content=content
    )
    report.version = number
    titles = {part.key: part.title for part in report_parts(report)}
    report_event(
        report,
        actor,
        note or "Text saved",
        revision=revision,
        reason=", ".join(titles.get(key, key) for key in changed),
    )
    report_approval_lapse(report=report, actor=actor, revision=revision)
    return revision


def report_approval_lapse(*, report: Report, actor: User, revision: Revision | None) -> None:
    """An approved report whose text or record changed goes back to review: approval binds to one
    revision and one record. The caller holds the row lock and records the change itself."""
    if report.state != ReportState.APPROVED:
        return
    from_state = report.state
    report.reopen_for_review()
    report.approved_revision = None
    report.save(update_fields=["state", "approved_revision"])
    report_event(report, actor, "Changed after approval: back to review", from_state, revision=revision)


def report_save_part(*, report: Report, actor: User, part: str, text: str, based_on: int) -> Revision | None:
    """Save one part of the report as a new revision, based on revision ``based_on``.

    If someone saved since ``based_on`` but changed other parts, the save goes on top of theirs. If
    they changed this part, ``EditConflict`` is raised carrying both texts, and nothing is saved.
    Returns the new revision, or ``None`` when the text is unchanged. Raises ``PermissionDenied``,
    ``WorkflowError`` (the report is past editing) or ``ValidationError`` (too long, unknown part).
    """
    if not permissions.can_edit_report(actor, report):
        raise PermissionDenied("You cannot edit this report")
    text = clean_text(text)
    if len(text) > MAX_PART_CHARACTERS:
        raise ValidationError(f"The text must be {MAX_PART_CHARACTERS:,} characters or fewer", code="too_long")
    with transaction.atomic():
        report = report_lock(report)
        if part not in report_part_keys(report):
            raise ValidationError("Select a part of this report", code="unknown_part")
        if not report.is_editable:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it can no longer be edited")
        latest = report.latest_revision()
        current = dict(latest.content) if latest else {}
        if based_on != report.version:
            base = report.revisions.filter(number=based_on).first()
            base_text = base.part(part) if base else ""
            if latest is not None and latest.part(part) != base_text:
                raise EditConflict(
                    part=part, theirs=latest, their_text=latest.part(part), your_text=text, based_on=based_on
                )
        if current.get(part, "") == text:
            return None
        current[part] = text
        return _new_revision(report, actor, current, based_on=based_on, changed=[part])


def report_restore_revision(*, report: Report, actor: User, number: int) -> Revision:
    """Make a new revision with the content of revision ``number``. Nothing is overwritten."""
    if not permissions.can_edit_report(actor, report):
        raise PermissionDenied("You cannot edit this report")
    with transaction.atomic():
        report = report_lock(report)
        if not report.is_editable:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it can no longer be edited")
        old = report.revisions.filter(number=number).first()
        if old is None:
            raise ValidationError("Select a revision of this report", code="unknown_revision")
        latest = report.latest_revision()
        current = latest.content if latest else {}
        changed = sorted(
            key for key in set(current) | set(old.content) if current.get(key, "") != old.content.get(key, "")
        )
        return _new_revision(
            report,
            actor,
            dict(old.content),
            based_on=report.version,
            changed=changed,
            note=f"Restored revision {number}",
        )


# --- Who writes what ---------------------------------------------------------------------------


def parts_assign(*, report: Report, actor: User, assignees: dict[str, User | None]) -> int:
    """The lead inspector assigns parts to people on the team (``None`` takes an assignment away), in
    one transaction. Anyone on the team may still edit any part. Returns how many assignments changed;
    each change is audited and the new assignee told."""
    if not permissions.can_assign_parts(actor, report):
        raise PermissionDenied("Only the lead inspector assigns parts of the report")
    keys = report_part_keys(report)
    unknown = set(assignees) - keys
    if unknown:
        raise ValidationError("Select a part of this report", code="unknown_part")
    inspection = report.inspection
    for person in assignees.values():
        if person is not None and person.pk != inspection.lead_inspector_id and not inspection.has_on_team(person):
            raise ValidationError(f"{person} is not on the inspection's team", code="not_on_team")
    changed = 0
    with transaction.atomic():
        report = report_lock(report)
        if not report.is_editable:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: its parts are no longer assigned")
        current = {a.part: a for a in PartAssignment.objects.filter(report=report).select_related("assignee")}
        titles = {part.key: part.title for part in report_parts(report)}
        for key, person in assignees.items():
            before = current.get(key)
            if (before.assignee if before else None) == person:
                continue
            if person is None:
                assert before is not None
                before.delete()
            else:
                PartAssignment.objects.update_or_create(
                    report=report,
                    part=key,
                    defaults={"assignee": person, "assigned_by": actor, "assigned_at": timezone.now()},
                )
            event = report_event(report, actor, "Part assigned", reason=f"{titles[key]}: {person or 'nobody'}")
            if person is not None:
                notices.part_assigned(report, event, key, titles[key], person, actor)
            changed += 1
    return changed


# --- The workflow -----------------------------------------------------------------------------


def report_submit_for_review(*, report: Report, actor: User) -> Report:
    """The team submits the report. Refused with ``ValidationError`` listing the problems while any
    pre-submission check fails (see ``reports.selectors.submission_problems``)."""
    if not permissions.can_submit_report(actor, report):
        raise PermissionDenied("Only the inspection's team can submit its report")
    with transaction.atomic():
        report = report_lock(report)
        if not can_proceed(report.submit_for_review):
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it cannot be submitted")
        problems = [check.message for check in submission_problems(report) if check.blocking]
        if problems:
            raise ValidationError(problems, code="checks_failed")
        from_state = report.state
        report.submit_for_review()
        report.save(update_fields=["state", "updated_at"])
        event = report_event(report, actor, "Submitted for review", from_state, revision=report.latest_revision())
        notices.submitted(report, event, actor)
    return report


def report_request_changes(*, report: Report, actor: User, reason: str) -> Report:
    """An editor sends the report back to the team, saying why."""
    if not permissions.can_review_report(actor, report):
        raise PermissionDenied("Only editors review reports")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("Enter what needs to change", code="reason_required")
    with transaction.atomic():
        report = report_lock(report)
        if not can_proceed(report.request_changes):
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: changes cannot be requested")
        from_state = report.state
        report.request_changes()
        report.save(update_fields=["state", "updated_at"])
        revision = report.latest_revision()
        event = report_event(report, actor, "Changes requested", from_state, revision=revision, reason=reason)
        notices.changes_requested(report, event, actor, reason)
        if revision is not None:
            review_mark(report=report, reviewer=actor, revision=revision)
    return report


def report_sign_off_judgments(*, report: Report, actor: User) -> Report:
    """The lead inspector signs off the inspection's judgments and findings as they stand now.

    Refused with ``ValidationError`` while a graded question or a pillar has no graded judgment. The
    sign-off holds for this record version: any later change to the record makes it stale."""
    if not permissions.can_sign_off_judgments(actor, report):
        raise PermissionDenied("Only the inspection's lead inspector signs off its judgments")
    with transaction.atomic():
        report = report_lock(report)
        if not report.is_editable:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: its judgments are settled")
        missing = [check.message for check in judgment_problems(report)]
        if missing:
            raise ValidationError(missing, code="judgments_incomplete")
        report.judgments_signed_off_by = actor
        report.judgments_signed_off_at = timezone.now()
        report.signed_off_record_version = report.record_version
        report.save(update_fields=["judgments_signed_off_by", "judgments_signed_off_at", "signed_off_record_version"])
        report_event(report, actor, "Judgments signed off", report.state, revision=report.latest_revision())
    return report


def sign_offs_request(*, reports: Sequence[Report], actor: User) -> list[Report]:
    """An editor asks the lead inspectors of ``reports`` to sign off their judgments (again), in one
    transaction: every report is checked first, and nothing is asked if any cannot be. Returns the
    reports whose lead was asked; a report whose sign-off is current is skipped. Asking again about the
    same record tells no one twice."""
    if not permissions.is_editor(actor):
        raise PermissionDenied("Only editors ask for sign-off")
    if not reports:
        raise ValidationError("Select at least one report to ask for sign-off", code="none_selected")
    with transaction.atomic():
        locked = [report_lock(report) for report in sorted(reports, key=lambda r: r.pk)]
        problems = []
        for report in locked:
            if report.inspection.lead_inspector_id is None:
                problems.append(f"{report.inspection.force_name} has no lead inspector to ask")
            elif not report.is_editable or report.state == ReportState.APPROVED:
                problems.append(
                    f"{report.inspection.force_name} is {report.get_state_display().lower()}: its judgments are settled"
                )
        if problems:
            raise ValidationError(problems, code="cannot_ask")
        asked = []
        for report in locked:
            if report.sign_off_is_current:
                continue
            report_event(report, actor, "Sign-off requested", revision=report.latest_revision())
            notices.sign_off_needed(
                report, key=f"sign-off-request:{report.pk}:{report.record_version}", actor=actor, asked_by=actor
            )
            asked.append(report)
    return asked


def review_mark(*, report: Report, reviewer: User, revision: Revision) -> None:
    """Remember that ``reviewer`` has reviewed up to ``revision``."""
    ReviewMark.objects.update_or_create(
        report=report, reviewer=reviewer, defaults={"revision": revision, "at": timezone.now()}
    )


# --- Review comments --------------------------------------------------------------------------


def comment_add(
    *, report: Report, actor: User, body: str, part: str = "", reply_to: ReviewComment | None = None
) -> ReviewComment:
    """A comment on a part of the report (or the whole), or a reply in a comment's thread."""
    if not permissions.can_comment_on_report(actor, report):
        raise PermissionDenied("You cannot comment on this report")
    body = clean_text(body)
    if not body:
        raise ValidationError("Enter your comment", code="required")
    if len(body) > 10_000:
        raise ValidationError("The comment must be 10,000 characters or fewer", code="too_long")
    if part and part not in report_part_keys(report):
        raise ValidationError("Select a part of this report", code="unknown_part")
    if reply_to is not None:
        if reply_to.report_id != report.pk:
            raise ValidationError("Select a comment on this report", code="unknown_comment")
        reply_to = reply_to.reply_to or reply_to  # threads are one level deep
        part = reply_to.part
    with transaction.atomic():
        comment = ReviewComment.objects.create(
            report=report, part=part, author=actor, body=body, reply_to=reply_to, revision=report.latest_revision()
        )
        notices.commented(comment, actor)
    return comment


def comment_set_resolved(*, comment: ReviewComment, actor: User, resolved: bool) -> ReviewComment:
    """Resolve a comment thread, or open it again."""
    report = comment.report
    if not permissions.can_comment_on_report(actor, report):
        raise PermissionDenied("You cannot resolve comments on this report")
    if comment.reply_to_id is not None:
        raise ValidationError("Resolve the thread, not a reply", code="reply")
    with transaction.atomic():
        comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
        comment.resolved_at = timezone.now() if resolved else None
        comment.resolved_by = actor if resolved else None
        comment.save(update_fields=["resolved_at", "resolved_by"])
        report_event(
            report,
            actor,
            "Comment resolved" if resolved else "Comment reopened",
            report.state,
            reason=comment.body[:200],
        )
    return comment
