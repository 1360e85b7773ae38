"""One moment for a published edition: its copy of the judgments and findings is taken in the
transaction that freezes it, and its PDF, page, lists, data and API all say what that copy says, even
when the working record changes between the freeze and the render."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest
from django.db.models import F
from django.test import Client

from inspections.models import Finding, Judgment
from publishing import rendering
from publishing import services as publication
from publishing.models import Edition
from reports.models import Report, ReportState
from tests.factories import grade
from tests.publishing.helpers import force, make_programme, make_report, render_all

pytestmark = pytest.mark.django_db


def test_a_judgment_changed_between_freezing_and_rendering_changes_nothing_the_edition_shows(
    client: Client, people, fast_pdfs, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    documents: list[dict[str, Any]] = []
    real_document = rendering.report_document

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        document = real_document(*args, **kwargs)
        documents.append(document)
        return document

    monkeypatch.setattr(rendering, "report_document", recording)
    pdf_records: list[Any] = []
    stand_in = rendering.render_report_pdf  # fast_pdfs' stand-in for Typst

    def pdf_recording(*args: Any, **kwargs: Any) -> Any:
        pdf_records.append(kwargs.get("record"))
        return stand_in(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_report_pdf", pdf_recording)
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(
            make_programme("Legitimacy 2016", 2016),
            force("west-midlands-police"),
            people,
            state="approved",
            recommendation="Publish the stop and search data.",
        )
        # Approval froze edition 1; a write that bypassed every service (or raced it) lands before the render.
        edition = report.editions.get()
        assert edition.judgments.count() == Judgment.objects.filter(inspection=report.inspection).count()
        Judgment.objects.filter(inspection=report.inspection).update(grade=grade("inadequate"))
        Finding.objects.filter(inspection=report.inspection).update(text="A text nobody approved.")
        publication.report_publish_now(report=report, actor=people.editor)
        render_all()
        publication.publication_sweep()
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert Report.objects.filter(pk=report.pk, record_version=F("editions__record_version")).exists()

    # The PDF and the page were rendered from the edition's copy.
    assert [record.pk for record in pdf_records] == [edition.pk]
    rendered = [document for document in documents if document["edition_number"] == 1]
    assert rendered, "the edition was rendered"
    for document in rendered:
        assert {row.grade for row in document["judgments"]} == {"Good"}
        assert [item.text for item in document["recommendations"]] == ["Publish the stop and search data."]
    edition = Edition.objects.get(pk=edition.pk)
    assert "Good" in edition.glance_html and "Inadequate" not in edition.glance_html + edition.body_html
    assert "A text nobody approved." not in edition.body_html

    # Lists, data and API agree with it.
    pages = {
        url: client.get(url)
        for url in (
            f"/reports/{report.slug}/",
            "/reports/",
            "/forces/west-midlands-police/",
            "/data/judgments.csv",
            "/data/findings.csv",
            f"/api/v1/reports/{report.slug}/",
        )
    }
    for url, response in pages.items():
        assert response.status_code == HTTPStatus.OK, url
        text = response.content.decode()
        assert "Inadequate" not in text and "A text nobody approved." not in text, url
    detail = json.loads(pages[f"/api/v1/reports/{report.slug}/"].content)
    assert {judgment["grade"] for judgment in detail["judgments"]} == {"Good"}
    assert [finding["text"] for finding in detail["findings"]] == ["Publish the stop and search data."]
