"""The programme board: every force's report in one programme, as editors and leads follow it: its
state and for how long, its lead, its failing checks, its PDF and its deadlines. Reads only; a
handful of queries for the whole programme, plus the checks of the reports still being written."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from fieldwork.selectors import overdue_request_counts
from inspections.models import Inspection, Judgment, Programme
from publishing.models import Edition
from reports import deadlines as timetable
from reports.models import Report, ReportEvent, ReportState
from reports.selectors import submission_problems

#: The states whose report is still being written or reviewed: the ones with checks worth showing.
CHECKED_STATES = (ReportState.DRAFT, ReportState.CHANGES_REQUESTED, ReportState.IN_REVIEW)


@dataclass
class BoardRow:
    inspection: Inspection
    report: Report | None
    days_in_state: int | None
    problems: list[str]
    edition: Edition | None
    deadlines: list[timetable.Deadline]
    overdue: list[timetable.Deadline] = field(default_factory=list)
    hidden: bool = False  # a report the person may not read: its state and checks are not shown
    requests_overdue: int = 0  # requests to the force past their date, unanswered

    @property
    def force_name(self) -> str:
        return self.inspection.force_name

    @property
    def state(self) -> str:
        if self.hidden:
            return "Not shown to you"
        return self.report.get_state_display() if self.report else "Not started"

    @property
    def lead(self) -> User | None:
        return self.inspection.lead_inspector

    @property
    def next_deadline(self) -> timetable.Deadline | None:
        return timetable.next_deadline(self.deadlines)

    @property
    def pdf_status(self) -> str:
        if self.edition is None:
            return ""
        return self.edition.get_render_status_display()


def programmes_for_board() -> QuerySet[Programme]:
    """Every programme, newest first, with how many inspections and reports in each state it has."""
    counts = {
        f"in_{state.value}": Count("inspections__report", filter=Q(inspections__report__state=state))
        for state in ReportState
    }
    return Programme.objects.annotate(inspection_count=Count("inspections", distinct=True), **counts).order_by(
        "-year", "name"
    )


def programme_board(
    programme: Programme, *, user: User | None = None, today: datetime.date | None = None
) -> list[BoardRow]:
    """Every inspection of ``programme``, with its report if ``user`` may read it (an inspector who
    does not see every draft sees the force and the timetable, not the draft's state or checks)."""
    today = today or timezone.localdate()
    inspections = list(
        Inspection.objects.filter(programme=programme)
        .select_related("force", "programme", "lead_inspector")
        .order_by("force__name")
    )
    readable = Report.objects.filter(inspection__programme=programme)
    if user is not None:
        readable = readable.filter(pk__in=Report.objects.filter(permissions.reports_visible_to(user)).values("pk"))
    reports = {
        r.inspection_id: r
        for r in readable.select_related("inspection__force", "inspection__programme", "inspection__lead_inspector")
        # What the checks read (reports.selectors.submission_problems), once for the whole programme.
        .prefetch_related(
            "sections__question",
            Prefetch(
                "inspection__judgments",
                queryset=Judgment.objects.select_related("grade", "pillar").prefetch_related("evidence"),
            ),
            "inspection__findings",
            "inspection__programme__questions",
            "inspection__programme__pillars",
        )
    }
    started = set(Report.objects.filter(inspection__programme=programme).values_list("inspection_id", flat=True))
    since = _state_since([r.pk for r in reports.values()])
    editions: dict[int, Edition] = {}
    for edition in (
        Edition.objects.filter(report__in=reports.values())
        .only(
            "report_id", "number", "render_status", "pdf_pages", "pdf_size", "bilingual", "pdf_cy_pages", "pdf_cy_size"
        )
        .order_by("report_id", "-number")
    ):
        editions.setdefault(edition.report_id, edition)
    tables = timetable.timetables(inspections, today=today)
    unanswered = overdue_request_counts([inspection.pk for inspection in inspections])
    rows = []
    for inspection in inspections:
        report = reports.get(inspection.pk)
        entered = (since.get((report.pk, report.state)) or report.created_at) if report else None
        problems = (
            [check.message for check in submission_problems(report) if check.blocking]
            if report is not None and report.state in CHECKED_STATES
            else []
        )
        deadlines = tables[inspection.pk]
        rows.append(
            BoardRow(
                inspection=inspection,
                report=report,
                days_in_state=(today - timezone.localdate(entered)).days if entered else None,
                problems=problems,
                edition=editions.get(report.pk) if report else None,
                deadlines=deadlines,
                overdue=timetable.overdue(deadlines, today),
                hidden=report is None and inspection.pk in started,
                requests_overdue=unanswered.get(inspection.pk, 0),
            )
        )
    return rows


def _state_since(report_ids: list[int]) -> dict[tuple[int, str], datetime.datetime]:
    """When each report last entered each state (a report never moved is in its first state since its first event)."""
    # The first event in each state (a report that never moved: since it began), then, over it, the
    # last move into each state.
    entered = (
        ReportEvent.objects.filter(report_id__in=report_ids)
        .values("report_id", "to_state")
        .annotate(at=Min("at"))
        .order_by()
    )
    moved = (
        ReportEvent.objects.filter(report_id__in=report_ids)
        .exclude(from_state="")
        .exclude(to_state="")
        .filter(~Q(from_state=F("to_state")))
        .values("report_id", "to_state")
        .annotate(at=Max("at"))
        .order_by()
    )
    result = {(row["report_id"], row["to_state"]): row["at"] for row in entered}
    result.update({(row["report_id"], row["to_state"]): row["at"] for row in moved})
    return result


# --- Filtering and sorting ------------------------------------------------------------------------

SORTS: dict[str, tuple[str, Callable[[BoardRow], Any]]] = {
    "force": ("Force", lambda row: row.force_name),
    "state": ("State", lambda row: list(ReportState.labels).index(row.state) if row.report else -1),
    "lead": ("Lead inspector", lambda row: str(row.lead or "")),
    "days": ("Days in state", lambda row: -(row.days_in_state or 0)),
    "checks": ("Failing checks", lambda row: -len(row.problems)),
    "due": ("Next deadline", lambda row: row.next_deadline.due_on if row.next_deadline else datetime.date.max),
}


def board_filter(
    rows: list[BoardRow], *, state: str = "", lead: int | None = None, overdue: bool = False, sort: str = "force"
) -> list[BoardRow]:
    if state == "not_started":
        rows = [row for row in rows if row.report is None]
    elif state:
        rows = [row for row in rows if row.report is not None and row.report.state == state]
    if lead is not None:
        rows = [row for row in rows if row.inspection.lead_inspector_id == lead]
    if overdue:
        rows = [row for row in rows if row.overdue]
    key = SORTS.get(sort.removeprefix("-"), SORTS["force"])[1]
    return sorted(rows, key=key, reverse=sort.startswith("-"))
