"""Demo reports for ``seed_demo``: every inspection gets a report whose text is built from its
judgments and findings. 2015 and 2016 are published; 2017 shows every state before publication.

Text is generated from templates and marked "Demo:" like the rest of the demo data, except West
Midlands 2016, whose quote is the one in the seed press release. Idempotent: a report that already
has revisions is left as it is, so running twice changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from inspections.models import Finding, Inspection
from publishing.demo.inspections import DEMO_MARK, state_2017
from publishing.models import Edition
from publishing.services import edition_snapshot_record, press_release_draft
from reports import record, search
from reports.audit import event_record
from reports.models import Report, ReportState, ReviewMark, Revision
from reports.services import report_start

#: When each year's legitimacy reports were published (2016: the day of the seed press release).
PUBLISHED_ON = {
    2015: datetime.datetime(2016, 2, 11, 0, 1, tzinfo=datetime.UTC),
    2016: datetime.datetime(2016, 12, 8, 0, 1, tzinfo=datetime.UTC),
}

WEST_MIDLANDS_QUOTE = (
    "I have judged West Midlands Police to be good at legitimately keeping people safe and reducing crime. In "
    "general the force treats the people it serves with fairness and respect. It has adopted a new set of values, "
    "which focus on compassion for the vulnerable and helping those in need."
)

CALLOUT: dict[str, str] = {
    Finding.Kind.AREA_FOR_IMPROVEMENT: "AFI",
    Finding.Kind.CAUSE_OF_CONCERN: "CONCERN",
    Finding.Kind.RECOMMENDATION: "RECOMMENDATION",
    Finding.Kind.NOTABLE_PRACTICE: "NOTABLE",
}


def content_for(inspection: Inspection) -> dict[str, str]:
    """The text of a report, built from the inspection's judgments and findings."""
    force = inspection.force_name
    overall = inspection.judgments.filter(pillar__isnull=False).select_related("grade").first()
    grade = overall.grade.label.lower() if overall and overall.grade else "not yet graded"
    findings = list(inspection.findings.select_related("question").order_by("kind", "order"))
    afis = [f for f in findings if f.kind == Finding.Kind.AREA_FOR_IMPROVEMENT]
    is_seed = inspection.force.slug == "west-midlands-police" and inspection.programme.year == 2016
    content = {
        "summary": (overall.narrative if overall else f"{DEMO_MARK} {force} has not yet been graded.")
        + "\n\n"
        + (
            "This inspection also assessed, for the first time, how well the force tackles abuse of authority for "
            "sexual gain."
            if inspection.programme.year == 2016
            else f"{DEMO_MARK} This report sets out what inspectors found."
        ),
        "key_findings": "\n".join(
            [
                f"{'' if is_seed else DEMO_MARK + ' '}{force} is {grade} at keeping people safe and reducing crime legitimately."
            ]
            + [f"- {f.text}" for f in afis[:4]]
        ).replace(" legitimately.\n", " legitimately.\n\n", 1),
        "lead_quote": WEST_MIDLANDS_QUOTE
        if is_seed
        else f"{DEMO_MARK} I have judged {force} to be {grade} at legitimately keeping people safe and reducing crime.",
    }
    judgments = {j.question_id: j for j in inspection.judgments.filter(question__isnull=False).select_related("grade")}
    for question in inspection.programme.questions.all():
        judgment = judgments.get(question.pk)
        lines = [f"## {question.text}"]
        if judgment is not None:
            if judgment.grade is not None:
                lines.append(f"**Grade: {judgment.grade.label}**")
            lines.append(judgment.narrative)
        for finding in (f for f in findings if f.question_id == question.pk):
            lines.append(f"${CALLOUT[finding.kind]}\n{finding.text}\n${CALLOUT[finding.kind]}")
        content[f"section-{question.number}"] = "\n\n".join(lines) if judgment is not None else ""
    return content


#: The demo report published a second time, with a correction: (force slug, year).
CORRECTED = ("cumbria-constabulary", 2015)


def correct(report: Report, editor: User, content: dict[str, str], published: datetime.datetime) -> None:
    """Publish edition 2 of ``report`` a month after the first, with a change note, as a correction."""
    corrected = {**content, "summary": content["summary"] + "\n\nDemo: this summary was corrected after publication."}
    revision = write(report, report.inspection.lead_inspector or editor, corrected, "Demo: correct the summary")
    later = published + datetime.timedelta(days=30)
    note = "Demo: corrected the summary, which gave the wrong number of complaints."
    edition = Edition.objects.create(
        report=report, number=2, revision=revision, created_by=editor, change_note=note, published_at=later
    )
    edition_snapshot_record(edition)
    report.approved_revision = revision
    report.last_updated_at = later
    report.save(update_fields=["approved_revision", "last_updated_at"])
    log(
        report,
        editor,
        "Correction published",
        ReportState.PUBLISHED,
        ReportState.PUBLISHED,
        revision,
        note,
        edition_number=2,
    )
    search.index_report(report, revision)


def write(report: Report, author: User, content: dict[str, str], note: str) -> Revision:
    revision = Revision.objects.create(
        report=report,
        number=report.version + 1,
        author=author,
        content=content,
        changed_parts=sorted(content),
        note=note,
    )
    report.version = revision.number
    report.save(update_fields=["version"])
    return revision


def log(
    report: Report,
    actor: User,
    action: str,
    from_state: str,
    to_state: str,
    revision: Revision,
    reason: str = "",
    *,
    edition_number: int | None = None,
) -> None:
    """An event as the service would have written it, the report being in ``to_state`` by then."""
    report.state = to_state
    event_record(
        inspection=report.inspection,
        report=report,
        actor=actor,
        action=action,
        from_state=from_state,
        revision=revision,
        edition_number=edition_number,
        reason=reason,
    )


@transaction.atomic
def load() -> int:
    """Create the demo reports. Returns how many reports exist."""
    inspector = User.objects.get(email="inspector@example.org")
    lead = User.objects.get(email="lead@example.org")
    editor = User.objects.get(email="editor@example.org")
    now = timezone.now()
    for inspection in Inspection.objects.select_related("force", "programme", "lead_inspector"):
        report = report_start(inspection=inspection)
        if report.revisions.exists():
            continue
        content = content_for(inspection)
        if inspection.programme.year < 2017:
            author = inspection.lead_inspector or lead
            revision = write(report, author, content, "Demo: the published text")
            published = PUBLISHED_ON[inspection.programme.year]
            report.state = ReportState.PUBLISHED
            report.approved_revision = revision
            report.judgments_signed_off_by = author
            report.judgments_signed_off_at = published
            report.signed_off_record_version = report.record_version
            report.first_published_at = published
            report.save()
            log(report, editor, "Approved", ReportState.IN_REVIEW, ReportState.APPROVED, revision)
            log(report, editor, "Published", ReportState.SCHEDULED, ReportState.PUBLISHED, revision, edition_number=1)
            # The PDF renders in the background once a worker runs (the sweep finds it pending).
            edition = Edition.objects.create(
                report=report, number=1, revision=revision, created_by=editor, published_at=published
            )
            edition_snapshot_record(edition)
            search.index_report(report, revision)
            press_release_draft(report=report)
            if (inspection.force.slug, inspection.programme.year) == CORRECTED:
                correct(report, editor, content, published)
            continue
        state = state_2017(inspection.force)
        if state == "draft":
            # Half written: the summary and the first section, so there is work left to do.
            partial = {key: text for key, text in content.items() if key in ("summary", "section-1")}
            write(report, inspector, partial, "")
            continue
        author = inspector if state == "changes_requested" else lead
        revision = write(report, author, content, "")
        report.judgments_signed_off_by = lead
        report.judgments_signed_off_at = now
        report.signed_off_record_version = report.record_version
        log(report, author, "Submitted for review", ReportState.DRAFT, ReportState.IN_REVIEW, revision)
        if state == "changes_requested":
            report.state = ReportState.CHANGES_REQUESTED
            log(
                report,
                editor,
                "Changes requested",
                ReportState.IN_REVIEW,
                ReportState.CHANGES_REQUESTED,
                revision,
                "Demo: tighten the summary and check the key findings match the sections.",
            )
        elif state == "in_review":
            report.state = ReportState.IN_REVIEW
        else:
            report.state = ReportState.APPROVED
            report.approved_revision = revision
            log(report, editor, "Approved", ReportState.IN_REVIEW, ReportState.APPROVED, revision)
            # Approval froze edition 1 with its copy of the record; its PDF renders once a worker runs.
            edition = Edition.objects.create(report=report, number=1, revision=revision, created_by=editor)
            edition_snapshot_record(edition)
            if state == "scheduled":
                # A week after loading, as the brief asks; the PDF renders in the background meanwhile.
                report.state = ReportState.SCHEDULED
                report.go_live_at = now + datetime.timedelta(days=7)
                report.publication_requested_by = editor
                log(report, editor, "Scheduled", ReportState.APPROVED, ReportState.SCHEDULED, revision)
                press_release_draft(report=report)
        report.save()
    record_changed_in_review(inspector=inspector, editor=editor)
    return Report.objects.count()


def record_changed_in_review(*, inspector: User, editor: User) -> None:
    """One 2017 report in review whose record changed after the editor's first look, through the record
    services: the editor's review lists the change, and the lead's sign-off is stale ("Waiting for
    you"). Once only."""
    report = (
        Report.objects.filter(inspection__programme__year=2017, state=ReportState.IN_REVIEW)
        .order_by("inspection__force__name")
        .first()
    )
    if report is None or report.events.filter(record_change=True).exists():
        return
    revision = report.latest_revision()
    assert revision is not None
    ReviewMark.objects.update_or_create(
        report=report,
        reviewer=editor,
        defaults={"revision": revision, "at": timezone.now() - datetime.timedelta(hours=2)},
    )
    inspection = report.inspection
    author = inspector if inspection.has_on_team(inspector) else inspection.lead_inspector
    question = inspection.programme.questions.order_by("number").first()
    if author is not None:
        record.finding_add(
            inspection=inspection,
            actor=author,
            kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
            text=f"{DEMO_MARK} Added after the editor's first look: the force should record the reasons "
            "for each use of force.",
            question=question,
        )
