"""A case-file audit the team chose to show is in the report's "About the data": on the page and in the
PDF, with each rate and its interval, frozen with the edition."""

from __future__ import annotations

import datetime

import pikepdf
import pytest

from fieldwork import services
from inspections.evidence import ChecklistMeasure
from publishing.rendering import render_report_html, render_report_pdf
from tests.publishing.test_rendering import text_of

pytestmark = pytest.mark.django_db


def test_about_the_data_shows_the_chosen_audits_rates_on_the_page_and_in_the_pdf(written_report, inspector) -> None:
    import io

    report = written_report
    measure = ChecklistMeasure.objects.create(
        programme=report.inspection.programme, number=1, text="Recorded correctly"
    )
    audit = services.case_file_audit_start(
        inspection=report.inspection,
        actor=inspector,
        title="Domestic abuse crimes",
        gathered_on=datetime.date.today(),
        references=[f"R{n}" for n in range(10)],
    )
    files = list(audit.case_files.all())
    answers = {(case_file.pk, measure.pk): "met" if index < 8 else "not_met" for index, case_file in enumerate(files)}
    services.case_file_answers_record(audit=audit, actor=inspector, answers=answers, in_about_the_data=False)
    revision = report.latest_revision()
    assert "About the data" not in render_report_html(report, revision).body

    services.case_file_answers_record(audit=audit, actor=inspector, answers=answers, in_about_the_data=True)
    body = render_report_html(report, revision).body
    assert "About the data" in body and "80% (8 of 10)" in body and "49% to 94%" in body
    assert "R1" not in body.split("About the data")[1]  # no case file's reference
    pdf = render_report_pdf(report, revision)
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        text = text_of(document)
    assert "About the data" in text and "80% (8 of 10)" in text and "49% to 94%" in text
