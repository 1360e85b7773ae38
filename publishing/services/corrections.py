"""After go-live: corrections (the next edition, with a change note, under the two-person rule) and
withdrawal (with a reason the public sees)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts import permissions
from inspectorate.site_version import site_changed_on_commit
from inspectorate.text import clean_text
from publishing.models import Edition
from publishing.selectors import authors_since
from reports.audit import report_event
from reports.errors import WorkflowError
from reports.fact_checks import fact_checks_revoke_all
from reports.models import Report, ReportState
from reports.services import report_lock
from reports.translations import is_bilingual, translation_problems, welsh_now

if TYPE_CHECKING:
    from accounts.models import User
from publishing.services.editions import edition_prepare, require_editor
from publishing.services.golive import enqueue_sweep_at


def report_correct(*, report: Report, actor: User, change_note: str, change_note_cy: str = "") -> Edition:
    """Publish the report's latest revision and its record as they stand as a new edition with a change
    note; it goes live once its PDF is ready. The earlier editions and their PDFs stay public in the
    history. Refused (``ValidationError``) when neither the text nor the record (nor, for a Welsh force's
    report, the Welsh) changed since the live edition. A Welsh force's report is corrected in both
    languages: its Welsh must be up to date and the change note said in Welsh too (``change_note_cy``).
    The two-person rule holds: the editor publishing a correction changed none of its text or record
    (``PermissionDenied`` saying so)."""
    require_editor(actor)
    change_note = clean_text(change_note)
    change_note_cy = clean_text(change_note_cy)
    if not change_note:
        raise ValidationError("Enter a change note saying what was corrected", code="change_note")
    with transaction.atomic():
        report = report_lock(report)
        if report.state != ReportState.PUBLISHED:
            raise WorkflowError("Only a published report is corrected")
        latest = report.latest_revision()
        live = report.editions.live().order_by("-number").first()
        if latest is None or live is None:
            raise WorkflowError("The report has no live edition to correct")
        bilingual = is_bilingual(report)
        if bilingual:
            problems = translation_problems(report)
            if not change_note_cy:
                problems.insert(0, "Enter the change note in Welsh too: a Welsh force's report is corrected in both")
            if problems:
                raise ValidationError(problems, code="welsh")
        welsh_changed = bilingual and live.welsh != welsh_now(report)
        if live.revision_id == latest.pk and live.record_version == report.record_version and not welsh_changed:
            raise ValidationError(
                "Edit the report, its judgments or its findings first: what it says now is already published",
                code="no_change",
            )
        if not permissions.can_approve_report(actor, report, authors_since(report, live)):
            raise PermissionDenied("You wrote part of this correction, so another editor must publish it")
        edition = edition_prepare(report=report, actor=actor, change_note=change_note, change_note_cy=change_note_cy)
        report.publication_requested_by = actor
        report.save(update_fields=["publication_requested_by"])
        report_event(
            report,
            actor,
            "Correction requested",
            revision=edition.revision,
            edition_number=edition.number,
            reason=change_note,
        )
        enqueue_sweep_at(None)
    return edition


def report_withdraw(*, report: Report, actor: User, reason: str) -> Report:
    """Withdraw a published report. The public page then shows the reason instead of the report."""
    require_editor(actor)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("Enter the reason for withdrawing the report", code="reason")
    with transaction.atomic():
        report = report_lock(report)
        if not can_proceed(report.withdraw):
            raise WorkflowError(
                f"The report is {report.get_state_display().lower()}: only a published report is withdrawn"
            )
        from_state = report.state
        report.withdraw()
        report.withdrawn_at = timezone.now()
        report.withdrawal_reason = reason
        report.save(update_fields=["state", "withdrawn_at", "withdrawal_reason"])
        live = report.editions.live().order_by("-number").first()
        report_event(
            report,
            actor,
            "Withdrawn",
            from_state,
            revision=live.revision if live else None,
            edition_number=live.number if live else None,
            reason=reason,
        )
        fact_checks_revoke_all(report=report, actor=actor, why="The report was withdrawn")
        site_changed_on_commit()
    return report
