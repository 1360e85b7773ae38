"""Who writes what and by when: the lead assigns parts (anyone on the team may still edit), "Waiting
for you" lists a person's parts and overdue deadlines, and an inspection's own dates need a reason."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections.timetable import InspectionDeadline, Milestone, ProgrammeDeadline
from notifications.kinds import Kind
from notifications.models import Notification
from reports import deadlines, services
from reports.models import PartAssignment, ReportEvent
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_the_lead_assigns_parts_and_the_assignee_is_told(client, report, inspector, lead_inspector) -> None:
    sign_in(client, lead_inspector)
    url = reverse("reports:parts_assign", args=[report.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, {"summary": inspector.pk, "lead_quote": lead_inspector.pk})
    assert response.status_code == HTTPStatus.FOUND
    assert dict(PartAssignment.objects.values_list("part", "assignee")) == {
        "summary": inspector.pk,
        "lead_quote": lead_inspector.pk,
    }
    told = Notification.objects.get(kind=Kind.ASSIGNED)
    assert told.recipient == inspector and "“Summary”" in told.subject  # the lead, assigning themselves, is not told
    assert ReportEvent.objects.filter(report=report, action="Part assigned").count() == 2
    # Taking an assignment away.
    client.post(url, {"summary": "", "lead_quote": lead_inspector.pk})
    assert list(PartAssignment.objects.values_list("part", flat=True)) == ["lead_quote"]


def test_only_the_lead_assigns_and_only_to_the_team(report, inspector, lead_inspector, other_inspector, editor) -> None:
    with pytest.raises(PermissionDenied):
        services.parts_assign(report=report, actor=inspector, assignees={"summary": inspector})
    with pytest.raises(PermissionDenied):
        services.parts_assign(report=report, actor=editor, assignees={"summary": inspector})
    with pytest.raises(ValidationError, match="not on the inspection's team"):
        services.parts_assign(report=report, actor=lead_inspector, assignees={"summary": other_inspector})
    with pytest.raises(ValidationError):
        services.parts_assign(report=report, actor=lead_inspector, assignees={"section-99": inspector})
    assert not PartAssignment.objects.exists()


def test_a_part_assigned_to_someone_else_can_still_be_edited_by_the_team(report, inspector, lead_inspector) -> None:
    services.parts_assign(report=report, actor=lead_inspector, assignees={"summary": lead_inspector})
    revision = services.report_save_part(
        report=report, actor=inspector, part="summary", text="Written by a colleague.", based_on=report.version
    )
    assert revision is not None


def test_waiting_for_you_lists_my_parts_and_overdue_deadlines(client, report, inspector, lead_inspector) -> None:
    services.parts_assign(report=report, actor=lead_inspector, assignees={"summary": inspector})
    ProgrammeDeadline.objects.create(
        programme=report.inspection.programme,
        milestone=Milestone.FIRST_DRAFT,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    sign_in(client, inspector)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "Write “Summary” of" in page
    assert reverse("reports:part", args=[report.pk, "summary"]) in page
    assert "Overdue</strong>" in page and "First draft submitted for" in page


def test_an_inspection_gets_its_own_date_with_a_reason_audited(client, report, lead_inspector, inspector) -> None:
    programme = report.inspection.programme
    ProgrammeDeadline.objects.create(
        programme=programme, milestone=Milestone.FIRST_DRAFT, due_on=datetime.date(2026, 12, 1)
    )
    url = reverse("reports:deadline_change", args=[report.inspection_id, Milestone.FIRST_DRAFT])
    sign_in(client, inspector)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    sign_in(client, lead_inspector)
    missing = client.post(url, {"due_on_0": "31", "due_on_1": "2", "due_on_2": "2027", "reason": ""})
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    page = missing.content.decode()
    assert "The new date must be a real date" in page and "Enter why the date changes" in page
    done = client.post(url, {"due_on_0": "8", "due_on_1": "12", "due_on_2": "2026", "reason": "Data came late."})
    assert done.status_code == HTTPStatus.FOUND
    own = InspectionDeadline.objects.get()
    assert own.due_on == datetime.date(2026, 12, 8) and own.reason == "Data came late."
    event = ReportEvent.objects.get(action="Deadline changed")
    assert event.changes == {"date": ["2026-12-01", "2026-12-08"]} and event.reason == "Data came late."
    first_draft = next(
        d
        for d in deadlines.timetables([report.inspection])[report.inspection_id]
        if d.milestone == Milestone.FIRST_DRAFT
    )
    assert first_draft.due_on == datetime.date(2026, 12, 8) and first_draft.reason == "Data came late."


def test_offsets_count_working_days_from_the_end_of_fieldwork(report) -> None:
    inspection = report.inspection
    inspection.fieldwork_end = datetime.date(2026, 12, 18)  # a Friday before Christmas
    inspection.save()
    ProgrammeDeadline.objects.create(
        programme=inspection.programme, milestone=Milestone.FIRST_DRAFT, working_days_after_fieldwork=5
    )
    first_draft = next(
        d for d in deadlines.timetables([inspection])[inspection.pk] if d.milestone == Milestone.FIRST_DRAFT
    )
    # 21, 22, 23, 24 December, then 29 (25, 28 are bank holidays; 26, 27 a weekend).
    assert first_draft.due_on == datetime.date(2026, 12, 29)


def test_the_report_page_shows_deadlines_assignments_and_a_current_sign_off(
    client, written_report, lead_inspector, inspector
) -> None:
    from reports import record

    ProgrammeDeadline.objects.create(
        programme=written_report.inspection.programme, milestone=Milestone.PUBLICATION, due_on=datetime.date(2027, 3, 1)
    )
    services.parts_assign(report=written_report, actor=lead_inspector, assignees={"summary": inspector})
    sign_in(client, lead_inspector)
    page = client.get(reverse("reports:report", args=[written_report.pk])).content.decode()
    assert "Assigned to Ivy Inspector" in page and "Due 1 March 2027" in page
    assert "Stale</strong>" not in page
    judgment = written_report.inspection.judgments.filter(question__isnull=False).first()
    record.judgment_record(
        inspection=written_report.inspection,
        actor=inspector,
        question=judgment.question,
        grade=judgment.grade,
        narrative="Changed.",
    )
    page = client.get(reverse("reports:report", args=[written_report.pk])).content.decode()
    assert "Stale</strong>" in page


def test_parts_are_not_assigned_once_the_report_is_settled(report, lead_inspector, inspector, editor) -> None:
    from publishing import services as publication
    from reports.errors import WorkflowError
    from tests.factories import write_whole_report

    write_whole_report(report, inspector)
    services.report_sign_off_judgments(report=report, actor=lead_inspector)
    report.refresh_from_db()
    services.report_submit_for_review(report=report, actor=inspector)
    report.refresh_from_db()
    publication.report_approve(report=report, actor=editor, revision_number=report.version)
    report.refresh_from_db()
    publication.report_schedule(
        report=report, actor=editor, go_live_at=timezone.now() + datetime.timedelta(days=3)
    )  # frozen until it is taken off the schedule
    with pytest.raises(WorkflowError):
        services.parts_assign(report=report, actor=lead_inspector, assignees={"summary": inspector})
    assert not PartAssignment.objects.exists()


def test_an_inspections_own_end_of_fieldwork_moves_the_dates_counted_from_it(report, lead_inspector) -> None:
    inspection = report.inspection
    inspection.fieldwork_end = datetime.date(2026, 11, 2)
    inspection.save()
    ProgrammeDeadline.objects.create(
        programme=inspection.programme, milestone=Milestone.FIRST_DRAFT, working_days_after_fieldwork=5
    )
    deadlines.inspection_deadline_change(
        inspection=inspection,
        actor=lead_inspector,
        milestone=Milestone.FIELDWORK_END,
        due_on=datetime.date(2026, 11, 9),
        reason="A week more on site.",
    )
    first_draft = next(
        d for d in deadlines.timetables([inspection])[inspection.pk] if d.milestone == Milestone.FIRST_DRAFT
    )
    assert first_draft.due_on == datetime.date(2026, 11, 16)  # five working days after the 9th


def test_fact_check_working_days_count_in_uk_time() -> None:
    from reports.fact_checks import add_working_days

    # 00:30 on Monday 1 June 2026 in London is still Sunday in UTC.
    monday_early = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=datetime.UTC)
    expires = add_working_days(monday_early, 1)
    assert timezone.localtime(expires).date() == datetime.date(2026, 6, 2)  # Tuesday, not Monday
