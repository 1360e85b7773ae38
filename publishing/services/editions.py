"""Editions: freezing one (its revision and its copy of the judgments and findings, in the caller's
transaction), rendering its PDF and page from that copy, and finding renders a worker lost. Every
function is safe to run twice and from two workers at once (see the package's docstring)."""

from __future__ import annotations

import datetime
import hashlib
import os
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts import permissions
from inspections.models import Finding, Judgment
from inspections.selectors import about_the_data
from inspectorate.celery import enqueue_on_commit
from inspectorate.languages import ENGLISH, WELSH
from notifications import recipients
from notifications.kinds import Kind
from publishing import rendering
from publishing.models import Edition, EditionFinding, EditionJudgment
from reports import notices
from reports.audit import report_event
from reports.errors import WorkflowError
from reports.models import Report, ReportState
from reports.translations import is_bilingual, welsh_now

if TYPE_CHECKING:
    from accounts.models import User


#: A render beats this often while it runs (``_Heartbeat``) ...
HEARTBEAT = datetime.timedelta(seconds=settings.RENDER_HEARTBEAT_SECONDS)
#: ... and one that has not beaten for this long belongs to a worker that died: the sweep (every 5 s)
#: sends it again, so an orphaned render is found within a minute, whatever the broker's visibility
#: timeout.
STALE_RENDER = datetime.timedelta(seconds=3 * settings.RENDER_HEARTBEAT_SECONDS)
#: A render asked of the broker this long ago and not started was lost with it (or waits behind a
#: backlog): the sweep asks again. Never sooner, so that a backlog is not sent twice every sweep.
RESEND_RENDER = datetime.timedelta(seconds=settings.RENDER_RESEND_SECONDS)
#: The tasks' names (``publishing.tasks``), by which services enqueue them.
RENDER_TASK = "publishing.tasks.edition_render_task"
SWEEP_TASK = "publishing.tasks.publication_sweep_task"
#: Automatic render attempts before an edition is left "failed" for an editor to retry.
MAX_RENDER_ATTEMPTS = 3


def require_editor(actor: User) -> None:
    if not permissions.is_editor(actor):
        raise PermissionDenied("Only editors schedule and publish reports")


def enqueue_render(edition: Edition) -> None:
    """Ask a worker to render ``edition``, once the caller's transaction commits, noting when."""
    Edition.objects.filter(pk=edition.pk).update(render_requested_at=timezone.now())
    enqueue_on_commit(RENDER_TASK, edition.pk)


def render_owner() -> str:
    """This process, as an edition's render names its owner (asked each time: a worker's pool
    processes are forked after this module is imported)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _rendering_elsewhere(edition: Edition, now: datetime.datetime) -> bool:
    """Whether another process is rendering ``edition`` and alive: its heartbeat is recent, and, when it
    is on this machine, its process still runs (a pool process killed mid-render is known dead at once,
    so its task, run again, takes over without waiting for the heartbeat to go stale)."""
    beat = edition.render_heartbeat_at
    if edition.render_status != Edition.RenderStatus.RENDERING or beat is None or beat <= now - STALE_RENDER:
        return False
    host, _, pid = edition.render_owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return int(pid) != os.getpid() and _process_alive(int(pid))
    return True


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine runs: not gone, and not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): it answered the signal
    return state not in ("Z", "X")


class _Heartbeat:
    """While a render runs, mark the edition alive every ``HEARTBEAT``, from a thread of its own (with
    its own database connection, closed when it stops). A render shorter than one beat (most are)
    never touches the database from the thread."""

    def __init__(self, edition_id: int) -> None:
        self.edition_id = edition_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"render-heartbeat-{edition_id}", daemon=True)

    def _beat(self) -> None:
        used = False
        try:
            while not self.stopped.wait(HEARTBEAT.total_seconds()):
                used = True
                Edition.objects.filter(pk=self.edition_id, render_status=Edition.RenderStatus.RENDERING).update(
                    render_heartbeat_at=timezone.now()
                )
        finally:
            if used:
                connections.close_all()

    def __enter__(self) -> _Heartbeat:
        # Inside a transaction (a test's) the beats could not be seen by anyone, and would wait on the
        # row's lock: only a render on its own (a task's) beats.
        if not connection.in_atomic_block:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)


def edition_prepare(*, report: Report, actor: User, change_note: str = "", change_note_cy: str = "") -> Edition:
    """The edition the report's approved revision (or, once published, latest revision) and its record
    as they stand will go out as: the moment the edition is frozen. A Welsh force's report freezes its
    Welsh too (``reports.translations.welsh_now``): one edition, two languages, one go-live.

    Reuses an unpublished edition of the same revision and record version; otherwise makes the next
    edition with its own copy of the judgments and findings (``edition_snapshot_record``), taken here
    in the caller's transaction under the report's row lock, and asks for its PDF to be rendered from
    that copy. Called by approval, scheduling, "Publish now" and corrections (in their transaction).
    """
    revision = report.approved_revision if report.state != ReportState.PUBLISHED else report.latest_revision()
    if revision is None:
        raise WorkflowError("The report has no approved revision to publish")
    bilingual = is_bilingual(report)
    welsh = welsh_now(report) if bilingual else {}
    # The caller holds the report's lock, which going live takes too: this pending edition stays pending.
    pending = report.editions.pending().select_for_update().order_by("-number").first()
    if (
        pending is not None
        and pending.revision_id == revision.pk
        and pending.record_version == report.record_version
        and pending.bilingual == bilingual
        and pending.welsh == welsh
    ):
        notes = {"change_note": change_note, "change_note_cy": change_note_cy}
        changed = [name for name, note in notes.items() if note and getattr(pending, name) != note]
        for name in changed:
            setattr(pending, name, notes[name])
        if changed:
            pending.save(update_fields=changed)
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
        bilingual=bilingual,
        welsh=welsh,
        change_note_cy=change_note_cy if bilingual else "",
        created_by=actor,
    )
    if bilingual and not report.slug_cy:
        report.slug_cy = welsh_slug(report)
        Report.objects.filter(pk=report.pk).update(slug_cy=report.slug_cy)
    edition_snapshot_record(edition)
    enqueue_render(edition)
    return edition


def welsh_slug(report: Report) -> str:
    """The Welsh page's address of a Welsh force's report, from its Welsh title ("heddlu-gwent-..."):
    the force first, as the inspectorate's own Welsh pages have it. Unique; never changed once set."""
    inspection = report.inspection
    base = slugify(f"{inspection.force.name_cy} {inspection.programme.name_cy}")[:240] or f"adroddiad-{report.pk}"
    slug, number = base, 1
    while Report.objects.filter(slug_cy=slug).exclude(pk=report.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def edition_go_live(edition: Edition) -> datetime.datetime:
    """When ``edition`` went or goes live, for its cover: its own moment once live; the report's go-live
    for a first edition still under embargo; now for a correction (it goes live once rendered)."""
    if edition.published_at is not None:
        return edition.published_at
    if edition.number == 1 and edition.report.go_live_at is not None:
        return edition.report.go_live_at
    return timezone.now()


def edition_pdf(edition: Edition, *, language: str = ENGLISH) -> rendering.RenderedPdf:
    """The edition's PDF in ``language`` (its Welsh one for "cy"), rendered from its revision and its copy
    of the record, dated by the day it went or goes live. Reads only; ``edition_render`` checks and
    stores it."""
    return rendering.render_report_pdf(
        edition.report,
        edition.revision,
        edition=edition.number,
        published_on=timezone.localdate(edition_go_live(edition)),
        change_note=edition.change_note_cy if language == WELSH else edition.change_note,
        record=edition,
        language=language,
    )


def _checked_pdf(edition: Edition, language: str) -> tuple[rendering.RenderedPdf, rendering.RenderedHtml]:
    """The edition's PDF and page in ``language``, the PDF checked as a publication needs it."""
    rendered = edition_pdf(edition, language=language)
    check = rendering.check_pdf(rendered.content)
    if not check.accessible or check.pages != rendered.pages:
        raise ValueError(f"the PDF failed its checks: {'; '.join(check.problems) or 'no title or language'}")
    if check.language != rendering.PDF_LANGUAGES[language]:
        raise ValueError(f"the PDF says its language is {check.language!r}, not {rendering.PDF_LANGUAGES[language]!r}")
    html = rendering.render_report_html(edition.report, edition.revision, record=edition, language=language)
    return rendered, html


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
        now = timezone.now()
        if _rendering_elsewhere(edition, now):
            return edition  # another process is rendering it, and alive: one render, one file
        edition.render_status = Edition.RenderStatus.RENDERING
        edition.render_started_at = edition.render_heartbeat_at = now
        edition.render_owner = render_owner()
        edition.render_attempts += 1
        edition.save(
            update_fields=[
                "render_status",
                "render_started_at",
                "render_heartbeat_at",
                "render_owner",
                "render_attempts",
            ]
        )
    try:
        with _Heartbeat(edition_id):
            rendered, html = _checked_pdf(edition, ENGLISH)
            # A bilingual edition is ready only when its Welsh is too: both go live together or neither.
            welsh = _checked_pdf(edition, WELSH) if edition.bilingual else None
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=edition_id)
            if edition.render_status == Edition.RenderStatus.READY:
                return edition  # another worker finished first: keep theirs, store nothing
            # The file is written before the row names it: no reader can reach a half-written file.
            edition.pdf.save("report.pdf", ContentFile(rendered.content), save=False)
            edition.pdf_size = len(rendered.content)
            edition.pdf_pages = rendered.pages
            edition.pdf_sha256 = hashlib.sha256(rendered.content).hexdigest()
            edition.glance_html, edition.body_html = html.glance, html.body
            edition.overall_text = html.overall
            if welsh is not None:
                welsh_pdf, welsh_html = welsh
                edition.pdf_cy.save("report.pdf", ContentFile(welsh_pdf.content), save=False)
                edition.pdf_cy_size = len(welsh_pdf.content)
                edition.pdf_cy_pages = welsh_pdf.pages
                edition.pdf_cy_sha256 = hashlib.sha256(welsh_pdf.content).hexdigest()
                edition.glance_html_cy, edition.body_html_cy = welsh_html.glance, welsh_html.body
                edition.overall_text_cy = welsh_html.overall
            edition.render_seconds = rendered.seconds + (welsh[0].seconds if welsh else 0)
            edition.rendered_at = timezone.now()
            edition.render_status = Edition.RenderStatus.READY
            edition.render_error = ""
            edition.save()
    except Exception as error:
        # Rendering, checking or storing failed: say so to editors, and let the task retry.
        Edition.objects.filter(pk=edition_id).exclude(render_status=Edition.RenderStatus.READY).update(
            render_status=Edition.RenderStatus.FAILED, render_error=f"{type(error).__name__}: {error}"[:2000]
        )
        if edition.render_attempts >= MAX_RENDER_ATTEMPTS:
            render_failed_notice(edition, error)
        raise
    return edition


def render_failed_notice(edition: Edition, error: Exception) -> None:
    """Tell every editor, urgently, that an edition's PDF failed its last automatic attempt."""
    report = edition.report
    notices.tell(
        report,
        Kind.PDF_FAILED,
        to=recipients.editors(),
        subject=f"The PDF of {report.title} failed to render",
        body=f"{type(error).__name__}: {error}"[:500] + "\nRetry it from the report's publication page.",
        key=f"pdf-failed:{edition.pk}:{edition.render_started_at.isoformat() if edition.render_started_at else ''}",
        link=notices.report_path(report, "publishing:publication"),
    )


def edition_retry_render(*, edition: Edition, actor: User) -> Edition:
    """An editor asks again for a PDF that failed to render."""
    if not permissions.is_editor(actor):
        raise PermissionDenied("Only editors retry rendering")
    with transaction.atomic():
        updated = Edition.objects.filter(pk=edition.pk, render_status=Edition.RenderStatus.FAILED).update(
            render_status=Edition.RenderStatus.PENDING, render_error="", render_attempts=0
        )
        if updated:
            enqueue_render(edition)
            report_event(
                edition.report,
                actor,
                "Rendering retried",
                revision=edition.revision,
                edition_number=edition.number,
            )
    edition.refresh_from_db()
    return edition


def editions_needing_render(*, now: datetime.datetime | None = None) -> QuerySet[Edition]:
    """Editions that should have, or be getting, a PDF and have no live render: pending, or orphaned
    (rendering, with no heartbeat for ``STALE_RENDER``)."""
    stale = (now or timezone.now()) - STALE_RENDER
    return Edition.objects.filter(
        Q(render_status=Edition.RenderStatus.PENDING)
        | Q(render_status=Edition.RenderStatus.RENDERING, render_heartbeat_at__lt=stale)
        | Q(render_status=Edition.RenderStatus.RENDERING, render_heartbeat_at__isnull=True, render_started_at__lt=stale)
    ).exclude(report__state=ReportState.WITHDRAWN)


def editions_lost(*, now: datetime.datetime | None = None) -> QuerySet[Edition]:
    """What the sweep sends again: orphaned renders, and pending ones asked of the broker more than
    ``RESEND_RENDER`` ago (or never)."""
    now = now or timezone.now()
    resend = now - RESEND_RENDER
    return editions_needing_render(now=now).filter(
        Q(render_status=Edition.RenderStatus.RENDERING)
        | Q(render_requested_at__isnull=True)
        | Q(render_requested_at__lt=resend)
    )


def edition_snapshot_record(edition: Edition) -> None:
    """Copy the inspection's judgments and findings as they are now onto ``edition``: what its PDF and
    page show, and what the public lists, data and API read once it goes live. Call in the transaction
    that freezes the edition, under the report's row lock."""
    inspection_id = edition.report.inspection_id
    welsh = edition.welsh.get("record", {}) if edition.bilingual else {}
    edition.about_the_data = about_the_data(edition.report.inspection)
    Edition.objects.filter(pk=edition.pk).update(about_the_data=edition.about_the_data)
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
            narrative_cy=welsh.get(f"narrative:{judgment.pk}", ""),
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
            text_cy=welsh.get(f"finding:{finding.pk}", ""),
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
