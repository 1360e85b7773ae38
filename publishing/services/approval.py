"""Approval: an editor who wrote none of it approves one revision, which freezes the first edition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import can_proceed

from accounts import permissions
from fieldwork.selectors import moderation_outstanding
from reports import notices
from reports.audit import report_event
from reports.errors import WorkflowError
from reports.models import Report
from reports.selectors import approval_problems, report_authors
from reports.services import report_lock, review_mark
from reports.translations import translation_problems

if TYPE_CHECKING:
    from accounts.models import User
from publishing.services.editions import edition_prepare


def report_approve(*, report: Report, actor: User, revision_number: int) -> Report:
    """An editor approves revision ``revision_number``, which must still be the latest.

    The two-person rule: nobody who wrote any revision up to it may approve it. The lead inspector
    must have signed off the judgments first, and where the programme requires it, national moderation
    must have settled every graded question's grade.
    """
    if not permissions.can_review_report(actor, report):
        raise PermissionDenied("Only editors approve reports")
    with transaction.atomic():
        report = report_lock(report)
        if report.version != revision_number:
            raise WorkflowError("The report has changed since you reviewed it: review the latest revision")
        revision = report.revisions.get(number=revision_number)
        if not permissions.can_approve_report(actor, report, report_authors(report, up_to=revision_number)):
            raise PermissionDenied("You wrote part of this report, so someone else must approve it")
        if not can_proceed(report.approve):
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it cannot be approved")
        sign_off = [check.message for check in approval_problems(report)]
        if sign_off:
            raise ValidationError(sign_off, code="not_signed_off")
        moderation = moderation_outstanding(report.inspection)
        if moderation:
            raise ValidationError(moderation, code="not_moderated")
        welsh = translation_problems(report)
        if welsh:
            raise ValidationError(welsh, code="not_translated")
        from_state = report.state
        report.approve()
        report.approved_revision = revision
        report.save(update_fields=["state", "approved_revision", "updated_at"])
        event = report_event(report, actor, "Approved", from_state, revision=revision)
        notices.approved(report, event, actor)
        review_mark(report=report, reviewer=actor, revision=revision)
        # Freeze the edition and render its PDF now, in the background, so that it is ready and checked
        # long before any go-live moment.
        edition_prepare(report=report, actor=actor)
    return report
