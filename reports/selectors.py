"""Reads of reports: their parts, authors, pre-submission checks and the workspace's lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from accounts import permissions
from accounts.models import User
from inspections.models import Finding, Inspection
from inspections.selectors import earlier_findings_without_outcome
from reports.models import (
    FIXED_PARTS,
    FactCheckPoint,
    PartAssignment,
    Report,
    ReportEvent,
    ReportState,
    ReviewComment,
    Revision,
)


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    question_id: int | None = None


@dataclass(frozen=True)
class Check:
    """One pre-submission check. ``blocking`` checks stop submission; the others are flags."""

    key: str
    message: str
    blocking: bool = True
    link: str = ""


def report_parts(report: Report) -> list[Part]:
    """The report's parts in reading order: summary, key findings, quote, then a section a question."""
    parts = [Part(key, title) for key, title in FIXED_PARTS.items()]
    # Through .all(), so that a caller reading many reports can prefetch "sections__question".
    sections = sorted(report.sections.all(), key=lambda section: section.question.number)
    parts += [
        Part(section.key, f"{section.question.number}. {section.question.short_title}", section.question_id)
        for section in sections
    ]
    return parts


def part_title(report: Report, key: str) -> str:
    """What people call the part ``key`` ("Summary", "3. Tackling crime"); never the internal key."""
    return next((part.title for part in report_parts(report) if part.key == key), "A part no longer in the report")


def part_author(report: Report, key: str) -> User | None:
    """Whoever last changed part ``key`` in a revision."""
    for author_id, changed in report.revisions.order_by("-number").values_list("author_id", "changed_parts")[:500]:
        if key in (changed or []):
            return User.objects.filter(pk=author_id).first()
    return None


def report_part_keys(report: Report) -> set[str]:
    return {part.key for part in report_parts(report)}


def report_authors(report: Report, *, up_to: int | None = None) -> set[int]:
    """Ids of everyone who wrote a revision of the report (up to revision ``up_to``) or changed its
    inspection's record: those the two-person rule keeps from approving it."""
    revisions = report.revisions.all()
    if up_to is not None:
        revisions = revisions.filter(number__lte=up_to)
    record = ReportEvent.objects.filter(inspection_id=report.inspection_id, record_change=True, actor__isnull=False)
    return set(revisions.values_list("author_id", flat=True)) | set(record.values_list("actor_id", flat=True))


def judgment_problems(report: Report) -> list[Check]:
    """Each graded question and each pillar without a graded judgment, and each graded question's
    judgment that cites no evidence (every published grade can be traced to what it rests on)."""
    inspection = report.inspection
    programme = inspection.programme
    problems: list[Check] = []
    # Each relation is read through .all(), so that a caller reading many reports can prefetch them
    # (the programme board does); the rules are the same either way.
    all_judgments = list(inspection.judgments.all())
    judgments = {j.question_id: j for j in all_judgments if j.question_id is not None}
    for question in sorted(programme.questions.all(), key=lambda question: question.number):
        if not question.graded:
            continue
        judgment = judgments.get(question.pk)
        if judgment is None or judgment.grade_id is None:
            problems.append(
                Check("judgment", f"Record a graded judgment for question {question.number}: {question.short_title}")
            )
        elif not judgment.evidence.all():
            problems.append(
                Check(
                    "evidence",
                    f"Cite the evidence for the judgment on question {question.number}: {question.short_title}",
                )
            )
    pillar_judgments = {j.pillar_id: j for j in all_judgments if j.pillar_id is not None}
    for pillar in programme.pillars.all():
        judgment = pillar_judgments.get(pillar.pk)
        if judgment is None or judgment.grade_id is None:
            problems.append(Check("judgment", f"Record the overall judgment for {pillar.name}"))
    return problems


def record_changes_since(report: Report, since: datetime.datetime | None) -> list[ReportEvent]:
    """Every change to the inspection's record (judgments, findings, earlier findings' outcomes) after
    ``since``, oldest first, each with its fields' before and after: what a reviewer has not yet seen.
    Every step shows, so a grade moved and moved back is not hidden. ``None``: none (a first review
    reads the whole record)."""
    if since is None:
        return []
    return list(
        ReportEvent.objects.filter(inspection_id=report.inspection_id, record_change=True, at__gt=since)
        .select_related("actor")
        .order_by("at", "pk")
    )


def report_of(inspection: Inspection) -> Report | None:
    """The inspection's report, if it has one yet."""
    return Report.objects.filter(inspection_id=inspection.pk).first()


def record_frozen_message(report: Report, *, published_too: bool = False) -> str | None:
    """Why the report's inspection record (judgments, findings, outcomes) cannot change now, or ``None``
    when it can: it is frozen while the report is scheduled, and once it is withdrawn. A published
    report's record changes only towards a correction (``published_too`` counts it frozen as well)."""
    if report.state == ReportState.SCHEDULED:
        return "The report is scheduled: take it off the schedule before changing its judgments or findings"
    if report.is_editable and not (published_too and report.state == ReportState.PUBLISHED):
        return None
    return f"The report is {report.get_state_display().lower()}: its judgments and findings can no longer change"


def record_frozen_reason(inspection: Inspection, *, published_too: bool = False) -> str | None:
    """``record_frozen_message`` for ``inspection``'s report; ``None`` before it has one."""
    report = Report.objects.filter(inspection_id=inspection.pk).only("state").first()
    return None if report is None else record_frozen_message(report, published_too=published_too)


#: The page that puts each kind of check right.
CHECK_PAGES = {
    "judgment": "reports:judgments",
    "consistency": "reports:judgments",
    "sign_off": "reports:judgments",
    "cause": "reports:findings",
    "outcomes": "reports:earlier_findings",
}


def _url(name: str, report: Report, **kwargs: str) -> str:
    return reverse(name, kwargs={"pk": report.pk, **kwargs})


def submission_problems(report: Report) -> list[Check]:
    """What stands between the report and review, as a list the inspector can act on, each with the
    address of the page that puts it right."""
    return [
        check
        if check.link or check.key not in CHECK_PAGES
        else replace(check, link=_url(CHECK_PAGES[check.key], report))
        for check in _submission_problems(report)
    ]


def _submission_problems(report: Report) -> list[Check]:
    inspection = report.inspection
    problems = judgment_problems(report)
    findings = sorted(inspection.findings.all(), key=lambda finding: finding.pk)
    causes = [finding for finding in findings if finding.kind == Finding.Kind.CAUSE_OF_CONCERN]
    with_recommendation = {finding.cause_of_concern_id for finding in findings if finding.cause_of_concern_id}
    for cause in causes:
        if cause.pk not in with_recommendation:
            problems.append(Check("cause", f"Add a recommendation to the cause of concern: {cause.text[:80]}"))
    if causes:
        good_or_better = [
            judgment
            for judgment in inspection.judgments.all()
            if judgment.pillar_id is not None and judgment.grade is not None and judgment.grade.rank <= 2
        ]
        for judgment in good_or_better:
            problems.append(
                Check(
                    "consistency",
                    f"{judgment.pillar.name if judgment.pillar else 'A pillar'} is graded "
                    f"{judgment.grade.label.lower() if judgment.grade else ''} but the inspection has an open cause of "
                    "concern: check the grade is right",
                    blocking=False,
                )
            )
    missing = earlier_findings_without_outcome(inspection=inspection).count()
    if missing:
        problems.append(
            Check(
                "outcomes",
                f"Record what became of {missing} open finding{'s' if missing != 1 else ''} from earlier inspections",
            )
        )
    latest = report.latest_revision()
    content = latest.content if latest else {}
    for part in report_parts(report):
        if not str(content.get(part.key, "")).strip():
            problems.append(Check("text", f"Write {_the(part)}", link=_url("reports:part", report, key=part.key)))
    if report.judgments_signed_off_at is None:
        problems.append(Check("sign_off", "The lead inspector has not signed off the judgments yet", blocking=False))
    elif not report.sign_off_is_current:
        problems.append(
            Check(
                "sign_off",
                "The judgments or findings changed after the lead inspector signed them off: ask for sign-off again",
                blocking=False,
            )
        )
    return problems


def _the(part: Part) -> str:
    """A part as the object of a sentence: "the summary", "the lead inspector's quote", "the section 1. Fairness"."""
    if part.question_id:
        return f"the section {part.title}"
    title = part.title.lower()
    return title if title.startswith("the ") else f"the {title}"


def approval_problems(report: Report) -> list[Check]:
    """What stands between a report in review and approval: the lead's sign-off must be current."""
    return [
        Check(check.key, check.message, blocking=True)
        for check in submission_problems(report)
        if check.key == "sign_off"
    ]


# --- The workspace ----------------------------------------------------------------------------


def reports_for_workspace(user: User | None = None) -> QuerySet[Report]:
    """Reports in the workspace's order; those ``user`` may read, when one is given."""
    reports = Report.objects.select_related(
        "inspection__force", "inspection__programme", "inspection__lead_inspector"
    ).order_by("-inspection__programme__year", "inspection__force__name")
    if user is not None:
        visible = permissions.reports_visible_to(user)
        reports = reports.filter(pk__in=Report.objects.filter(visible).values("pk")) if visible else reports
    return reports


def my_reports(user: User) -> QuerySet[Report]:
    """Reports of the inspections ``user`` leads or is on the team of."""
    return reports_for_workspace().filter(Q(inspection__team=user) | Q(inspection__lead_inspector=user)).distinct()


def reviews_waiting_for(user: User) -> QuerySet[Report]:
    """For an editor: reports in review that they did not write."""
    if not permissions.is_editor(user):
        return Report.objects.none()
    wrote = Revision.objects.filter(report=OuterRef("pk"), author=user)
    return reports_for_workspace().filter(state=ReportState.IN_REVIEW).exclude(Exists(wrote))


def comments_waiting_for(user: User) -> QuerySet[ReviewComment]:
    """Open comment threads on the reports of ``user``'s inspections, last word not theirs."""
    threads = ReviewComment.objects.filter(
        reply_to__isnull=True,
        resolved_at__isnull=True,
    ).filter(Q(report__inspection__team=user) | Q(report__inspection__lead_inspector=user))
    return threads.exclude(author=user).select_related("report__inspection__force", "author").distinct()


def fact_check_points_waiting_for(user: User) -> QuerySet[FactCheckPoint]:
    return (
        FactCheckPoint.objects.filter(decision="")
        .filter(Q(fact_check__report__inspection__team=user) | Q(fact_check__report__inspection__lead_inspector=user))
        .select_related("fact_check__report__inspection__force")
        .distinct()
    )


def sign_offs_waiting_for(user: User) -> QuerySet[Report]:
    """For a lead inspector: reports before approval whose judgments they have not signed off, or whose
    record changed since they did (a stale sign-off)."""
    return reports_for_workspace().filter(
        Q(judgments_signed_off_at__isnull=True)
        | Q(signed_off_record_version__isnull=True)
        | ~Q(signed_off_record_version=F("record_version")),
        inspection__lead_inspector=user,
        state__in=(ReportState.DRAFT, ReportState.CHANGES_REQUESTED, ReportState.IN_REVIEW),
    )


def changes_requested_of(user: User) -> QuerySet[Report]:
    """Reports of ``user``'s inspections that an editor sent back."""
    return my_reports(user).filter(state=ReportState.CHANGES_REQUESTED)


@dataclass(frozen=True)
class AssignedPart:
    report: Report
    part: str
    title: str
    written: bool

    @property
    def report_id(self) -> int:
        return self.report.pk


def parts_waiting_for(user: User) -> list[AssignedPart]:
    """The parts assigned to ``user`` in reports still being written."""
    assignments = PartAssignment.objects.filter(
        assignee=user, report__state__in=(ReportState.DRAFT, ReportState.CHANGES_REQUESTED)
    ).select_related("report__inspection__force", "report__inspection__programme")
    waiting = []
    for assignment in assignments.order_by("report__inspection__force__name", "part"):
        report = assignment.report
        titles = {part.key: part.title for part in report_parts(report)}
        latest = report.latest_revision()
        written = bool(latest and str(latest.content.get(assignment.part, "")).strip())
        waiting.append(AssignedPart(report, assignment.part, titles.get(assignment.part, assignment.part), written))
    return waiting
