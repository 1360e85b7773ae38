from __future__ import annotations

import pytest

from reports.models import Report
from reports.services import report_sign_off_judgments, report_start
from tests.factories import ready_inspection, write_whole_report


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
