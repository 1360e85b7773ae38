from __future__ import annotations

import pytest

from accounts.roles import Role
from reports.models import Report
from reports.services import report_sign_off_judgments, report_start
from tests.factories import ready_inspection, write_whole_report
from tests.reports.publishing import People


@pytest.fixture
def report(inspector, lead_inspector) -> Report:
    """A report with every judgment recorded but nothing written."""
    return report_start(inspection=ready_inspection(team=[inspector], lead=lead_inspector))


@pytest.fixture
def written_report(report, inspector, lead_inspector) -> Report:
    """Every part written by the inspector and the judgments signed off: ready to submit."""
    write_whole_report(report, inspector)
    report_sign_off_judgments(report=report, actor=lead_inspector)
    report.refresh_from_db()
    return report


@pytest.fixture
def people(make_user) -> People:  # type: ignore[no-untyped-def]
    return People(make_user(Role.INSPECTOR), make_user(Role.LEAD_INSPECTOR), make_user(Role.EDITOR))


@pytest.fixture
def fast_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for WeasyPrint where many reports are published: rendering is tested in
    test_publication.py and test_rendering.py; here only the publication path matters."""
    from publishing import rendering

    monkeypatch.setattr(
        rendering,
        "render_report_pdf",
        lambda *args, **kwargs: rendering.RenderedPdf(b"%PDF-1.7 stand-in", 1, 0.0, 0.0),
    )
    monkeypatch.setattr(rendering, "check_pdf", lambda content: rendering.PdfCheck(1, True, True, "Stand-in", "en-GB"))
