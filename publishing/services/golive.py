"""Scheduling and going live: the embargo. Reports go live at their moment, all of a moment together or
none, once every PDF is ready; corrections go live once theirs is."""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from inspections.models import Programme
from inspectorate.celery import enqueue_on_commit
from inspectorate.site_version import site_changed_on_commit
from notifications import recipients
from notifications.kinds import Kind
from publishing.models import Edition
from publishing.selectors import LAST_SWEEP_KEY
from reports import notices, search
from reports.audit import report_event
from reports.errors import WorkflowError
from reports.models import Report, ReportState
from reports.services import report_lock

if TYPE_CHECKING:
    from accounts.models import User
from publishing.services.editions import (
    SWEEP_TASK,
    edition_prepare,
    editions_fill_html,
    editions_lost,
    enqueue_render,
    require_editor,
)
from publishing.services.press import press_release_draft

logger = logging.getLogger(__name__)


def report_schedule(*, report: Report, actor: User, go_live_at: datetime.datetime, prompt: bool = True) -> Report:
    """Schedule the approved report to go live at ``go_live_at`` (in the future). Its PDF starts
    rendering now, so that it is ready and checked well before."""
    require_editor(actor)
    if go_live_at <= timezone.now():
        raise ValidationError("The go-live time must be in the future", code="past")
    with transaction.atomic():
        report = report_lock(report)
        if report.state == ReportState.SCHEDULED:
            report.go_live_at = go_live_at
            report.publication_requested_by = actor
            report.save(update_fields=["go_live_at", "publication_requested_by"])
            event = report_event(
                report,
                actor,
                "Go-live moved",
                revision=report.approved_revision,
                reason=f"{timezone.localtime(go_live_at):%d %B %Y %H:%M}",
            )
            notices.scheduled(report, event, actor, go_live_at)
            site_changed_on_commit()  # the home page's "Coming up" dates
            if prompt:
                enqueue_sweep_at(go_live_at)
            return report
        if not can_proceed(report.schedule):
            raise WorkflowError(
                f"The report is {report.get_state_display().lower()}: only an approved report is scheduled"
            )
        from_state = report.state
        edition = edition_prepare(report=report, actor=actor)
        press_release_draft(report=report)
        report.schedule()
        report.go_live_at = go_live_at
        report.publication_requested_by = actor
        report.publish_problem = ""
        report.save(update_fields=["state", "go_live_at", "publication_requested_by", "publish_problem"])
        event = report_event(
            report,
            actor,
            "Scheduled",
            from_state,
            revision=edition.revision,
            edition_number=edition.number,
            reason=f"Go-live {timezone.localtime(go_live_at):%d %B %Y %H:%M}",
        )
        notices.scheduled(report, event, actor, go_live_at)
        site_changed_on_commit()
        if prompt:
            enqueue_sweep_at(go_live_at)
    return report


def programme_schedule(*, programme: Programme, actor: User, go_live_at: datetime.datetime) -> list[Report]:
    """Schedule every approved (or already scheduled) report of ``programme`` for one go-live moment,
    in one transaction. Reports not yet approved are left out, and listed by ``programme_readiness``."""
    require_editor(actor)
    if go_live_at <= timezone.now():
        raise ValidationError("The go-live time must be in the future", code="past")
    with transaction.atomic():
        reports = list(
            Report.objects.select_for_update()
            .filter(inspection__programme=programme, state__in=(ReportState.APPROVED, ReportState.SCHEDULED))
            .order_by("pk")
        )
        if not reports:
            raise ValidationError("No report of this programme is approved yet", code="none_approved")
        scheduled = [
            report_schedule(report=report, actor=actor, go_live_at=go_live_at, prompt=False) for report in reports
        ]
        enqueue_sweep_at(go_live_at)  # one prompt sweep for the whole moment
        return scheduled


def reports_schedule(*, reports: Sequence[Report], actor: User, go_live_at: datetime.datetime) -> list[Report]:
    """Schedule the reports an editor selected for one go-live moment, in one transaction: all of them
    or, if any is not approved (or is scheduled for another moment), none, with a message naming each."""
    require_editor(actor)
    if go_live_at <= timezone.now():
        raise ValidationError("The go-live time must be in the future", code="past")
    if not reports:
        raise ValidationError("Select at least one report to schedule", code="none_selected")
    with transaction.atomic():
        locked = list(
            Report.objects.select_for_update()
            .filter(pk__in=[report.pk for report in reports])
            .select_related("inspection__force", "inspection__programme")
            .order_by("pk")
        )
        problems = []
        for r in locked:
            if r.state == ReportState.SCHEDULED and r.go_live_at != go_live_at:
                assert r.go_live_at is not None
                problems.append(
                    f"{r.inspection.force_name} is already scheduled for "
                    f"{timezone.localtime(r.go_live_at):%H:%M on %-d %B %Y}: move it on its publication page"
                )
            elif r.state not in (ReportState.APPROVED, ReportState.SCHEDULED):
                problems.append(
                    f"{r.inspection.force_name} is {r.get_state_display().lower()}: only approved reports can be scheduled"
                )
        if problems:
            raise ValidationError(problems, code="not_approved")
        scheduled = [report_schedule(report=r, actor=actor, go_live_at=go_live_at, prompt=False) for r in locked]
        enqueue_sweep_at(go_live_at)
    return scheduled


def report_unschedule(*, report: Report, actor: User) -> Report:
    require_editor(actor)
    with transaction.atomic():
        report = report_lock(report)
        if not can_proceed(report.unschedule):
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it is not scheduled")
        from_state = report.state
        report.unschedule()
        report.go_live_at = None
        report.publish_problem = ""
        report.save(update_fields=["state", "go_live_at", "publish_problem"])
        report_event(report, actor, "Taken off the schedule", from_state, revision=report.approved_revision)
        site_changed_on_commit()
    return report


def report_publish_now(*, report: Report, actor: User) -> Report:
    """ "Publish now": schedule for this moment. The report goes live as soon as its PDF is ready and
    checked, through the same path as a scheduled one (so nothing half-ready is ever public)."""
    require_editor(actor)
    with transaction.atomic():
        report = report_lock(report)
        now = timezone.now()
        from_state = report.state
        if report.state == ReportState.APPROVED:
            press_release_draft(report=report)
            report.schedule()
        elif report.state != ReportState.SCHEDULED:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it cannot be published now")
        edition = edition_prepare(report=report, actor=actor)
        report.go_live_at = now
        report.publication_requested_by = actor
        report.save(update_fields=["state", "go_live_at", "publication_requested_by"])
        report_event(report, actor, "Publish now", from_state, revision=edition.revision, edition_number=edition.number)
        site_changed_on_commit()
        enqueue_sweep_at(None)
    return report


def enqueue_sweep_at(moment: datetime.datetime | None) -> None:
    """Ask for a sweep at ``moment`` (or now). The periodic sweep would get there anyway; this makes
    the go-live prompt. A broker that is down only loses the head start."""
    enqueue_on_commit(SWEEP_TASK, eta=moment)


def _publish_group(go_live_at: datetime.datetime, report_ids: list[int]) -> list[Report]:
    """Publish every report due at ``go_live_at`` together, or none of them. Returns those published."""
    now = timezone.now()
    with transaction.atomic():
        locked = list(
            # of=("self",): lock the reports only (the lead inspector is an outer join, which cannot be locked).
            Report.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=report_ids, state=ReportState.SCHEDULED, go_live_at=go_live_at, go_live_at__lte=now)
            .select_related("inspection__force", "inspection__programme", "inspection__lead_inspector")
            .order_by("pk")
        )
        if len(locked) != len(report_ids):
            return []  # another sweeper holds some of them, or one moved: leave the group for the next sweep
        editions = {
            e.report_id: e for e in Edition.objects.pending().filter(report__in=locked).select_related("revision")
        }
        not_ready = [
            r for r in locked if r.pk not in editions or editions[r.pk].render_status != Edition.RenderStatus.READY
        ]
        if not_ready:
            problem = "Due, but waiting for the PDF of: " + ", ".join(r.inspection.force_name for r in not_ready[:10])
            if len(not_ready) > 10:
                problem += f" and {len(not_ready) - 10} more"
            Report.objects.filter(pk__in=report_ids).update(publish_problem=problem)
            for report in not_ready:
                edition = editions.get(report.pk)
                if edition is not None and edition.render_status != Edition.RenderStatus.FAILED:
                    enqueue_render(edition)
            return []
        events = []
        for report in locked:
            from_state = report.state
            report.publish()
            report.first_published_at = report.first_published_at or now
            report.publish_problem = ""
            report.save(update_fields=["state", "first_published_at", "publish_problem"])
            edition = editions[report.pk]
            edition.published_at = now
            edition.save(update_fields=["published_at"])
            search.index_report(report, edition.revision, edition.welsh.get("parts") if edition.bilingual else None)
            report.inspection.status = report.inspection.Status.PUBLISHED
            report.inspection.save(update_fields=["status"])
            event = report_event(
                report,
                report.publication_requested_by or edition.created_by,
                "Published",
                from_state,
                revision=edition.revision,
                edition_number=edition.number,
            )
            events.append((report, event))
        site_changed_on_commit()
    # Told after the moment's transaction, so that the go-live holds its locks no longer than it must.
    # A failure here costs the notice, never the publication.
    # One transaction for them all (a savepoint each), so that one task emails every notice.
    with transaction.atomic():
        for report, event in events:
            try:
                with transaction.atomic():
                    notices.published(report, event)
            except Exception:
                logger.exception("Could not tell the team of %s that it is published", report)
    return locked


def _publish_corrections() -> int:
    """Put live every correction whose PDF is ready (its edition was asked for by an editor)."""
    published = 0
    ready = (
        Edition.objects.pending()
        .filter(
            render_status=Edition.RenderStatus.READY,
            number__gt=1,
            report__state=ReportState.PUBLISHED,
        )
        .values_list("pk", "report_id")
    )
    for edition_id, report_id in ready:
        with transaction.atomic():
            # The report first, as every service that changes a report's editions locks it (a correction
            # asked for again, a withdrawal): none of them can replace or withdraw this edition meanwhile.
            report = (
                Report.objects.select_for_update(skip_locked=True)
                .filter(pk=report_id, state=ReportState.PUBLISHED)
                .first()
            )
            edition = Edition.objects.pending().select_for_update().filter(pk=edition_id).first()
            if report is None or edition is None or edition.render_status != Edition.RenderStatus.READY:
                continue
            now = timezone.now()
            edition.published_at = now
            edition.save(update_fields=["published_at"])
            report.last_updated_at = now
            report.save(update_fields=["last_updated_at"])
            search.index_report(report, edition.revision, edition.welsh.get("parts") if edition.bilingual else None)
            report_event(
                report,
                report.publication_requested_by or edition.created_by,
                "Correction published",
                revision=edition.revision,
                edition_number=edition.number,
                reason=edition.change_note,
            )
            site_changed_on_commit()
            published += 1
    return published


#: A scheduled report still not public this long after its moment is running late: editors are told.
LATE_AFTER = datetime.timedelta(minutes=2)


def go_lives_running_late(*, now: datetime.datetime) -> int:
    """Tell every editor, urgently, of each report still waiting this long after its go-live moment
    (a PDF not ready, a sweep that could not run). Once per report and moment."""
    late = Report.objects.filter(state=ReportState.SCHEDULED, go_live_at__lte=now - LATE_AFTER).select_related(
        "inspection__programme", "inspection__force"
    )
    told = 0
    with transaction.atomic():
        for report in late:
            assert report.go_live_at is not None
            told += bool(
                notices.tell(
                    report,
                    Kind.GO_LIVE_LATE,
                    to=recipients.editors(),
                    subject=f"{report.title} is late going live: it was due at {timezone.localtime(report.go_live_at):%H:%M}",
                    body=report.publish_problem or "It is scheduled, but not yet public.",
                    key=f"late:{report.pk}:{report.go_live_at.isoformat()}",
                    link=notices.report_path(report, "publishing:publication"),
                )
            )
    return told


def _record_sweep() -> None:
    """Note in the shared cache that a sweep ran, for /healthz/scheduler. A cache that cannot be reached
    costs the record, never the sweep."""
    try:
        cache.set(LAST_SWEEP_KEY, time.time(), timeout=None)
    except Exception:
        logger.warning("Could not record the publication sweep in the cache", exc_info=True)


def publication_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Find work the broker may have lost, and publish what is due. Safe to run at any time, often."""
    now = now or timezone.now()
    requeued = 0
    for edition in editions_lost(now=now):
        enqueue_render(edition)
        requeued += 1
    groups: dict[datetime.datetime, list[int]] = defaultdict(list)
    for pk, go_live_at in Report.objects.filter(state=ReportState.SCHEDULED, go_live_at__lte=now).values_list(
        "pk", "go_live_at"
    ):
        if go_live_at is not None:
            groups[go_live_at].append(pk)
    published = sum(len(_publish_group(moment, ids)) for moment, ids in sorted(groups.items()))
    corrections = _publish_corrections()
    go_lives_running_late(now=now)
    _record_sweep()
    return {
        "renders_requeued": requeued,
        "published": published,
        "corrections": corrections,
        "html_filled": editions_fill_html(),
    }
