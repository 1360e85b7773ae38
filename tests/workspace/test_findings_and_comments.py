"""Findings changed and removed where the work is, through the record's rules; review comments beside
their part; parts named by their titles, never their internal keys."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from inspections.models import Finding, FindingOutcome
from reports import services
from reports.models import ReportEvent
from tests.factories import InspectionFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(written_report):  # type: ignore[no-untyped-def]
    return Finding.objects.create(
        inspection=written_report.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="Improve vetting."
    )


def test_the_team_changes_a_finding_and_the_change_is_audited(client, written_report, finding, inspector) -> None:
    sign_in(client, inspector)
    url = reverse("reports:finding_edit", args=[written_report.pk, finding.pk])
    assert "Improve vetting." in client.get(url).content.decode()
    empty = client.post(url, {"question": "", "text": ""})
    assert empty.status_code == HTTPStatus.BAD_REQUEST and "Enter the finding" in empty.content.decode()
    done = client.post(url, {"question": "", "text": "Improve vetting of new recruits."})
    assert done.status_code == HTTPStatus.FOUND
    finding.refresh_from_db()
    assert finding.text == "Improve vetting of new recruits."
    event = ReportEvent.objects.get(action="Area for improvement changed")
    assert event.changes["text"] == ["Improve vetting.", "Improve vetting of new recruits."]


def test_a_recommendations_deadline_uses_the_date_input(client, written_report, inspector) -> None:
    recommendation = Finding.objects.create(
        inspection=written_report.inspection, kind=Finding.Kind.RECOMMENDATION, text="Do it."
    )
    sign_in(client, inspector)
    url = reverse("reports:finding_edit", args=[written_report.pk, recommendation.pk])
    page = client.get(url).content.decode()
    assert 'name="deadline_0"' in page and 'type="date"' not in page
    bad = client.post(url, {"text": "Do it.", "deadline_0": "31", "deadline_1": "6", "deadline_2": "2018"})
    assert "The deadline must be a real date" in bad.content.decode()
    client.post(url, {"text": "Do it.", "deadline_0": "30", "deadline_1": "6", "deadline_2": "2018"})
    recommendation.refresh_from_db()
    assert recommendation.deadline == datetime.date(2018, 6, 30)


def test_removing_a_finding_asks_first(client, written_report, finding, inspector) -> None:
    sign_in(client, inspector)
    url = reverse("reports:finding_remove", args=[written_report.pk, finding.pk])
    page = client.get(url).content.decode()
    assert "Remove this area for improvement?" in page
    assert Finding.objects.filter(pk=finding.pk).exists()  # asking removes nothing
    assert client.post(url).status_code == HTTPStatus.FOUND
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert ReportEvent.objects.filter(action="Area for improvement removed").exists()


def test_a_finding_others_followed_up_cannot_be_removed(
    client, written_report, finding, inspector, lead_inspector
) -> None:
    later = InspectionFactory(force=written_report.inspection.force, lead_inspector=lead_inspector)
    FindingOutcome.objects.create(
        inspection=later, finding=finding, outcome=FindingOutcome.Outcome.ADDRESSED, recorded_by=lead_inspector
    )
    sign_in(client, inspector)
    url = reverse("reports:finding_remove", args=[written_report.pk, finding.pk])
    assert "cannot be removed" in client.get(url).content.decode()
    assert client.post(url).status_code == HTTPStatus.CONFLICT
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_only_the_team_changes_findings(client, written_report, finding, other_inspector) -> None:
    """An inspector on no team of it may not even read the draft: to them it is not there."""
    sign_in(client, other_inspector)
    assert (
        client.get(reverse("reports:finding_edit", args=[written_report.pk, finding.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert (
        client.post(reverse("reports:finding_remove", args=[written_report.pk, finding.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_review_comments_sit_beside_their_part(client, written_report, inspector, editor) -> None:
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    on_summary = services.comment_add(report=report, actor=editor, body="Shorter, please.", part="summary")
    on_section = services.comment_add(report=report, actor=editor, body="Cite the survey.", part="section-2")
    on_all = services.comment_add(report=report, actor=editor, body="Good overall.")
    sign_in(client, editor)
    page = client.get(reverse("reports:review", args=[report.pk])).content.decode()
    summary_at = page.index('id="changes-summary"')
    section_at = page.index('id="changes-section-2"')
    assert summary_at < page.index(f'id="comment-{on_summary.pk}"') < page.index('id="changes-key_findings"')
    assert section_at < page.index(f'id="comment-{on_section.pk}"')
    assert page.index("Comments on the whole report") < page.index(f'id="comment-{on_all.pk}"')
    visible = re.sub(r"<[^>]+>", " ", re.sub(r'(id|for|value|name|href|aria-labelledby)="[^"]*"', "", page))
    assert "section-2" not in visible and "key_findings" not in visible


def test_history_names_parts_by_title(client, written_report, inspector) -> None:
    sign_in(client, inspector)
    page = client.get(reverse("reports:history", args=[written_report.pk])).content.decode()
    assert "The lead inspector&#x27;s quote" in page or "The lead inspector's quote" in page
    assert "lead_quote" not in page


def test_an_editor_reads_the_findings_but_does_not_change_them(client, written_report, finding, editor) -> None:
    sign_in(client, editor)
    url = reverse("reports:finding_edit", args=[written_report.pk, finding.pk])
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse("reports:findings", args=[written_report.pk])).status_code == HTTPStatus.OK
