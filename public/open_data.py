"""Reads for the public's data: the Atom feed, the downloadable files and the JSON API.

Every read here starts from ``publishing.selectors.published_reports`` (or ``live_editions``, or
``published_judgments`` and ``published_findings``, the live edition's copy of the record), the one
door to what the public may see: a report that is scheduled, approved, in review, a draft or withdrawn
contributes no entry, row or record, and an edition that has not gone live is not shown.
Each function takes ``now`` so that one request sees one moment, and reads in a number of queries
that does not grow with the number of rows.

The columns of the files are described here too (``JUDGMENT_COLUMNS``, ``FINDING_COLUMNS``), once:
the CSV header, the JSON keys and the data dictionary page at ``/data/`` all come from them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from inspections.models import Finding, Force, RecommendationUpdate
from publishing.models import Edition, EditionFinding, EditionJudgment
from publishing.selectors import (
    live_editions,
    published_findings,
    published_judgments,
    published_reports,
    withdrawn_reports,
)
from reports.models import Report

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

#: The most entries the Atom feed carries.
FEED_SIZE = 50


@dataclass(frozen=True)
class Column:
    """One column of a data file: its name (the CSV header and the JSON key), type and meaning."""

    name: str
    type: str
    description: str


_WHERE = [
    Column("force", "text", "The police force's current name, e.g. West Midlands Police."),
    Column(
        "force_slug",
        "text",
        "The force's stable identifier, as in /forces/<force_slug>/. Use it, not the name, to follow a force "
        "across years: a few forces were renamed.",
    ),
    Column("region", "text", "The force's region, e.g. West Midlands."),
    Column("country", "text", "England or Wales."),
    Column("programme", "text", "The inspection programme, e.g. PEEL: Police legitimacy 2016."),
    Column("programme_slug", "text", "The programme's stable identifier."),
    Column("year", "integer", "The programme's year."),
]
_REPORT = [
    Column("report_url", "URL", "The published report's page."),
    Column("published_on", "date (YYYY-MM-DD)", "The day the report was first published (UK time)."),
]

JUDGMENT_COLUMNS: list[Column] = [
    *_WHERE,
    Column(
        "scale",
        "text",
        "The identifier of the grading scale the programme used: peel-2014-2019 (outstanding, good, requires "
        "improvement, inadequate) or peel-2021 (which adds adequate).",
    ),
    Column(
        "subject",
        "text",
        "What was judged: overall (the pillar as a whole) or the number of the programme's question.",
    ),
    Column("pillar", "text", "The PEEL pillar: Effectiveness, Efficiency, Legitimacy or Leadership."),
    Column("question", "text", "The question asked; empty for an overall judgment."),
    Column("grade", "text", "The grade in words; empty where the question is not graded."),
    Column(
        "grade_rank",
        "integer",
        "The grade's place within its own scale, 1 being the best; empty where not graded. Compare ranks only "
        "within one scale, never across scales: requires improvement is 3 on the four-grade scale but 4 on the "
        "five-grade scale, where adequate is 3.",
    ),
    *_REPORT,
]

FINDING_COLUMNS: list[Column] = [
    Column(
        "id",
        "integer",
        "The finding's stable identifier (also used by the API's recommendations); empty for a finding deleted "
        "since its report's current edition, which stays here until a correction goes live.",
    ),
    *_WHERE,
    Column("question", "integer", "The number of the programme's question the finding belongs to; empty for none."),
    Column(
        "kind",
        "text",
        "afi (area for improvement), cause (cause of concern), recommendation or notable (notable practice).",
    ),
    Column("text", "text", "The finding as published."),
    Column("accelerated", "true or false", "For a cause of concern: raised early, before the report."),
    Column(
        "status",
        "text",
        "For a recommendation: awaiting (awaiting review), progressing (being progressed) or complete; empty "
        "for other kinds. It is kept up to date after publication.",
    ),
    Column("deadline", "date (YYYY-MM-DD)", "For a recommendation: when it must be done by; empty if none."),
    Column("cause_of_concern_id", "integer", "For a recommendation: the id of the cause of concern it answers."),
    Column("cause_of_concern", "text", "For a recommendation: the text of the cause of concern it answers."),
    *_REPORT,
]


def report_url(slug: str) -> str:
    """The absolute address of a published report's page (``SITE_URL`` and its path)."""
    return settings.SITE_URL + reverse("public:report", kwargs={"slug": slug})


def pdf_url(slug: str, number: int) -> str:
    return settings.SITE_URL + reverse("public:edition_pdf", kwargs={"slug": slug, "number": number})


def published_on(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


# --- The feed ---------------------------------------------------------------------------------


def feed_withdrawals(*, welsh: bool = False) -> QuerySet[Report]:
    """Reports withdrawn after publication, newest first, at most ``FEED_SIZE``: in Welsh, those with a
    Welsh page. One query."""
    withdrawn = withdrawn_reports().exclude(withdrawn_at=None)
    if welsh:
        withdrawn = withdrawn.exclude(slug_cy=None)
    return withdrawn.order_by("-withdrawn_at")[:FEED_SIZE]


def feed_editions(*, now: datetime.datetime, welsh: bool = False) -> QuerySet[Edition]:
    """Live editions of published reports, newest first, at most ``FEED_SIZE``: a first edition is a
    publication, a later one a correction. With ``welsh``, only those published in Welsh. One query."""
    editions = Edition.objects.live(now).filter(bilingual=True) if welsh else Edition.objects.live(now)
    return (
        editions.filter(report__in=published_reports(now=now))
        .select_related(
            "revision",
            "report__inspection__force",
            "report__inspection__programme",
            "report__inspection__lead_inspector",
        )
        .order_by("-published_at", "-number", "-pk")[:FEED_SIZE]
    )


# --- Findings -------------------------------------------------------------------------------


#: Findings in the order the working record gives them: by kind, order, then the working finding's id
#: (the copies' own ids follow the order they were copied in, causes first). A finding deleted since its
#: edition, whose copy has no working finding, comes last of its kind and order.
_FINDING_ORDER = ("kind", "order", F("finding_id").asc(nulls_last=True), "pk")


if TYPE_CHECKING:

    class LiveStatus(TypedDict):
        live_status: str

    #: A published finding with its recommendation status as it stands now (``live_status``).
    PublicFinding = WithAnnotations[EditionFinding, LiveStatus]


def public_findings(*, now: datetime.datetime | None = None) -> QuerySet[PublicFinding]:
    """The findings the public sees (``reports.selectors.published_findings``: the live edition's copy),
    each with its working finding and ``live_status``: a recommendation's status as it stands now, read
    from the working finding, or the copy's when that was deleted. The text, deadline, cause and every
    other field are the copy's, and change only when a correction goes live; the status and the dated
    updates (``recommendation_updates``) follow the force's progress at once. Ids the public sees are
    the working finding's (``finding_id``, ``cause_of_concern__finding_id``): stable across editions."""
    return (
        published_findings(now=now)
        .select_related("finding")
        .annotate(live_status=Coalesce(F("finding__status"), F("status")))
    )


def recommendation_updates(finding: EditionFinding) -> list[RecommendationUpdate]:
    """The dated updates of a published recommendation, oldest first: its working finding's (prefetch
    ``finding__updates``), none when that was deleted."""
    return list(finding.finding.updates.all()) if finding.finding is not None else []


# --- The files --------------------------------------------------------------------------------

_WHERE_FIELDS = {
    "force": "inspection__force__name",
    "force_slug": "inspection__force__slug",
    "region": "inspection__force__region",
    "country": "inspection__force__country",
    "programme": "inspection__programme__name",
    "programme_slug": "inspection__programme__slug",
    "year": "inspection__programme__year",
}
_ORDER = ("inspection__programme__year", "inspection__programme__slug", "inspection__force__name")


def _where(row: dict[str, Any]) -> dict[str, Any]:
    return {column: row[field] for column, field in _WHERE_FIELDS.items()}


def _report(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "report_url": report_url(row["inspection__report__slug"]),
        "published_on": published_on(row["inspection__report__first_published_at"]),
    }


def judgment_rows(*, now: datetime.datetime) -> Iterator[dict[str, Any]]:
    """Every judgment of every published report's inspection, as dicts keyed by ``JUDGMENT_COLUMNS``
    (``None`` where a value is empty), by year, programme, force, then overall before questions.
    One query, streamed in chunks."""
    rows = (
        published_judgments(now=now)
        .order_by(*_ORDER, F("question__number").asc(nulls_first=True), "pillar__order")
        .values(
            *_WHERE_FIELDS.values(),
            "inspection__programme__scale__slug",
            "question__number",
            "question__text",
            "question__pillar__name",
            "pillar__name",
            "grade__label",
            "grade__rank",
            "inspection__report__slug",
            "inspection__report__first_published_at",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        number = row["question__number"]
        yield {
            **_where(row),
            "scale": row["inspection__programme__scale__slug"],
            "subject": "overall" if number is None else str(number),
            "pillar": row["pillar__name"] or row["question__pillar__name"],
            "question": row["question__text"],
            "grade": row["grade__label"],
            "grade_rank": row["grade__rank"],
            **_report(row),
        }


def finding_rows(*, now: datetime.datetime) -> Iterator[dict[str, Any]]:
    """Every finding of every published report's current edition, as the edition published it, as dicts
    keyed by ``FINDING_COLUMNS`` (``None`` where a value is empty), by year, programme, force, kind and
    order; a recommendation's status is live (``public_findings``). One query, streamed in chunks."""
    rows = (
        public_findings(now=now)
        .order_by(*_ORDER, *_FINDING_ORDER)
        .values(
            "finding_id",
            *_WHERE_FIELDS.values(),
            "question__number",
            "kind",
            "text",
            "accelerated",
            "live_status",
            "deadline",
            "cause_of_concern__finding_id",
            "cause_of_concern__text",
            "inspection__report__slug",
            "inspection__report__first_published_at",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "id": row["finding_id"],
            **_where(row),
            "question": row["question__number"],
            "kind": row["kind"],
            "text": row["text"],
            "accelerated": row["accelerated"],
            "status": row["live_status"] or None,
            "deadline": row["deadline"],
            "cause_of_concern_id": row["cause_of_concern__finding_id"],
            "cause_of_concern": row["cause_of_concern__text"],
            **_report(row),
        }


# --- The API ----------------------------------------------------------------------------------


def api_reports(*, now: datetime.datetime) -> QuerySet[Report]:
    """Published reports, newest first (then by force), with their force, programme and lead."""
    return published_reports(now=now).order_by("-first_published_at", "inspection__force__name", "pk")


def api_report(*, slug: str, now: datetime.datetime) -> Report | None:
    """The published report with ``slug``, or ``None`` when the public may not see it."""
    return published_reports(now=now).select_related("inspection__programme__scale").filter(slug=slug).first()


def report_judgments(report: Report, *, now: datetime.datetime | None = None) -> list[EditionJudgment]:
    """The report's judgments: each pillar's overall judgment, then each question's. One query."""
    return list(
        published_judgments(now=now)
        .filter(inspection_id=report.inspection_id)
        .select_related("pillar", "question__pillar", "grade")
        .order_by(F("question__number").asc(nulls_first=True), "pillar__order")
    )


def report_findings(report: Report, *, now: datetime.datetime | None = None) -> list[PublicFinding]:
    """The report's findings as its current edition published them (``public_findings``), with each
    recommendation's cause and dated updates. Two queries."""
    return list(
        public_findings(now=now)
        .filter(inspection_id=report.inspection_id)
        .select_related("question", "cause_of_concern")
        .prefetch_related("finding__updates")
        .order_by(*_FINDING_ORDER)
    )


def report_editions(report: Report, *, now: datetime.datetime) -> list[Edition]:
    """The report's live editions, newest first. One query."""
    return list(live_editions(report, now=now))


def api_forces(*, now: datetime.datetime) -> QuerySet[Force]:
    """Every force, each with the number of its published reports. One query."""
    return Force.objects.annotate(
        published=Count("inspections__report", filter=Q(inspections__report__in=published_reports(now=now)))
    ).order_by("name")


def force_reports(force: Force, *, now: datetime.datetime) -> tuple[list[Report], dict[int, list[EditionJudgment]]]:
    """The force's published reports, oldest first, and their judgments by inspection id. Two queries."""
    reports = list(
        published_reports(now=now)
        .filter(inspection__force=force)
        .select_related("inspection__programme__scale")
        .order_by("inspection__programme__year", "inspection__programme__slug")
    )
    judgments: dict[int, list[EditionJudgment]] = {report.inspection_id: [] for report in reports}
    for judgment in (
        published_judgments(now=now)
        .filter(inspection_id__in=list(judgments))
        .select_related("pillar", "question__pillar", "grade")
        .order_by("inspection_id", F("question__number").asc(nulls_first=True), "pillar__order")
    ):
        judgments[judgment.inspection_id].append(judgment)
    return reports, judgments


def api_recommendations(*, now: datetime.datetime, status: str = "") -> QuerySet[PublicFinding]:
    """The recommendations of published reports as their current editions published them
    (``public_findings``; optionally those whose live status is ``status``), newest programme first,
    with what they answer and their dated updates (prefetched: one more query)."""
    recommendations = public_findings(now=now).filter(kind=Finding.Kind.RECOMMENDATION)
    if status:
        recommendations = recommendations.filter(live_status=status)
    return (
        recommendations.select_related(
            "inspection__force", "inspection__programme", "inspection__report", "cause_of_concern"
        )
        .prefetch_related("finding__updates")
        .order_by(
            "-inspection__programme__year",
            "inspection__programme__slug",
            "inspection__force__name",
            "order",
            F("finding_id").asc(nulls_last=True),
            "pk",
        )
    )
