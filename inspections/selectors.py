"""Reads of the inspection domain that more than one place needs."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from inspections.models import Finding, FindingOutcome, Inspection

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
