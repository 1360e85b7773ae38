"""A recommendation's progress: dated updates that move its status. Unlike the rest of an inspection's
record (``reports.record``), progress is followed long after publication, so it is recorded in any
state of the report, audited, and public at once."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions
from inspections.models import (
    Finding,
    RecommendationUpdate,
)
from inspectorate.site_version import site_changed_on_commit
from inspectorate.text import clean_text
from reports.audit import event_record, field_changes
from reports.models import Report
from reports.record import item_title

if TYPE_CHECKING:
    from accounts.models import User


def recommendation_update_add(
    *,
    recommendation: Finding,
    actor: User,
    status: str,
    comment: str,
    recorded_on: datetime.date | None = None,
) -> RecommendationUpdate:
    """A dated comment on a recommendation's progress, moving its status. Allowed in any state of its
    report (recommendations are followed long after publication), by editors and by those who may
    change the inspection; public at once where the report is. Audited."""
    if recommendation.kind != Finding.Kind.RECOMMENDATION:
        raise ValidationError("Select a recommendation")
    if not (permissions.is_editor(actor) or permissions.can_change_inspection(actor, recommendation.inspection)):
        raise PermissionDenied("Only editors and the inspection's team record a recommendation's progress")
    if status not in Finding.RecommendationStatus.values:
        raise ValidationError("Select the recommendation's status")
    comment = clean_text(comment)
    if not comment:
        raise ValidationError("Enter a comment on the recommendation's progress")
    with transaction.atomic():
        recommendation = Finding.objects.select_for_update().get(pk=recommendation.pk)
        update = RecommendationUpdate(
            recommendation=recommendation,
            status=status,
            comment=comment,
            recorded_on=recorded_on or datetime.date.today(),
            author=actor,
        )
        update.full_clean()
        update.save()
        before = recommendation.status
        latest = recommendation.updates.order_by("-recorded_on", "-pk").first()
        if latest is not None and latest.status != recommendation.status:
            recommendation.status = latest.status
            Finding.objects.filter(pk=recommendation.pk).update(status=latest.status)
        report = Report.objects.filter(inspection_id=recommendation.inspection_id).first()
        event_record(
            inspection=recommendation.inspection,
            report=report,
            actor=actor,
            action="Recommendation progress recorded",
            subject=item_title(recommendation),
            changes=field_changes({"status": before}, {"status": recommendation.status}),
            reason=comment,
        )
        if report is not None and report.first_published_at is not None:
            site_changed_on_commit()
    return update
