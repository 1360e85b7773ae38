"""The workspace's list of reports: filtered by programme, force, state, person and overdue deadlines,
and searched by words over each report's latest revision and its inspection's findings."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from inspections.models import Finding, Inspection
from reports import deadlines
from reports.models import Report
from reports.selectors import reports_for_workspace

#: Search words beyond this many are ignored: each is a condition on the query.
MAX_SEARCH_WORDS = 8


def search_words(text: str) -> list[str]:
    return [word for word in re.findall(r"\w[\w'’-]*", text.lower()) if len(word) > 1][:MAX_SEARCH_WORDS]


def reports_listed(
    *,
    user: User,
    q: str = "",
    programme: Any = None,
    force: Any = None,
    state: str = "",
    person: Any = None,
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Report]:
    reports = reports_for_workspace(user)
    if programme is not None:
        reports = reports.filter(inspection__programme=programme)
    if force is not None:
        reports = reports.filter(inspection__force=force)
    if state:
        reports = reports.filter(state=state)
    if person is not None:
        reports = reports.filter(Q(inspection__team=person) | Q(inspection__lead_inspector=person)).distinct()
    for word in search_words(q):
        in_findings = Finding.objects.filter(inspection=OuterRef("inspection"), text__icontains=word)
        reports = reports.filter(Q(draft_text__icontains=word) | Exists(in_findings))
    if overdue:
        reports = reports.filter(pk__in=overdue_report_ids(reports, today=today or timezone.localdate()))
    return reports


def overdue_report_ids(reports: QuerySet[Report], *, today: datetime.date) -> list[int]:
    """The reports among ``reports`` whose inspection has a deadline passed and not met."""
    inspections = list(
        Inspection.objects.filter(report__in=reports)
        .exclude(status=Inspection.Status.PUBLISHED)
        .select_related("force")
    )
    tables = deadlines.timetables(inspections, today=today)
    late = {i.pk for i in inspections if deadlines.overdue(tables[i.pk], today)}
    return list(reports.filter(inspection_id__in=late).values_list("pk", flat=True))


@dataclass(frozen=True)
class Match:
    """Where a search word was found: a line of the draft or of a finding, to show beside the report."""

    where: str
    text: str


def matches(report: Report, q: str, *, limit: int = 2) -> list[Match]:
    words = search_words(q)
    if not words:
        return []
    found: list[Match] = []
    for paragraph in report.draft_text.split("\n"):
        if any(word in paragraph.lower() for word in words):
            found.append(Match("Draft", excerpt(paragraph, words)))
            break
    for text in (finding.text for finding in report.inspection.findings.all()):
        if len(found) >= limit:
            break
        if any(word in text.lower() for word in words):
            found.append(Match("Finding", excerpt(text, words)))
    return found


def excerpt(text: str, words: list[str], width: int = 160) -> str:
    lower = text.lower()
    at = min((lower.find(word) for word in words if word in lower), default=0)
    start = max(0, at - width // 3)
    piece = text[start : start + width].strip()
    return f"{'…' if start else ''}{piece}{'…' if start + width < len(text) else ''}"
