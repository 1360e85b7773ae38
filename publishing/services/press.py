"""The press release that goes live with a report, and the Police and Crime Commissioner's response."""

from __future__ import annotations

import io
import secrets
from typing import TYPE_CHECKING, Any

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from inspectorate.site_version import site_changed_on_commit
from inspectorate.text import clean_text
from publishing.models import PressRelease
from reports.audit import event_record, field_changes, report_event
from reports.errors import WorkflowError
from reports.models import Report
from reports.services import report_lock

if TYPE_CHECKING:
    from accounts.models import User
from publishing.services.editions import require_editor


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
    require_editor(actor)
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
        # Once published, the release stands beside the edition the public has, whatever is being
        # prepared; before that, beside the approved revision.
        live = report.editions.live().order_by("-number").first()
        event_record(
            inspection=report.inspection,
            report=report,
            actor=actor,
            action="Press release edited",
            revision=live.revision if live else report.approved_revision,
            edition_number=live.number if live else None,
            subject="Press release",
            changes=field_changes(before, {"headline": release.headline, "body": release.body}),
        )
        if report.first_published_at is not None:
            site_changed_on_commit()
    return release


#: The largest PCC response file accepted.
PCC_RESPONSE_MAX_BYTES = 20 * 1024 * 1024


def pcc_response_pdf(upload: Any) -> bytes:
    """The uploaded response's bytes, if they are a PDF: opened and parsed (pikepdf), with at least a
    page, not just a file that starts with "%PDF-". Raises ``ValidationError`` otherwise."""
    size = getattr(upload, "size", None)
    if size is not None and size > PCC_RESPONSE_MAX_BYTES:
        raise ValidationError("The file must be 20 MB or less", code="too_big")
    content = upload.read(PCC_RESPONSE_MAX_BYTES + 1)
    if len(content) > PCC_RESPONSE_MAX_BYTES:
        raise ValidationError("The file must be 20 MB or less", code="too_big")
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            pages = len(pdf.pages)
    except (pikepdf.PdfError, ValueError):
        raise ValidationError("The file must be a PDF", code="not_pdf") from None
    if pages < 1:
        raise ValidationError("The PDF has no pages", code="empty_pdf")
    return bytes(content)


def pcc_response_record(*, report: Report, actor: User, url: str = "", file: object | None = None) -> Report:
    """Record the Police and Crime Commissioner's response: a link, a PDF, or both. The PDF is checked
    by parsing it, stored under a random name, and the one it replaces is deleted once this commits;
    the public reads it from the report's page (``/reports/<slug>/response/``), never from storage."""
    require_editor(actor)
    if not url and file is None:
        raise ValidationError("Enter the link to the response or choose its file", code="empty")
    content = pcc_response_pdf(file) if file is not None else None
    with transaction.atomic():
        report = report_lock(report)
        if report.first_published_at is None:
            raise WorkflowError("The response is recorded once the report is published")
        if url:
            report.pcc_response_url = url
        replaced = ""
        if content is not None:
            replaced = (report.pcc_response_file.name or "") if report.pcc_response_file else ""
            report.pcc_response_file.save(f"{secrets.token_urlsafe(24)}.pdf", ContentFile(content), save=False)
        report.pcc_response_recorded_at = timezone.now()
        report.save()
        late = timezone.localdate() > report.pcc_response_due  # type: ignore[operator]
        report_event(report, actor, "PCC response recorded" + (" (late)" if late else ""))
        site_changed_on_commit()
        if replaced:
            storage = report.pcc_response_file.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    return report
