"""What the case file's pages share: the inspection, if the person may read it; the context of its pages; refusals as messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts import permissions
from inspections.models import Inspection
from reports.selectors import report_of
from reports.views.common import validation_messages


def inspection_or_404(request: HttpRequest, inspection_id: int) -> Inspection:
    """The inspection if the person may read its case file; otherwise 404, as if it did not exist."""
    inspection = get_object_or_404(
        Inspection.objects.select_related("force", "programme", "lead_inspector"), pk=inspection_id
    )
    if not permissions.can_read_fieldwork(request.user, inspection):
        raise Http404("No such inspection")
    return inspection


def case_file_context(request: HttpRequest, inspection: Inspection, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "inspection": inspection,
        "report": report_of(inspection),
        "section": section,
        "may_change": permissions.can_change_inspection(request.user, inspection),
        **extra,
    }


def refusals(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return validation_messages(error)
    return [str(error)]
