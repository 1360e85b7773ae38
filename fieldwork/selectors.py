"""Fieldwork's reads: conflicts that keep someone off a team, requests and their state, evidence by
question, case-file audit rates, moderation's table and what it still owes, and the inspections whose
retention period has ended. Nothing here is ever read by the public site."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from fieldwork.models import ConflictDeclaration, ForceRequest, LiaisonLink, ModerationDecision
from inspections.evidence import CaseFileAudit, Evidence
from inspections.models import Grade, Inspection, Judgment, Programme, Question
from inspections.selectors import MeasureRate, audits_of_programme
from reports.fact_checks import hash_token

# --- Conflicts -------------------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def conflicts_blocking(person: User, inspection: Inspection) -> list[ConflictDeclaration]:
    """The declarations that keep ``person`` off ``inspection``'s team under its programme's rule: a
    family link with the force, or service in it that ended within ``conflict_service_years`` of the
    fieldwork (or is still going on), unless an administrator recorded an exception for this inspection."""
    reference = inspection.fieldwork_start or timezone.localdate()
    since = _years_before(reference, inspection.programme.conflict_service_years)
    declarations = ConflictDeclaration.objects.filter(person=person, force_id=inspection.force_id)
    if inspection.pk is not None:
        declarations = declarations.exclude(exceptions__inspection=inspection)
    return [
        declaration
        for declaration in declarations.select_related("force")
        if declaration.kind == ConflictDeclaration.Kind.FAMILY
        or (
            declaration.kind == ConflictDeclaration.Kind.SERVED
            and (declaration.served_until is None or declaration.served_until >= since)
        )
    ]


def conflicts_on_inspection(inspection: Inspection) -> list[tuple[ConflictDeclaration, bool]]:
    """Every declaration about the inspection's force by someone on its team or leading it, with
    whether an exception lets them stay."""
    people = [*inspection.team.values_list("pk", flat=True), inspection.lead_inspector_id]
    declarations = (
        ConflictDeclaration.objects.filter(force_id=inspection.force_id, person_id__in=people)
        .select_related("person", "force")
        .prefetch_related("exceptions")
    )
    return [
        (declaration, any(exception.inspection_id == inspection.pk for exception in declaration.exceptions.all()))
        for declaration in declarations
    ]


# --- Requests ----------------------------------------------------------------------------------------


def liaison_link_by_token(token: str) -> LiaisonLink | None:
    return (
        LiaisonLink.objects.select_related("inspection__force", "inspection__programme")
        .filter(token_hash=hash_token(token))
        .first()
    )


def requests_of(inspection: Inspection) -> QuerySet[ForceRequest]:
    return inspection.force_requests.prefetch_related("answers__files").order_by("closed_at", "due_on", "pk")


def requests_overdue(today: datetime.date | None = None) -> QuerySet[ForceRequest]:
    today = today or timezone.localdate()
    return ForceRequest.objects.filter(
        due_on__lt=today, answered_at__isnull=True, closed_at__isnull=True
    ).select_related("inspection__force", "inspection__lead_inspector")


def overdue_request_counts(inspection_ids: list[int]) -> dict[int, int]:
    """Overdue requests per inspection, for the programme board."""
    rows = requests_overdue().filter(inspection_id__in=inspection_ids).values("inspection_id").annotate(n=Count("pk"))
    return {row["inspection_id"]: row["n"] for row in rows}


# --- Evidence ------------------------------------------------------------------------------------------


def evidence_of(inspection: Inspection, question: Question | None = None) -> QuerySet[Evidence]:
    evidence = inspection.evidence.select_related("gathered_by").prefetch_related(
        "questions", "files", "judgments__question", "judgments__pillar"
    )
    if question is not None:
        evidence = evidence.filter(questions=question)
    return evidence.order_by("-gathered_on", "-pk")


# --- Case-file audits ------------------------------------------------------------------------------------


# --- Moderation -------------------------------------------------------------------------------------------


@dataclass
class ModerationCell:
    judgment: Judgment | None
    evidence_count: int = 0
    decision: ModerationDecision | None = None

    @property
    def settled(self) -> bool:
        """Moderated, at the grade it has now."""
        return (
            self.judgment is not None
            and self.decision is not None
            and self.decision.grade_after_id == self.judgment.grade_id
        )


@dataclass
class ModerationRow:
    inspection: Inspection
    cells: list[ModerationCell] = field(default_factory=list)
    audits: list[tuple[CaseFileAudit, list[MeasureRate]]] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return sum(
            1 for cell in self.cells if cell.judgment is not None and cell.judgment.grade_id and not cell.settled
        )


def moderation_table(programme: Programme) -> tuple[list[Question], list[ModerationRow]]:
    """Every force's proposed grade for each graded question, side by side, with the evidence it cites,
    its case-file audits and the latest moderation decision."""
    questions = list(programme.questions.filter(graded=True).order_by("number"))
    inspections = (
        Inspection.objects.filter(programme=programme)
        .select_related("force")
        .prefetch_related(
            Prefetch(
                "judgments",
                queryset=Judgment.objects.filter(question__isnull=False)
                .select_related("grade")
                .annotate(cited=Count("evidence", distinct=True))
                .prefetch_related(
                    Prefetch(
                        "moderation_decisions",
                        queryset=ModerationDecision.objects.select_related("decided_by", "grade_after"),
                    )
                ),
            )
        )
        .order_by("force__name")
    )
    audits = audits_of_programme(programme)
    rows = []
    for inspection in inspections:
        by_question = {judgment.question_id: judgment for judgment in inspection.judgments.all()}
        row = ModerationRow(inspection=inspection, audits=audits.get(inspection.pk, []))
        for question in questions:
            judgment = by_question.get(question.pk)
            decisions = list(judgment.moderation_decisions.all()) if judgment is not None else []
            row.cells.append(
                ModerationCell(
                    judgment=judgment,
                    evidence_count=getattr(judgment, "cited", 0) if judgment is not None else 0,
                    decision=decisions[0] if decisions else None,
                )
            )
        rows.append(row)
    return questions, rows


def grade_spread(programme: Programme) -> dict[int, Counter[str]]:
    """For each graded question, how many forces have each grade now (the panel's first look)."""
    spread: dict[int, Counter[str]] = defaultdict(Counter)
    for question_id, label in Judgment.objects.filter(
        inspection__programme=programme, question__graded=True, grade__isnull=False
    ).values_list("question_id", "grade__label"):
        spread[question_id][label] += 1
    return spread


def moderation_outstanding(inspection: Inspection) -> list[str]:
    """What moderation still owes before ``inspection``'s report may be approved: one line per graded
    question whose grade the panel has not settled (confirmed or set, at the grade it has now). Nothing
    when the programme does not require moderation."""
    if not inspection.programme.requires_moderation:
        return []
    judgments = (
        Judgment.objects.filter(inspection=inspection, question__graded=True, grade__isnull=False)
        .select_related("question")
        .order_by("question__number")
    )
    settled = set(
        ModerationDecision.objects.filter(judgment__inspection=inspection).values_list("judgment_id", "grade_after_id")
    )
    return [
        f"Moderation has not settled the grade for question {judgment.question.number}: {judgment.question.short_title}"  # type: ignore[union-attr]
        for judgment in judgments
        if (judgment.pk, judgment.grade_id) not in settled
    ]


def grades_of(programme: Programme) -> QuerySet[Grade]:
    return programme.scale.grades.order_by("rank")


# --- Retention -------------------------------------------------------------------------------------------


def inspections_past_retention(now: datetime.datetime) -> list[Inspection]:
    """Inspections whose report was first published more than their programme's ``retention_years`` ago
    and which still hold files or notes."""
    candidates = (
        Inspection.objects.filter(report__first_published_at__isnull=False)
        .filter(
            Q(evidence__files__removed_at__isnull=True, evidence__files__isnull=False)
            | Q(force_requests__answers__files__removed_at__isnull=True, force_requests__answers__files__isnull=False)
            | Q(evidence__notes__gt="")
        )
        .select_related("programme", "report")
        .distinct()
    )
    due = []
    for inspection in candidates:
        published = inspection.report.first_published_at
        years = inspection.programme.retention_years
        if published is not None and published <= now - datetime.timedelta(days=round(365.25 * years)):
            due.append(inspection)
    return due
