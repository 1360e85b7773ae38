"""Publication: scheduling (the embargo), rendering PDFs, going live, corrections, withdrawal, press
releases and the Police and Crime Commissioner's response.

The database is the source of truth for what must be rendered and published; the broker only gets the
work done sooner. Every function here is safe to run twice and from two workers at once:

- ``edition_render`` renders outside any transaction, then keeps its file only if, under a row lock,
  the edition still has none (compare-and-set); a loser deletes its file. A worker killed mid-render
  leaves the edition "rendering", and the task (acknowledged late) or the sweep runs it again.
- ``publication_sweep`` re-finds pending renders and publishes every scheduled report whose go-live
  moment has come, one go-live moment at a time, all of its reports in one transaction, under row locks
  taken with ``skip_locked`` so that two sweepers never publish the same report.

Side effects (enqueueing tasks) happen on commit.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_fsm import can_proceed

from accounts import permissions
from inspections.models import Finding, Judgment, Programme
from inspectorate.celery import enqueue_on_commit
from inspectorate.site_version import site_changed_on_commit
from publishing import rendering
from publishing.models import Edition, EditionFinding, EditionJudgment, PressRelease
from publishing.selectors import authors_since
from reports import search
from reports.audit import event_record, field_changes, report_event
from reports.errors import WorkflowError
from reports.models import Report, ReportState
from reports.selectors import approval_problems, report_authors
from reports.services import clean_text, report_lock, review_mark

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

#: A render that started this long ago and never finished belongs to a worker that died.
STALE_RENDER = datetime.timedelta(minutes=10)
#: The tasks' names (``publishing.tasks``), by which services enqueue them.
RENDER_TASK = "publishing.tasks.edition_render_task"
SWEEP_TASK = "publishing.tasks.publication_sweep_task"
#: Automatic render attempts before an edition is left "failed" for an editor to retry.
MAX_RENDER_ATTEMPTS = 3


def _enqueue_render(edition: Edition) -> None:
    enqueue_on_commit(RENDER_TASK, edition.pk)


# --- Approval ----------------------------------------------------------------------------------


def report_approve(*, report: Report, actor: User, revision_number: int) -> Report:
    """An editor approves revision ``revision_number``, which must still be the latest.

    The two-person rule: nobody who wrote any revision up to it may approve it. The lead inspector
    must have signed off the judgments first.
    """
    if not permissions.can_review_report(actor, report):
        raise PermissionDenied("Only editors approve reports")
    with transaction.atomic():
        report = report_lock(report)
        if report.version != revision_number:
            raise WorkflowError("The report has changed since you reviewed it: review the latest revision")
        revision = report.revisions.get(number=revision_number)
        if not permissions.can_approve_report(actor, report, report_authors(report, up_to=revision_number)):
            raise PermissionDenied("You wrote part of this report, so someone else must approve it")
        if not can_proceed(report.approve):
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it cannot be approved")
        sign_off = [check.message for check in approval_problems(report)]
        if sign_off:
            raise ValidationError(sign_off, code="not_signed_off")
        from_state = report.state
        report.approve()
        report.approved_revision = revision
        report.save(update_fields=["state", "approved_revision", "updated_at"])
        report_event(report, actor, "Approved", from_state, revision=revision)
        review_mark(report=report, reviewer=actor, revision=revision)
        # Freeze the edition and render its PDF now, in the background, so that it is ready and checked
        # long before any go-live moment.
        edition_prepare(report=report, actor=actor)
    return report


# --- Editions and rendering -------------------------------------------------------------------


def edition_prepare(*, report: Report, actor: User, change_note: str = "") -> Edition:
    """The edition the report's approved revision (or, once published, latest revision) and its record
    as they stand will go out as: the moment the edition is frozen.

    Reuses an unpublished edition of the same revision and record version; otherwise makes the next
    edition with its own copy of the judgments and findings (``edition_snapshot_record``), taken here
    in the caller's transaction under the report's row lock, and asks for its PDF to be rendered from
    that copy. Called by approval, scheduling, "Publish now" and corrections (in their transaction).
    """
    revision = report.approved_revision if report.state != ReportState.PUBLISHED else report.latest_revision()
    if revision is None:
        raise WorkflowError("The report has no approved revision to publish")
    pending = report.editions.filter(published_at__isnull=True).order_by("-number").first()
    if pending is not None and pending.revision_id == revision.pk and pending.record_version == report.record_version:
        if change_note and pending.change_note != change_note:
            pending.change_note = change_note
            pending.save(update_fields=["change_note"])
        return pending
    if pending is not None:
        pending.delete()  # an unpublished edition of an older revision or record is of no use
    number = (report.editions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    edition = Edition.objects.create(
        report=report,
        number=number,
        revision=revision,
        record_version=report.record_version,
        change_note=change_note,
        created_by=actor,
    )
    edition_snapshot_record(edition)
    _enqueue_render(edition)
    return edition


def edition_go_live(edition: Edition) -> datetime.datetime:
    """When ``edition`` went or goes live, for its cover: its own moment once live; the report's go-live
    for a first edition still under embargo; now for a correction (it goes live once rendered)."""
    if edition.published_at is not None:
        return edition.published_at
    if edition.number == 1 and edition.report.go_live_at is not None:
        return edition.report.go_live_at
    return timezone.now()


def edition_render(*, edition_id: int) -> Edition | None:
    """Render the edition's PDF, check it, and store it under an unguessable name. Idempotent.

    Raises the rendering error after recording it on the edition (so that the task can retry); the
    edition then shows "Render failed" with the error to editors.
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().select_related("report", "revision").filter(pk=edition_id).first()
        if edition is None:
            return None  # replaced by a newer edition before its turn came: nothing to render
        if edition.render_status == Edition.RenderStatus.READY:
            return edition
        edition.render_status = Edition.RenderStatus.RENDERING
        edition.render_started_at = timezone.now()
        edition.render_attempts += 1
        edition.save(update_fields=["render_status", "render_started_at", "render_attempts"])
    report = edition.report
    try:
        rendered = rendering.render_report_pdf(
            report,
            edition.revision,
            edition=edition.number,
            published_on=timezone.localdate(edition_go_live(edition)),
            change_note=edition.change_note,
            record=edition,
        )
        check = rendering.check_pdf(rendered.content)
        if not (check.tagged and check.pdf_ua and check.pages == rendered.pages):
            raise ValueError(f"the PDF failed its checks: tagged={check.tagged}, PDF/UA={check.pdf_ua}")
        html = rendering.render_report_html(report, edition.revision, record=edition)
        digest = hashlib.sha256(rendered.content).hexdigest()
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=edition_id)
            if edition.render_status == Edition.RenderStatus.READY:
                return edition  # another worker finished first: keep theirs, store nothing
            # The file is written before the row names it: no reader can reach a half-written file.
            edition.pdf.save("report.pdf", ContentFile(rendered.content), save=False)
            edition.pdf_size = len(rendered.content)
            edition.pdf_pages = rendered.pages
            edition.pdf_sha256 = digest
            edition.glance_html, edition.body_html = html.glance, html.body
            edition.render_seconds = rendered.seconds
            edition.rendered_at = timezone.now()
            edition.render_status = Edition.RenderStatus.READY
            edition.render_error = ""
            edition.save()
    except Exception as error:
        # Rendering, checking or storing failed: say so to editors, and let the task retry.
        Edition.objects.filter(pk=edition_id).exclude(render_status=Edition.RenderStatus.READY).update(
            render_status=Edition.RenderStatus.FAILED, render_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    return edition


def edition_retry_render(*, edition: Edition, actor: User) -> Edition:
    """An editor asks again for a PDF that failed to render."""
    if not permissions.is_editor(actor):
        raise PermissionDenied("Only editors retry rendering")
    with transaction.atomic():
        updated = Edition.objects.filter(pk=edition.pk, render_status=Edition.RenderStatus.FAILED).update(
            render_status=Edition.RenderStatus.PENDING, render_error="", render_attempts=0
        )
        if updated:
            _enqueue_render(edition)
            report_event(
                edition.report,
                actor,
                "Rendering retried",
                revision=edition.revision,
                edition_number=edition.number,
            )
    edition.refresh_from_db()
    return edition


def editions_needing_render() -> QuerySet[Edition]:
    """Editions that should have, or be getting, a PDF and have no live render: pending, or stuck."""
    stale = timezone.now() - STALE_RENDER
    return Edition.objects.filter(
        Q(render_status=Edition.RenderStatus.PENDING)
        | Q(render_status=Edition.RenderStatus.RENDERING, render_started_at__lt=stale)
    ).exclude(report__state=ReportState.WITHDRAWN)


# --- Scheduling and going live -----------------------------------------------------------------


def _require_editor(actor: User) -> None:
    if not permissions.is_editor(actor):
        raise PermissionDenied("Only editors schedule and publish reports")


def report_schedule(*, report: Report, actor: User, go_live_at: datetime.datetime, prompt: bool = True) -> Report:
    """Schedule the approved report to go live at ``go_live_at`` (in the future). Its PDF starts
    rendering now, so that it is ready and checked well before."""
    _require_editor(actor)
    if go_live_at <= timezone.now():
        raise ValidationError("The go-live time must be in the future", code="past")
    with transaction.atomic():
        report = report_lock(report)
        if report.state == ReportState.SCHEDULED:
            report.go_live_at = go_live_at
            report.publication_requested_by = actor
            report.save(update_fields=["go_live_at", "publication_requested_by"])
            report_event(
                report,
                actor,
                "Go-live moved",
                revision=report.approved_revision,
                reason=f"{timezone.localtime(go_live_at):%d %B %Y %H:%M}",
            )
            site_changed_on_commit()  # the home page's "Coming up" dates
            if prompt:
                _enqueue_sweep_at(go_live_at)
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
        report_event(
            report,
            actor,
            "Scheduled",
            from_state,
            revision=edition.revision,
            edition_number=edition.number,
            reason=f"Go-live {timezone.localtime(go_live_at):%d %B %Y %H:%M}",
        )
        site_changed_on_commit()
        if prompt:
            _enqueue_sweep_at(go_live_at)
    return report


def programme_schedule(*, programme: Programme, actor: User, go_live_at: datetime.datetime) -> list[Report]:
    """Schedule every approved (or already scheduled) report of ``programme`` for one go-live moment,
    in one transaction. Reports not yet approved are left out, and listed by ``programme_readiness``."""
    _require_editor(actor)
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
        _enqueue_sweep_at(go_live_at)  # one prompt sweep for the whole moment
        return scheduled


def report_unschedule(*, report: Report, actor: User) -> Report:
    _require_editor(actor)
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
    _require_editor(actor)
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
        _enqueue_sweep_at(None)
    return report


def _enqueue_sweep_at(moment: datetime.datetime | None) -> None:
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
            e.report_id: e
            for e in Edition.objects.filter(report__in=locked, published_at__isnull=True).select_related("revision")
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
                    _enqueue_render(edition)
            return []
        for report in locked:
            from_state = report.state
            report.publish()
            report.first_published_at = report.first_published_at or now
            report.publish_problem = ""
            report.save(update_fields=["state", "first_published_at", "publish_problem"])
            edition = editions[report.pk]
            edition.published_at = now
            edition.save(update_fields=["published_at"])
            search.index_report(report, edition.revision)
            report.inspection.status = report.inspection.Status.PUBLISHED
            report.inspection.save(update_fields=["status"])
            report_event(
                report,
                report.publication_requested_by or edition.created_by,
                "Published",
                from_state,
                revision=edition.revision,
                edition_number=edition.number,
            )
        site_changed_on_commit()
        return locked


def _publish_corrections() -> int:
    """Put live every correction whose PDF is ready (its edition was asked for by an editor)."""
    published = 0
    ready = Edition.objects.filter(
        published_at__isnull=True,
        render_status=Edition.RenderStatus.READY,
        number__gt=1,
        report__state=ReportState.PUBLISHED,
    ).values_list("pk", flat=True)
    for edition_id in ready:
        with transaction.atomic():
            edition = (
                Edition.objects.select_for_update(skip_locked=True)
                .filter(pk=edition_id, published_at__isnull=True)
                .first()
            )
            if edition is None:
                continue
            now = timezone.now()
            edition.published_at = now
            edition.save(update_fields=["published_at"])
            report = edition.report
            report.last_updated_at = now
            report.save(update_fields=["last_updated_at"])
            search.index_report(report, edition.revision)
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


def publication_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Find work the broker may have lost, and publish what is due. Safe to run at any time, often."""
    now = now or timezone.now()
    requeued = 0
    for edition in editions_needing_render():
        _enqueue_render(edition)
        requeued += 1
    groups: dict[datetime.datetime, list[int]] = defaultdict(list)
    for pk, go_live_at in Report.objects.filter(state=ReportState.SCHEDULED, go_live_at__lte=now).values_list(
        "pk", "go_live_at"
    ):
        if go_live_at is not None:
            groups[go_live_at].append(pk)
    published = sum(len(_publish_group(moment, ids)) for moment, ids in sorted(groups.items()))
    corrections = _publish_corrections()
    return {
        "renders_requeued": requeued,
        "published": published,
        "corrections": corrections,
        "html_filled": editions_fill_html(),
    }


def edition_snapshot_record(edition: Edition) -> None:
    """Copy the inspection's judgments and findings as they are now onto ``edition``: what its PDF and
    page show, and what the public lists, data and API read once it goes live. Call in the transaction
    that freezes the edition, under the report's row lock."""
    inspection_id = edition.report.inspection_id
    EditionJudgment.objects.filter(edition=edition).delete()
    EditionFinding.objects.filter(edition=edition).delete()
    EditionJudgment.objects.bulk_create(
        EditionJudgment(
            edition=edition,
            inspection_id=inspection_id,
            pillar_id=judgment.pillar_id,
            question_id=judgment.question_id,
            grade_id=judgment.grade_id,
            narrative=judgment.narrative,
        )
        for judgment in Judgment.objects.filter(inspection_id=inspection_id)
    )
    findings = list(Finding.objects.filter(inspection_id=inspection_id).order_by("pk"))
    # Causes first, so that each recommendation's copy can point at its cause's copy.
    findings.sort(key=lambda finding: finding.cause_of_concern_id is not None)
    copies: dict[int, EditionFinding] = {}
    for finding in findings:
        copies[finding.pk] = EditionFinding.objects.create(
            edition=edition,
            inspection_id=inspection_id,
            finding=finding,
            kind=finding.kind,
            question_id=finding.question_id,
            text=finding.text,
            cause_of_concern=copies.get(finding.cause_of_concern_id) if finding.cause_of_concern_id else None,
            accelerated=finding.accelerated,
            raised_on=finding.raised_on,
            deadline=finding.deadline,
            status=finding.status,
            follows_up_id=finding.follows_up_id,
            order=finding.order,
        )


def editions_fill_html(*, limit: int = 20) -> int:
    """Store the HTML of ready editions that have none: those rendered before editions kept their
    HTML (migration 0004). Until then their page renders the same content on each request."""
    filled = 0
    missing = Edition.objects.filter(render_status=Edition.RenderStatus.READY, body_html="").select_related(
        "report__inspection__force", "report__inspection__programme", "report__inspection__lead_inspector", "revision"
    )
    for edition in missing[:limit]:
        html = rendering.render_report_html(edition.report, edition.revision, record=edition)
        filled += Edition.objects.filter(pk=edition.pk, body_html="").update(
            glance_html=html.glance, body_html=html.body
        )
    return filled


# --- Corrections and withdrawal -----------------------------------------------------------------


def report_correct(*, report: Report, actor: User, change_note: str) -> Edition:
    """Publish the report's latest revision and its record as they stand as a new edition with a change
    note; it goes live once its PDF is ready. The earlier editions and their PDFs stay public in the
    history. Refused (``ValidationError``) when neither the text nor the record changed since the live
    edition. The two-person rule holds: the editor publishing a correction changed none of its text or
    record (``PermissionDenied`` saying so)."""
    _require_editor(actor)
    change_note = clean_text(change_note)
    if not change_note:
        raise ValidationError("Enter a change note saying what was corrected", code="change_note")
    with transaction.atomic():
        report = report_lock(report)
        if report.state != ReportState.PUBLISHED:
            raise WorkflowError("Only a published report is corrected")
        latest = report.latest_revision()
        live = report.editions.filter(published_at__isnull=False).order_by("-number").first()
        if latest is None or live is None:
            raise WorkflowError("The report has no live edition to correct")
        if live.revision_id == latest.pk and live.record_version == report.record_version:
            raise ValidationError(
                "Edit the report, its judgments or its findings first: what it says now is already published",
                code="no_change",
            )
        if not permissions.can_approve_report(actor, report, authors_since(report, live)):
            raise PermissionDenied("You wrote part of this correction, so another editor must publish it")
        edition = edition_prepare(report=report, actor=actor, change_note=change_note)
        report.publication_requested_by = actor
        report.save(update_fields=["publication_requested_by"])
        report_event(
            report,
            actor,
            "Correction requested",
            revision=edition.revision,
            edition_number=edition.number,
            reason=change_note,
        )
        _enqueue_sweep_at(None)
    return edition


def report_withdraw(*, report: Report, actor: User, reason: str) -> Report:
    """Withdraw a published report. The public page then shows the reason instead of the report."""
    _require_editor(actor)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("Enter the reason for withdrawing the report", code="reason")
    with transaction.atomic():
        report = report_lock(report)
        if not can_proceed(report.withdraw):
            raise WorkflowError(
                f"The report is {report.get_state_display().lower()}: only a published report is withdrawn"
            )
        from_state = report.state
        report.withdraw()
        report.withdrawn_at = timezone.now()
        report.withdrawal_reason = reason
        report.save(update_fields=["state", "withdrawn_at", "withdrawal_reason"])
        live = report.editions.filter(published_at__isnull=False).order_by("-number").first()
        report_event(
            report,
            actor,
            "Withdrawn",
            from_state,
            revision=live.revision if live else None,
            edition_number=live.number if live else None,
            reason=reason,
        )
        site_changed_on_commit()
    return report


# --- Press release and the PCC's response --------------------------------------------------------


def report_headline(report: Report) -> str:
    """ "West Midlands Police judged 'good' at legitimacy": the overall grade(s) of the inspection."""
    inspection = report.inspection
    overall = [
        (j.pillar.name.lower(), j.grade.label.lower())
        for j in inspection.judgments.filter(pillar__isnull=False, grade__isnull=False).select_related(
            "pillar", "grade"
        )
        if j.pillar is not None and j.grade is not None
    ]
    if not overall:
        return f"{inspection.programme.name}: {inspection.force_name}"
    judged = " and ".join(f"'{grade}' at {pillar}" for pillar, grade in overall)
    return f"{inspection.force_name} judged {judged}: {inspection.programme.name}"


def press_release_draft(*, report: Report) -> PressRelease:
    """The report's press release, drafted from it (``press_release_proposal``) if there is none yet.
    Called under the report's row lock (scheduling, "Publish now", an editor's save), so two callers
    never both create one."""
    existing = PressRelease.objects.filter(report=report).first()
    if existing is not None:
        return existing
    return PressRelease.objects.create(report=report, **press_release_proposal(report))


def press_release_proposal(report: Report) -> dict[str, str]:
    """The ``headline`` and ``body`` drafted from the report, for a press release not yet saved. Reads only."""
    revision = report.approved_revision or report.latest_revision()
    quote = revision.part("lead_quote") if revision else ""
    key_findings = revision.part("key_findings") if revision else ""
    lead = report.inspection.lead_inspector
    headline = report_headline(report)
    report_url = f"{settings.SITE_URL}/reports/{report.slug}/"
    body = "\n\n".join(
        part
        for part in (
            f"The inspectorate has published its {report.inspection.programme.name} report on {report.inspection.force_name}.",
            f"## Key findings\n\n{key_findings}" if key_findings else "",
            f"## What the lead inspector said\n\n> {quote}\n\n{lead.name if lead else 'The lead inspector'}"
            if quote
            else "",
            f"## Read the report\n\n[Read the report]({report_url}) or [download it as a PDF]({report_url}pdf/).",
        )
        if part
    )
    return {"headline": headline, "body": body}


def press_release_update(*, report: Report, actor: User, headline: str, body: str) -> PressRelease:
    _require_editor(actor)
    headline, body = clean_text(headline), clean_text(body)
    if not headline:
        raise ValidationError("Enter a headline", code="headline")
    if not body:
        raise ValidationError("Enter the text of the press release", code="body")
    with transaction.atomic():
        report = report_lock(report)
        release = press_release_draft(report=report)
        before = {"headline": release.headline, "body": release.body}
        release.headline, release.body, release.updated_by, release.updated_at = (
            headline[:250],
            body,
            actor,
            timezone.now(),
        )
        release.save()
        event_record(
            inspection=report.inspection,
            report=report,
            actor=actor,
            action="Press release edited",
            revision=report.approved_revision,
            subject="Press release",
            changes=field_changes(before, {"headline": release.headline, "body": release.body}),
        )
        if report.first_published_at is not None:
            site_changed_on_commit()
    return release


def pcc_response_record(*, report: Report, actor: User, url: str = "", file: object | None = None) -> Report:
    """Record the Police and Crime Commissioner's response: a link, a file, or both."""
    _require_editor(actor)
    if not url and file is None:
        raise ValidationError("Enter the link to the response or choose its file", code="empty")
    with transaction.atomic():
        report = report_lock(report)
        if report.first_published_at is None:
            raise WorkflowError("The response is recorded once the report is published")
        if url:
            report.pcc_response_url = url
        if file is not None:
            report.pcc_response_file = file
        report.pcc_response_recorded_at = timezone.now()
        report.save()
        late = timezone.localdate() > report.pcc_response_due  # type: ignore[operator]
        report_event(report, actor, "PCC response recorded" + (" (late)" if late else ""))
        site_changed_on_commit()
    return report
