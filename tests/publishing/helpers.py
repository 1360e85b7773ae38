"""Reports taken to a state through the workflow and publication services, as editors would, for the
public site's tests (pages, search, caching and the embargo)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from inspections.models import Finding, FindingOutcome, Force, Judgment, Pillar, Programme
from inspections.selectors import earlier_findings_without_outcome
from publishing import services as publication
from reports import services
from reports.models import Report, ReportState
from tests.factories import (
    InspectionFactory,
    ProgrammeFactory,
    QuestionFactory,
    cite_evidence,
    grade,
    translate_whole_report,
    write_whole_report,
)


def render_all() -> int:
    """Do the render work the sweep and scheduling enqueue, here and now (the worker's part is tested
    with a real worker in test_publication_faults.py)."""
    editions = list(publication.editions_needing_render())
    for edition in editions:
        publication.edition_render(edition_id=edition.pk)
    return len(editions)


@dataclass
class People:
    inspector: User
    lead: User
    editor: User


def force(slug: str) -> Force:
    return Force.objects.get(slug=slug)


def make_programme(name: str, year: int, questions: Iterable[str] = ("Fairness", "Ethics")) -> Programme:
    programme = ProgrammeFactory(name=name, slug=f"test-{year}-{name.lower().replace(' ', '-')}", year=year)
    for number, title in enumerate(questions, start=1):
        QuestionFactory(programme=programme, number=number, short_title=title)
    return programme


def make_report(
    programme: Programme,
    subject: Force,
    people: People,
    *,
    state: str,
    grades: Iterable[str] = (),
    overall: str = "good",
    narrative: str = "The force is good at this.",
    recommendation: str = "",
    summary: str = "",
) -> Report:
    """A report on ``subject`` in ``programme``, taken through the services to ``state``: draft,
    in_review, approved, scheduled, published or withdrawn. ``grades`` are the questions' grades in
    order (``overall`` for any not given); a recommendation is recorded if its text is given, and the
    summary is ``summary`` if given."""
    inspection = InspectionFactory(
        programme=programme, force=subject, team=[people.inspector], lead_inspector=people.lead
    )
    given = list(grades)
    for index, question in enumerate(programme.questions.order_by("number")):
        label = given[index] if index < len(given) else overall
        judgment = Judgment.objects.create(
            inspection=inspection, question=question, grade=grade(label), narrative=narrative
        )
        cite_evidence(judgment, by=people.lead)
    Judgment.objects.create(
        inspection=inspection, pillar=Pillar.objects.get(slug="legitimacy"), grade=grade(overall), narrative=narrative
    )
    if recommendation:
        Finding.objects.create(inspection=inspection, kind=Finding.Kind.RECOMMENDATION, text=recommendation)
    for earlier in earlier_findings_without_outcome(inspection=inspection):
        FindingOutcome.objects.create(inspection=inspection, finding=earlier, outcome=FindingOutcome.Outcome.STILL_OPEN)
    report = services.report_start(inspection=inspection)
    write_whole_report(report, people.inspector)
    if summary:
        report.refresh_from_db()
        services.report_save_part(
            report=report, actor=people.inspector, part="summary", text=summary, based_on=report.version
        )
    if state == "draft":
        return report
    services.report_sign_off_judgments(report=report, actor=people.lead)
    report.refresh_from_db()
    report = services.report_submit_for_review(report=report, actor=people.inspector)
    if state == "in_review":
        return report
    report.refresh_from_db()
    translate_whole_report(report, people.editor)
    report = publication.report_approve(report=report, actor=people.editor, revision_number=report.version)
    if state == "approved":
        return report
    if state == "scheduled":
        go_live = timezone.now() + datetime.timedelta(days=7)
        report = publication.report_schedule(report=report, actor=people.editor, go_live_at=go_live)
        render_all()
        return report
    publication.report_publish_now(report=report, actor=people.editor)
    render_all()
    publication.publication_sweep()
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    if state == "withdrawn":
        report = publication.report_withdraw(report=report, actor=people.editor, reason="Withdrawn for a test.")
    return report


def page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.content.decode()


def pdfua_findings(content: bytes, folder: Path) -> list[str]:
    """The errors and warnings that an outside PDF/UA-1 checker (PyPI ``pdfua``) finds in a PDF."""
    import pdfua

    path = folder / "checked.pdf"
    path.write_bytes(content)
    report = pdfua.validate(str(path))
    return [
        f"{finding.severity.name} {finding.rule_id}: {finding.message}"
        for finding in report.findings
        if finding.severity >= pdfua.Severity.WARNING
    ]
