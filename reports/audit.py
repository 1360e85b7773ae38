"""The audit trail: the one helper that writes it, and the reads of it (trail pages and CSV).

Every service that changes a report's state, its text, its inspection's record or its publication
calls ``event_record`` inside its own transaction, so that the event and the change commit together
or not at all. The table is append-only in the database (migration 0006).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

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
    by_name: str = "",
) -> ReportEvent:
    """Append one event. ``actor`` is the person who acted, or ``fact_check`` the link a liaison used,
    or ``by_name`` names who acted without an account (a liaison answering the team's requests).

    ``from_state`` defaults to the report's state (an act that moved no state); ``to_state`` is the
    report's state as the caller leaves it. Call inside the transaction that makes the change.
    """
    if actor is None and fact_check is None and not by_name:
        raise ValueError("An event needs an actor, the fact-check link a liaison used, or who acted")
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
        by_name=by_name[:300],
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
    *,
    report: Report | None = None,
    inspection: Inspection | None = None,
    actor_id: int | None = None,
    fact_check_id: int | None = None,
    action: str = "",
    force_id: int | None = None,
    programme_id: int | None = None,
) -> QuerySet[ReportEvent]:
    """Events newest first: of one report (with its inspection's record changes, which have no
    report), of one inspection (with its report's), or of everything.

    The rest narrow it: one person's (``actor_id``), one liaison's (``fact_check_id``, the link they
    used), one action (exactly: the trail pages offer the actions it holds), one force or programme.
    """
    events = ReportEvent.objects.select_related(
        "actor", "fact_check", "revision", "report", "inspection__force", "inspection__programme"
    )
    if report is not None:
        events = events.filter(Q(report=report) | Q(report__isnull=True, inspection_id=report.inspection_id))
    if inspection is not None:
        events = events.filter(inspection=inspection)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if fact_check_id is not None:
        events = events.filter(fact_check_id=fact_check_id)
    if action:
        events = events.filter(action=action)
    if force_id is not None:
        events = events.filter(inspection__force_id=force_id)
    if programme_id is not None:
        events = events.filter(inspection__programme_id=programme_id)
    return events.order_by("-at", "-pk")


Choice = tuple[str, str]


@dataclass(frozen=True)
class TrailChoices:
    """What a trail can be narrowed to: the people, actions, forces and programmes it holds.

    A person is a member of staff (value: their id) or a liaison (value: ``link-<id>`` of the
    fact-check link they used, which is all the trail knows of them).
    """

    staff: list[Choice]
    liaisons: list[Choice]
    actions: list[Choice]
    forces: list[Choice]
    programmes: list[Choice]


LIAISON_PREFIX = "link-"


def trail_choices(events: QuerySet[ReportEvent], *, across: bool = False) -> TrailChoices:
    """The choices of ``events`` (an unfiltered ``trail``), sorted for a select. Forces and programmes
    only ``across`` inspections: the trail of one inspection has one of each."""
    plain = events.order_by()  # DISTINCT over the values alone, not the ordering's columns too
    people = plain.filter(actor__isnull=False).values_list("actor_id", "actor__name", "actor__email").distinct()
    staff = sorted(((str(pk), name or email) for pk, name, email in people), key=lambda c: (c[1].casefold(), c[0]))
    links = plain.filter(fact_check__isnull=False).values_list(
        "fact_check_id", "fact_check__liaison_name", "fact_check__issued_at"
    )
    liaisons = []
    for pk, name, issued in sorted(links.distinct(), key=lambda link: (link[1].casefold(), link[2])):
        day = timezone.localtime(issued)
        liaisons.append((f"{LIAISON_PREFIX}{pk}", f"{name} (force liaison, link issued {day.day} {day:%B %Y})"))
    actions = sorted(plain.values_list("action", flat=True).distinct(), key=str.casefold)
    forces: list[Choice] = []
    programmes: list[Choice] = []
    if across:
        force_rows = plain.values_list("inspection__force_id", "inspection__force__name").distinct()
        forces = sorted(((str(pk), name) for pk, name in force_rows), key=lambda c: c[1])
        programme_rows = plain.values_list(
            "inspection__programme_id", "inspection__programme__name", "inspection__programme__year"
        ).distinct()
        programmes = [(str(pk), name) for pk, name, _ in sorted(programme_rows, key=lambda p: (-p[2], p[1]))]
    return TrailChoices(
        staff=staff,
        liaisons=liaisons,
        actions=[(action, action) for action in actions],
        forces=forces,
        programmes=programmes,
    )


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


def trail_csv_lines(events: Iterable[ReportEvent]) -> Iterator[str]:
    """The events as CSV, a line at a time (for a streamed download of a long trail): the header
    ``CSV_HEADER``, then one row per event."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(row: Iterable[Any]) -> str:
        writer.writerow(row)
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(CSV_HEADER)
    for event in events:
        yield line(
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


def trail_csv(events: Iterable[ReportEvent]) -> str:
    """The events as CSV, one row each, with the header ``CSV_HEADER``."""
    return "".join(trail_csv_lines(events))
