"""The audit trail: the one helper that writes it, and the reads of it (trail pages and CSV).

Every service that changes a report's state, its text, its inspection's record or its publication
calls ``event_record`` inside its own transaction, so that the event and the change commit together
or not at all. The table is append-only in the database (migration 0006).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

from reports.models import FactCheck, Report, ReportEvent, Revision

if TYPE_CHECKING:
    from accounts.models import User
    from inspections.models import Inspection


def _plain(value: Any) -> Any:
    """A field's value as the trail keeps it: text for a related row, ISO for a date, as is otherwise."""
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field whose value differs."""
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in sorted(set(before) | set(after))
        if _plain(before.get(name)) != _plain(after.get(name))
    }


def event_record(
    *,
    inspection: Inspection,
    report: Report | None,
    action: str,
    actor: User | None = None,
    fact_check: FactCheck | None = None,
    from_state: str | None = None,
    revision: Revision | None = None,
    edition_number: int | None = None,
    subject: str = "",
    changes: Mapping[str, list[Any]] | None = None,
    record_change: bool = False,
    reason: str = "",
) -> ReportEvent:
    """Append one event. ``actor`` is the person who acted, or ``fact_check`` the link a liaison used.

    ``from_state`` defaults to the report's state (an act that moved no state); ``to_state`` is the
    report's state as the caller leaves it. Call inside the transaction that makes the change.
    """
    if actor is None and fact_check is None:
        raise ValueError("An event needs an actor or the fact-check link a liaison used")
    state = report.state if report is not None else ""
    return ReportEvent.objects.create(
        inspection=inspection,
        report=report,
        actor=actor,
        fact_check=fact_check,
        action=action,
        from_state=state if from_state is None else from_state,
        to_state=state,
        revision=revision,
        edition_number=edition_number,
        subject=subject[:300],
        changes=dict(changes or {}),
        record_change=record_change,
        reason=reason,
    )


def report_event(
    report: Report,
    actor: User | None,
    action: str,
    from_state: str | None = None,
    *,
    revision: Revision | None = None,
    edition_number: int | None = None,
    reason: str = "",
    fact_check: FactCheck | None = None,
) -> ReportEvent:
    """``event_record`` for an act on a report (its inspection is the report's)."""
    return event_record(
        inspection=report.inspection,
        report=report,
        actor=actor,
        fact_check=fact_check,
        action=action,
        from_state=from_state,
        revision=revision,
        edition_number=edition_number,
        reason=reason,
    )


# --- Reads ------------------------------------------------------------------------------------


def trail(
    *, report: Report | None = None, inspection: Inspection | None = None, actor_id: int | None = None, action: str = ""
) -> QuerySet[ReportEvent]:
    """Events newest first: of one report, of one inspection (with its report's), or of everything;
    optionally only one person's, or only actions containing ``action``."""
    events = ReportEvent.objects.select_related(
        "actor", "fact_check", "revision", "report", "inspection__force", "inspection__programme"
    )
    if report is not None:
        events = events.filter(Q(report=report) | Q(report__isnull=True, inspection_id=report.inspection_id))
    if inspection is not None:
        events = events.filter(inspection=inspection)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action__icontains=action)
    return events.order_by("-at", "-pk")


CSV_HEADER = (
    "at",
    "inspection",
    "actor",
    "action",
    "from_state",
    "to_state",
    "revision",
    "edition",
    "subject",
    "changes",
    "reason",
)


def _cell(text: str) -> str:
    """A spreadsheet would run a cell that starts like a formula: such text gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _changes_text(changes: Mapping[str, list[Any]]) -> str:
    return "; ".join(f"{name}: {before!r} -> {after!r}" for name, (before, after) in changes.items())


def trail_csv(events: Iterable[ReportEvent]) -> str:
    """The events as CSV, one row each, with the header ``CSV_HEADER``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for event in events:
        writer.writerow(
            [
                event.at.isoformat(),
                _cell(str(event.inspection)),
                _cell(event.actor_name),
                _cell(event.action),
                event.from_state,
                event.to_state,
                event.revision.number if event.revision is not None else "",
                event.edition_number or "",
                _cell(event.subject),
                _cell(_changes_text(event.changes)),
                _cell(event.reason),
            ]
        )
    return out.getvalue()
