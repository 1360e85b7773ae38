"""The demo's daily work: the 2017 programme's timetable, set around the day the demo is loaded so that
drafts are overdue and the rest is coming up, a few inspections with a date of their own, and parts
of the reports being written assigned to the team. Idempotent: the timetable follows the load day;
an inspection's own date and an assignment are made once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from inspections.models import Programme
from inspections.timetable import InspectionDeadline, Milestone, ProgrammeDeadline
from inspections.working_days import add_working_days
from publishing.demo.inspections import DEMO_MARK
from reports.audit import event_record
from reports.models import PartAssignment, Report, ReportState
from reports.selectors import report_parts

#: The 2017 timetable, in working days from the load day: the first draft was due a week ago.
TIMETABLE_2017 = {
    Milestone.FIRST_DRAFT: -5,
    Milestone.FACT_CHECK_SENT: 3,
    Milestone.FACT_CHECK_CLOSED: 13,
    Milestone.PUBLICATION: 23,
}
LATE_DATA = f"{DEMO_MARK} the force supplied its data late, so the team has another week for the first draft."


@transaction.atomic
def load(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    programme = Programme.objects.get(year=2017)
    for milestone, days in TIMETABLE_2017.items():
        ProgrammeDeadline.objects.update_or_create(
            programme=programme,
            milestone=milestone,
            defaults={"due_on": add_working_days(today, days), "working_days_after_fieldwork": None},
        )
    lead = User.objects.get(email="lead@example.org")
    inspector = User.objects.get(email="inspector@example.org")
    drafts = list(
        Report.objects.filter(inspection__programme=programme, state=ReportState.DRAFT)
        .select_related("inspection__force", "inspection__programme")
        .order_by("inspection__force__name")
    )
    # Every other draft has another week, with the reason: the rest are overdue.
    for report in drafts[::2]:
        _, made = InspectionDeadline.objects.get_or_create(
            inspection=report.inspection,
            milestone=Milestone.FIRST_DRAFT,
            defaults={"due_on": add_working_days(today, 4), "reason": LATE_DATA, "changed_by": lead},
        )
        if made:
            event_record(
                inspection=report.inspection,
                report=report,
                actor=lead,
                action="Deadline changed",
                subject=Milestone.FIRST_DRAFT.label,
                reason=LATE_DATA,
            )
    writing = Report.objects.filter(
        inspection__programme=programme, state__in=(ReportState.DRAFT, ReportState.CHANGES_REQUESTED)
    )
    assigned = 0
    for report in writing:
        for part in report_parts(report):
            _, made = PartAssignment.objects.get_or_create(
                report=report,
                part=part.key,
                defaults={"assignee": lead if part.key == "lead_quote" else inspector, "assigned_by": lead},
            )
            assigned += made
    return {"overdue_drafts": len(drafts) - len(drafts[::2]), "assigned": assigned}
