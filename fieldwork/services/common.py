"""What every fieldwork service shares: the audit event, the team check, and checking files."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError

from accounts import permissions
from accounts.models import User
from fieldwork.files import CheckedFile, file_check
from inspections.models import Inspection
from reports.audit import event_record
from reports.selectors import report_of


def record_event(
    inspection: Inspection, actor: User | None, action: str, *, subject: str = "", reason: str = "", by_name: str = ""
) -> None:
    """An event in the inspection's audit trail (and its report's, once there is one)."""
    event_record(
        inspection=inspection,
        report=report_of(inspection),
        actor=actor,
        action=action,
        subject=subject,
        reason=reason,
        by_name=by_name,
    )


def require_team(actor: User, inspection: Inspection) -> None:
    if not permissions.can_change_inspection(actor, inspection):
        raise PermissionDenied("Only the inspection's team changes its case file")


def files_checked(files: Iterable[object]) -> list[CheckedFile]:
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
