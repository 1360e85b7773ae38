"""Reminders that come of time passing, not of anyone's act: fact-check links about to expire, police
and crime commissioners' responses coming due, inspection deadlines passed, and requests to a force
left unanswered past their date. Run by the scheduler
every quarter of an hour (``publishing.tasks.reminders_send_task``); each reminder is keyed by what it
is about, so running it again tells no one twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fieldwork.services import requests_overdue_remind
from notifications import recipients
from notifications.kinds import Kind
from reports import deadlines, notices
from reports.fact_checks import add_working_days
from reports.models import FactCheck, Report, ReportState

#: A fact-check link is this many working days from expiry when its issuer is told.
FACT_CHECK_WARNING_WORKING_DAYS = 2
#: A police and crime commissioner's response is this many days from due when editors are told.
PCC_WARNING_DAYS = 7


@transaction.atomic  # one transaction, so that one task emails every reminder it makes
def reminders_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "fact_checks_expiring": fact_checks_expiring(now=now),
        "pcc_responses": pcc_responses_due(now=now),
        "deadlines_passed": deadlines.deadlines_passed_notify(today=timezone.localdate(now)),
        "requests_overdue": requests_overdue_remind(timezone.localdate(now)),
    }


def fact_checks_expiring(*, now: datetime.datetime) -> int:
    soon = add_working_days(now, FACT_CHECK_WARNING_WORKING_DAYS)
    expiring = FactCheck.objects.filter(revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=soon)
    told = 0
    for fact_check in expiring.select_related(
        "report__inspection__programme", "report__inspection__force", "issued_by"
    ):
        told += len(notices.fact_check_expiring(fact_check))
    return told


def pcc_responses_due(*, now: datetime.datetime) -> int:
    """Editors hear once when a published report's response is due within a week, and once when it is overdue."""
    today = timezone.localdate(now)
    told = 0
    waiting = Report.objects.filter(
        state=ReportState.PUBLISHED, first_published_at__isnull=False, pcc_response_recorded_at__isnull=True
    ).select_related("inspection__programme", "inspection__force")
    for report in waiting:
        due = report.pcc_response_due
        if due is None or today < due - datetime.timedelta(days=PCC_WARNING_DAYS):
            continue
        overdue = today > due
        told += len(
            notices.tell(
                report,
                Kind.PCC_RESPONSE,
                to=recipients.programme_editors(report.inspection.programme),
                subject=(
                    f"The police and crime commissioner's response to {report.title} is overdue: it was due on {due:%-d %B %Y}"
                    if overdue
                    else f"The police and crime commissioner's response to {report.title} is due on {due:%-d %B %Y}"
                ),
                key=f"pcc-{'overdue' if overdue else 'due'}:{report.pk}:{due.isoformat()}",
                link=notices.report_path(report, "publishing:publication"),
            )
        )
    return told
