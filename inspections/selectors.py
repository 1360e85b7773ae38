"""Reads of the inspection domain that more than one place needs."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from inspections.evidence import CaseFileAnswer, CaseFileAudit, ChecklistMeasure
from inspections.models import Finding, FindingOutcome, Inspection, Programme, Question
from inspections.statistics import Rate, rate

#: The kinds of finding that stay open until a later inspection says what became of them.
FOLLOWED_UP_KINDS = (
    Finding.Kind.AREA_FOR_IMPROVEMENT,
    Finding.Kind.CAUSE_OF_CONCERN,
    Finding.Kind.RECOMMENDATION,
)


def earlier_open_findings(*, inspection: Inspection) -> QuerySet[Finding]:
    """The force's findings from earlier inspections that were still open when ``inspection`` began.

    A finding is closed once an inspection before this one recorded it as addressed or superseded,
    or, for a recommendation, once its status is complete. Findings this inspection has already
    recorded an outcome for are included, so that the list is the same before and after.
    """
    closed_before = FindingOutcome.objects.filter(
        finding=OuterRef("pk"),
        outcome__in=(FindingOutcome.Outcome.ADDRESSED, FindingOutcome.Outcome.SUPERSEDED),
        inspection__programme__year__lt=inspection.programme.year,
    )
    return (
        Finding.objects.filter(
            inspection__force_id=inspection.force_id,
            inspection__programme__year__lt=inspection.programme.year,
            kind__in=FOLLOWED_UP_KINDS,
        )
        .exclude(Exists(closed_before))
        .exclude(Q(kind=Finding.Kind.RECOMMENDATION) & Q(status=Finding.RecommendationStatus.COMPLETE))
        .select_related("inspection__programme", "inspection__force")
        .order_by("inspection__programme__year", "kind", "order", "pk")
    )


def earlier_findings_without_outcome(*, inspection: Inspection) -> QuerySet[Finding]:
    """Earlier open findings for which ``inspection`` has not yet recorded an outcome."""
    recorded = FindingOutcome.objects.filter(inspection=inspection, finding=OuterRef("pk"))
    return earlier_open_findings(inspection=inspection).exclude(Exists(recorded))


# --- Case-file audits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRate:
    measure: ChecklistMeasure
    rate: Rate
    not_applicable: int


def audit_rates(audit: CaseFileAudit) -> list[MeasureRate]:
    """Each checklist measure's rate (met of met and not met) in the audit's sample, with its 95% Wilson
    interval and how many files it did not apply to."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for measure_id, answer in CaseFileAnswer.objects.filter(case_file__audit=audit).values_list("measure_id", "answer"):
        counts[measure_id][answer] += 1
    return _rates(list(audit.evidence.inspection.programme.checklist.all()), counts)


def audits_of_programme(programme: Programme) -> dict[int, list[tuple[CaseFileAudit, list[MeasureRate]]]]:
    """Every case-file audit of the programme's inspections with its rates, by inspection, in three queries
    (for the moderation table, which shows every force's)."""
    measures = list(programme.checklist.all())
    audits = list(
        CaseFileAudit.objects.filter(evidence__inspection__programme=programme)
        .select_related("evidence")
        .order_by("pk")
    )
    counts: dict[int, dict[int, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for audit_id, measure_id, answer, n in (
        CaseFileAnswer.objects.filter(case_file__audit__in=audits)
        .values_list("case_file__audit_id", "measure_id", "answer")
        .annotate(n=Count("pk"))
    ):
        counts[audit_id][measure_id][answer] += n
    by_inspection: dict[int, list[tuple[CaseFileAudit, list[MeasureRate]]]] = defaultdict(list)
    for audit in audits:
        by_inspection[audit.evidence.inspection_id].append((audit, _rates(measures, counts[audit.pk])))
    return by_inspection


def _rates(measures: list[ChecklistMeasure], counts: dict[int, Counter[str]]) -> list[MeasureRate]:
    results = []
    for measure in measures:
        tally = counts[measure.pk]
        met, not_met = tally[CaseFileAnswer.Answer.MET], tally[CaseFileAnswer.Answer.NOT_MET]
        results.append(
            MeasureRate(
                measure=measure,
                rate=rate(met, met + not_met),
                not_applicable=tally[CaseFileAnswer.Answer.NOT_APPLICABLE],
            )
        )
    return results


def case_file_audits_with_rates(
    inspection: Inspection, question: Question | None = None
) -> list[tuple[CaseFileAudit, list[MeasureRate]]]:
    """The inspection's case-file audits (those bearing on ``question``, if given), each with its rates."""
    audits = CaseFileAudit.objects.filter(evidence__inspection=inspection).select_related(
        "evidence__inspection__programme"
    )
    if question is not None:
        audits = audits.filter(evidence__questions=question)
    return [(audit, audit_rates(audit)) for audit in audits.order_by("pk")]


def about_the_data(inspection: Inspection) -> list[dict[str, Any]]:
    """The case-file audits the team chose to show in the report's "About the data", as plain data for the
    page and the PDF (and for an edition to keep as it was when frozen): each audit's title, how many
    files, and each measure's rate with its 95% interval, in whole percentages (as English text, and as numbers
    for a Welsh edition to say in Welsh), with their Welsh. Never a file's reference."""
    rows = []
    for audit, rates in case_file_audits_with_rates(inspection):
        if not audit.in_about_the_data:
            continue
        rows.append(
            {
                "title": audit.title,
                "title_cy": audit.title_cy,
                "files": audit.case_files.count(),
                "measures": [
                    {
                        "text": item.measure.text,
                        "text_cy": item.measure.text_cy,
                        "met": f"{round(100 * item.rate.successes / item.rate.trials)}% ({item.rate.successes} of {item.rate.trials})",
                        "interval": f"{round(100 * item.rate.low)}% to {round(100 * item.rate.high)}%",
                        "percent": round(100 * item.rate.successes / item.rate.trials),
                        "successes": item.rate.successes,
                        "trials": item.rate.trials,
                        "low": round(100 * item.rate.low),
                        "high": round(100 * item.rate.high),
                    }
                    for item in rates
                    if item.rate.trials
                ],
            }
        )
    return rows
