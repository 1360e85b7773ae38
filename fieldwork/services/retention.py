"""The retention rule: evidence files and working notes deleted when their time is up, the record of them kept."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from fieldwork import selectors
from fieldwork.models import (
    RequestAnswer,
    RequestFile,
)
from fieldwork.services.common import record_event
from inspections.evidence import Evidence, EvidenceFile

logger = logging.getLogger(__name__)


def retention_apply(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete the files and working notes of every inspection whose retention period has ended (its
    programme's ``retention_years`` after its report was first published), keeping the rows that say
    they existed. Logged, and recorded in each inspection's trail. Returns what was removed."""
    now = now or timezone.now()
    removed = {"inspections": 0, "evidence_files": 0, "request_files": 0, "notes": 0}
    for inspection in selectors.inspections_past_retention(now):
        with transaction.atomic():
            evidence_files: list[EvidenceFile | RequestFile] = list(
                EvidenceFile.objects.select_for_update().filter(
                    evidence__inspection=inspection, removed_at__isnull=True
                )
            )
            request_files = list(
                RequestFile.objects.select_for_update().filter(
                    answer__request__inspection=inspection, removed_at__isnull=True
                )
            )
            for stored in [*evidence_files, *request_files]:
                stored.file.delete(save=False)
                stored.removed_at = now
                stored.save(update_fields=["file", "removed_at"])
            notes = Evidence.objects.filter(inspection=inspection).exclude(notes="").update(notes="")
            Evidence.objects.filter(inspection=inspection, retained_until__isnull=True).update(
                retained_until=now.date()
            )
            RequestAnswer.objects.filter(request__inspection=inspection).exclude(note="").update(note="")
            if evidence_files or request_files or notes:
                record_event(
                    inspection,
                    None,
                    "Evidence removed under the retention rule",
                    reason=f"{len(evidence_files)} evidence files, {len(request_files)} files from the force, "
                    f"{notes} working notes",
                    by_name="the retention rule",
                )
                removed["inspections"] += 1
                removed["evidence_files"] += len(evidence_files)
                removed["request_files"] += len(request_files)
                removed["notes"] += notes
                logger.info(
                    "Retention: removed %s evidence files, %s request files and %s notes of inspection %s",
                    len(evidence_files),
                    len(request_files),
                    notes,
                    inspection.pk,
                )
    return removed
