"""Deadlines: each inspection's timetable (the programme's, or its own date for a step, with the
reason), whether each step is done, what is overdue, and the reminders of what is.

A step is done when the record shows it: fieldwork once it has ended, the first draft at the first
submission for review, the fact check sent when a link is issued and closed when none is open any
more (or the report is approved), publication at first publication.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from inspections.models import Inspection
from inspections.timetable import InspectionDeadline, Milestone, ProgrammeDeadline
from inspections.working_days import add_working_days
from inspectorate.text import clean_text
from notifications import recipients
from notifications.kinds import Kind
from notifications.services import notify
from reports.audit import event_record
from reports.models import FactCheck, Report, ReportEvent, ReportState

SETTLED_STATES = (ReportState.APPROVED, ReportState.SCHEDULED, ReportState.PUBLISHED, ReportState.WITHDRAWN)


@dataclass(frozen=True)
class Deadline:
    milestone: Milestone
    due_on: datetime.date | None
    done: bool
    done_on: datetime.date | None = None
    reason: str = ""  # why the inspection's date differs from the programme's; "" when it does not

    @property
    def label(self) -> str:
        return self.milestone.label

    def is_overdue(self, today: datetime.date) -> bool:
        return not self.done and self.due_on is not None and self.due_on < today

    def days_overdue(self, today: datetime.date) -> int:
        return (today - self.due_on).days if self.due_on is not None and self.is_overdue(today) else 0


def timetables(inspections: Sequence[Inspection], *, today: datetime.date | None = None) -> dict[int, list[Deadline]]:
    """Each inspection's deadlines, in order, by inspection id: a handful of queries for any number."""
    today = today or timezone.localdate()
    ids = [inspection.pk for inspection in inspections]
    programme_rows: dict[int, dict[str, ProgrammeDeadline]] = defaultdict(dict)
    for row in ProgrammeDeadline.objects.filter(programme_id__in={i.programme_id for i in inspections}):
        programme_rows[row.programme_id][row.milestone] = row
    own: dict[int, dict[str, InspectionDeadline]] = defaultdict(dict)
    for own_date in InspectionDeadline.objects.filter(inspection_id__in=ids):
        own[own_date.inspection_id][own_date.milestone] = own_date
    reports = {
        r.inspection_id: r
        for r in Report.objects.filter(inspection_id__in=ids).only("pk", "inspection_id", "state", "first_published_at")
    }
    report_ids = [r.pk for r in reports.values()]
    first_submitted = dict(
        ReportEvent.objects.filter(report_id__in=report_ids, action="Submitted for review")
        .values_list("report_id")
        .annotate(first=Min("at"))
    )
    checks: dict[int, list[FactCheck]] = defaultdict(list)
    for fact_check in FactCheck.objects.filter(report_id__in=report_ids).only(
        "report_id", "issued_at", "expires_at", "revoked_at"
    ):
        checks[fact_check.report_id].append(fact_check)
    now = timezone.now()
    result = {}
    for inspection in inspections:
        programme = programme_rows.get(inspection.programme_id, {})
        report = reports.get(inspection.pk)
        own_end = own.get(inspection.pk, {}).get(Milestone.FIELDWORK_END)
        fieldwork_end = (
            own_end.due_on if own_end else inspection.fieldwork_end or _date_of(programme.get(Milestone.FIELDWORK_END))
        )
        deadlines = []
        for milestone in Milestone:
            changed = own.get(inspection.pk, {}).get(milestone)
            due: datetime.date | None
            if changed is not None:
                due, reason = changed.due_on, changed.reason
            else:
                due, reason = _due(programme.get(milestone), fieldwork_end), ""
            done, done_on = _done(milestone, inspection, report, first_submitted, checks, now, today)
            deadlines.append(Deadline(milestone, due, done, done_on, reason))
        result[inspection.pk] = deadlines
    return result


def _date_of(row: ProgrammeDeadline | None) -> datetime.date | None:
    return row.due_on if row is not None else None


def _due(row: ProgrammeDeadline | None, fieldwork_end: datetime.date | None) -> datetime.date | None:
    if row is None:
        return None
    if row.due_on is not None:
        return row.due_on
    if fieldwork_end is None or row.working_days_after_fieldwork is None:
        return None
    return add_working_days(fieldwork_end, row.working_days_after_fieldwork)


def _done(
    milestone: Milestone,
    inspection: Inspection,
    report: Report | None,
    first_submitted: dict[int, datetime.datetime],
    checks: dict[int, list[FactCheck]],
    now: datetime.datetime,
    today: datetime.date,
) -> tuple[bool, datetime.date | None]:
    settled = report is not None and report.state in SETTLED_STATES
    if milestone == Milestone.FIELDWORK_END:
        ended = inspection.fieldwork_end is not None and inspection.fieldwork_end < today
        return ended or report is not None or inspection.status in (
            Inspection.Status.REPORTING,
            Inspection.Status.PUBLISHED,
        ), inspection.fieldwork_end
    if report is None:
        return False, None
    if milestone == Milestone.FIRST_DRAFT:
        submitted = first_submitted.get(report.pk)
        return submitted is not None, timezone.localdate(submitted) if submitted else None
    report_checks = checks.get(report.pk, [])
    if milestone == Milestone.FACT_CHECK_SENT:
        issued = min((c.issued_at for c in report_checks), default=None)
        return issued is not None or settled, timezone.localdate(issued) if issued else None
    if milestone == Milestone.FACT_CHECK_CLOSED:
        closes = [min(c.revoked_at or c.expires_at, c.expires_at) for c in report_checks]
        closed = bool(closes) and all(moment <= now for moment in closes)
        return closed or settled, timezone.localdate(max(closes)) if closed else None
    published = report.first_published_at
    return published is not None, timezone.localdate(published) if published else None


def next_deadline(deadlines: Iterable[Deadline]) -> Deadline | None:
    """The first step not done that has a date."""
    return next((d for d in deadlines if not d.done and d.due_on is not None), None)


def overdue(deadlines: Iterable[Deadline], today: datetime.date) -> list[Deadline]:
    return [d for d in deadlines if d.is_overdue(today)]


@dataclass(frozen=True)
class OverdueItem:
    inspection: Inspection
    report_id: int | None
    deadline: Deadline


def overdue_for(user: User, *, today: datetime.date | None = None) -> list[OverdueItem]:
    """The passed deadlines of the inspections ``user`` is on or leads, not yet published."""
    today = today or timezone.localdate()
    inspections = list(
        Inspection.objects.filter(Q(team=user) | Q(lead_inspector=user))
        .exclude(status=Inspection.Status.PUBLISHED)
        .select_related("force", "programme")
        .distinct()
    )
    tables = timetables(inspections, today=today)
    reports = dict(Report.objects.filter(inspection__in=inspections).values_list("inspection_id", "pk"))
    return [
        OverdueItem(inspection, reports.get(inspection.pk), deadline)
        for inspection in inspections
        for deadline in overdue(tables[inspection.pk], today)
    ]


# --- Changing an inspection's timetable ---------------------------------------------------------


def inspection_deadline_change(
    *, inspection: Inspection, actor: User, milestone: str, due_on: datetime.date, reason: str
) -> InspectionDeadline:
    """Give ``inspection`` its own date for ``milestone``, saying why. The lead inspector, editors and
    administrators may; it is audited with the date before and after."""
    if not permissions.can_change_deadlines(actor, inspection):
        raise PermissionDenied("Only the lead inspector and editors change an inspection's deadlines")
    if milestone not in Milestone.values:
        raise ValidationError("Select a step of the timetable", code="milestone")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("Enter why the date changes", code="reason_required")
    with transaction.atomic():
        before = timetables([inspection])[inspection.pk]
        old = next(d.due_on for d in before if d.milestone == milestone)
        deadline, _ = InspectionDeadline.objects.update_or_create(
            inspection=inspection,
            milestone=milestone,
            defaults={"due_on": due_on, "reason": reason, "changed_by": actor, "changed_at": timezone.now()},
        )
        event_record(
            inspection=inspection,
            report=Report.objects.filter(inspection=inspection).first(),
            actor=actor,
            action="Deadline changed",
            subject=Milestone(milestone).label,
            changes={"date": [old.isoformat() if old else "", due_on.isoformat()]},
            reason=reason,
        )
    return deadline


# --- Reminders ----------------------------------------------------------------------------------


def deadlines_passed_notify(*, today: datetime.date) -> int:
    """Tell the team and lead of each inspection not yet published, once for each step it is late with."""
    inspections = list(
        Inspection.objects.exclude(status=Inspection.Status.PUBLISHED).select_related(
            "programme", "force", "lead_inspector"
        )
    )
    told = 0
    links = dict(Report.objects.filter(inspection__in=inspections).values_list("inspection_id", "pk"))
    tables = timetables(inspections, today=today)
    for inspection in inspections:
        for deadline in overdue(tables[inspection.pk], today):
            assert deadline.due_on is not None
            report_id = links.get(inspection.pk)
            told += len(
                notify(
                    kind=Kind.DEADLINE,
                    recipients=recipients.inspection_people(inspection),
                    subject=f"{inspection}: “{deadline.label}” was due on {deadline.due_on:%-d %B %Y}",
                    key=f"deadline:{inspection.pk}:{deadline.milestone}:{deadline.due_on.isoformat()}",
                    link=reverse("reports:report", kwargs={"pk": report_id})
                    if report_id
                    else reverse("reports:dashboard"),
                    inspection=inspection,
                )
            )
    return told
