"""Reads of publishing: the one door to what the public may see (every public page, file, feed, export
and API goes through ``published`` and the functions built on it), and the authors of a correction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from publishing.models import Edition, EditionFinding, EditionJudgment, PressRelease
from reports.models import Report, ReportEvent, ReportState
from reports.translations import is_bilingual, welsh_now


def authors_since(report: Report, edition: Edition) -> set[int]:
    """Ids of everyone who changed the report's text or record since ``edition`` was frozen: the
    authors of a correction, whom the two-person rule keeps from publishing it."""
    revisions = report.revisions.filter(number__gt=edition.revision.number)
    record = ReportEvent.objects.filter(
        inspection_id=report.inspection_id, record_change=True, actor__isnull=False, at__gt=edition.created_at
    )
    return set(revisions.values_list("author_id", flat=True)) | set(record.values_list("actor_id", flat=True))


# --- What the public may see: the one door every public page, file, feed and export goes through ---


def published(now: datetime.datetime, *, through: str = "") -> Q:
    """The rule of the door: a report the public may read is published and has gone live by ``now``.
    ``through`` is the path to the report from another model (``"report__"`` from an edition)."""
    return Q(**{f"{through}state": ReportState.PUBLISHED, f"{through}first_published_at__lte": now})


def published_reports(*, now: datetime.datetime | None = None) -> QuerySet[Report]:
    """Reports the public may read: published, with an edition that has gone live. Nothing scheduled,
    approved or withdrawn passes, whatever its URL."""
    now = now or timezone.now()
    live = Edition.objects.live(now).filter(report=OuterRef("pk"))
    return (
        Report.objects.filter(published(now))
        .filter(Exists(live))
        .select_related("inspection__force", "inspection__programme", "inspection__lead_inspector")
        .defer("search_text", "search_text_cy")  # found by, never shown
    )


def withdrawn_reports() -> QuerySet[Report]:
    """Reports withdrawn after publication: the public sees their notice and reason only."""
    return Report.objects.filter(state=ReportState.WITHDRAWN, first_published_at__isnull=False).select_related(
        "inspection__force", "inspection__programme"
    )


def live_editions(report: Report, *, now: datetime.datetime | None = None) -> QuerySet[Edition]:
    """The report's editions that have gone live, newest first."""
    now = now or timezone.now()
    return report.editions.live(now).select_related("revision").order_by("-number")


#: What the report's page shows of its editions, the report, its force and its programme; nothing
#: else is read (the query-count test catches a field read but not listed here).
REPORT_PAGE_FIELDS = (
    "number",
    "published_at",
    "change_note",
    "render_status",
    "pdf",
    "pdf_size",
    "pdf_pages",
    "glance_html",
    "body_html",
    "revision_id",
    "report__slug",
    "report__state",
    "report__first_published_at",
    "report__last_updated_at",
    "report__pcc_response_file",
    "report__pcc_response_url",
    "report__pcc_response_recorded_at",
    "report__inspection__force__name",
    "report__inspection__force__slug",
    "report__inspection__force__former_name",
    "report__inspection__force__renamed_on",
    "report__inspection__programme__name",
    "report__inspection__programme__slug",
    "report__inspection__programme__year",
    "bilingual",
    "report__slug_cy",
    "overall_text",
)
#: What a Welsh page reads besides: the edition's Welsh, and the Welsh names.
REPORT_PAGE_WELSH_FIELDS = (
    "change_note_cy",
    "pdf_cy",
    "pdf_cy_size",
    "pdf_cy_pages",
    "glance_html_cy",
    "body_html_cy",
    "overall_text_cy",
    "report__inspection__force__name_cy",
    "report__inspection__programme__name_cy",
)


def published_report_editions(slug: str, *, welsh: bool = False, now: datetime.datetime | None = None) -> list[Edition]:
    """The live editions of the published report at ``slug`` (its Welsh slug if ``welsh``), newest first,
    each with its report (and the report's inspection, force and programme) and ``has_press_release``,
    in one query; empty when no published report has that slug. For the report's public page."""

    now = now or timezone.now()
    return list(
        # Live editions of a report that passes the door's rule: an edition of its own is live, so the
        # door's other condition holds by construction.
        Edition.objects.live(now)
        .filter(published(now, through="report__"), **{"report__slug_cy" if welsh else "report__slug": slug})
        .select_related("report__inspection__force", "report__inspection__programme")
        .only(*REPORT_PAGE_FIELDS, *(REPORT_PAGE_WELSH_FIELDS if welsh else ()))
        .annotate(has_press_release=Exists(PressRelease.objects.filter(report=OuterRef("report"))))
        .order_by("-number")
    )


def current_editions(*, now: datetime.datetime | None = None) -> QuerySet[Edition]:
    """Each published report's current edition: its newest live one."""
    now = now or timezone.now()
    newer = Edition.objects.live(now).filter(report=OuterRef("report"), number__gt=OuterRef("number"))
    return Edition.objects.live(now).filter(published(now, through="report__")).exclude(Exists(newer))


def published_findings(*, now: datetime.datetime | None = None) -> QuerySet[EditionFinding]:
    """The findings the public sees: those of each published report's current edition, as it published
    them. Same fields as ``Finding``; ``finding`` is the working finding, whose recommendation status and
    dated updates stay live."""
    return EditionFinding.objects.filter(edition__in=current_editions(now=now))


def published_judgments(*, now: datetime.datetime | None = None) -> QuerySet[EditionJudgment]:
    """The judgments the public sees: those of each published report's current edition, as it
    published them. Same fields as ``Judgment`` (``inspection``, ``pillar``, ``question``, ``grade``)."""
    return EditionJudgment.objects.filter(edition__in=current_editions(now=now))


#: Where the publication sweep records when it last ran, in the shared cache (every machine reads it).
LAST_SWEEP_KEY = "publication:last-sweep"


@dataclass(frozen=True)
class SchedulerStatus:
    """Whether go-lives happen: when the sweep last ran, and the go-lives that are overdue."""

    seconds_since_sweep: float | None  # None when no sweep is on record
    overdue: int  # scheduled reports whose moment has passed
    most_overdue_seconds: float | None  # how long the oldest of them is overdue


def scheduler_status(*, now: datetime.datetime) -> SchedulerStatus:
    """One query and one cache read."""
    last = cache.get(LAST_SWEEP_KEY)
    due = Report.objects.filter(state=ReportState.SCHEDULED, go_live_at__lte=now).aggregate(
        count=Count("pk"), oldest=Min("go_live_at")
    )
    oldest = due["oldest"]
    return SchedulerStatus(
        seconds_since_sweep=round(now.timestamp() - float(last), 1) if last is not None else None,
        overdue=due["count"],
        most_overdue_seconds=round((now - oldest).total_seconds(), 1) if oldest is not None else None,
    )


def unpublished_changes(report: Report) -> str:
    """For a published report, what has changed since its live edition and is not yet public (its text,
    its record, or both), as a phrase; "" when the public sees what the report says now."""
    if report.state != ReportState.PUBLISHED:
        return ""
    live = report.editions.filter(published_at__isnull=False).order_by("-number").select_related("revision").first()
    if live is None:
        return ""
    changed = []
    if report.version != live.revision.number:
        changed.append(f"its text (revisions {live.revision.number + 1} to {report.version})")
    if live.record_version is not None and report.record_version != live.record_version:
        changed.append("its judgments or findings")
    if is_bilingual(report) and live.welsh != welsh_now(report):
        changed.append("its Welsh")
    return " and ".join(changed)
