"""Reminders that come of time passing (``publishing.services.reminders`` and the publication sweep):
told once, to the people the table names, and the urgent ones to every editor."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from inspections.timetable import Milestone, ProgrammeDeadline
from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from publishing import services as publication
from publishing.services import reminders
from reports import fact_checks
from reports.models import FactCheck, Report, ReportState
from tests.publishing.helpers import force, make_programme, make_report

pytestmark = pytest.mark.django_db


def told(kind: Kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_a_fact_check_link_two_working_days_from_expiry_tells_its_issuer_once(
    written_report, lead_inspector, inspector
) -> None:
    fact_check, _ = fact_checks.fact_check_issue(
        report=written_report, actor=lead_inspector, liaison_name="Liz", liaison_email="liz@police.example"
    )
    # The link expires at 11:00 on Tuesday: on Friday at noon, that is within two working days.
    friday = datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC)
    FactCheck.objects.filter(pk=fact_check.pk).update(expires_at=friday + datetime.timedelta(days=4, hours=-1))
    assert reminders.fact_checks_expiring(now=friday - datetime.timedelta(days=1)) == 0  # three working days
    assert reminders.fact_checks_expiring(now=friday) == 1
    assert reminders.fact_checks_expiring(now=friday) == 0
    assert told(Kind.FACT_CHECK_EXPIRING) == {lead_inspector.email}


def test_bank_holidays_are_not_working_days() -> None:
    # Christmas Eve 2026 is a Thursday; Christmas Day and the Boxing Day holiday (Monday 28th) are not counted.
    from inspections.working_days import add_working_days, working_days_between

    assert add_working_days(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 29)
    assert working_days_between(datetime.date(2026, 12, 24), datetime.date(2026, 12, 31)) == 3


def test_a_pcc_response_due_in_a_week_and_then_overdue_tells_the_editors(people, editor, fast_pdfs) -> None:
    programme = make_programme("PCC clock", 2016)
    report = make_report(programme, force("kent-police"), people, state="published")
    published = report.first_published_at
    assert published is not None and report.pcc_response_due is not None
    due = report.pcc_response_due
    assert reminders.pcc_responses_due(now=timezone.now()) == 0  # 56 days away
    eight_days_before = datetime.datetime.combine(
        due - datetime.timedelta(days=8), datetime.time(9), tzinfo=datetime.UTC
    )
    assert reminders.pcc_responses_due(now=eight_days_before) == 0
    week_before = eight_days_before + datetime.timedelta(days=1)
    assert reminders.pcc_responses_due(now=week_before) == 2  # both editors
    assert reminders.pcc_responses_due(now=week_before) == 0
    after = week_before + datetime.timedelta(days=8)
    assert reminders.pcc_responses_due(now=after) == 2
    assert told(Kind.PCC_RESPONSE) == {people.editor.email, editor.email}
    subjects = set(Notification.objects.filter(kind=Kind.PCC_RESPONSE).values_list("subject", flat=True))
    assert any("is overdue" in subject for subject in subjects) and any("is due on" in subject for subject in subjects)


def test_a_go_live_running_late_tells_every_editor_urgently_once(people, editor, monkeypatch) -> None:
    programme = make_programme("Late", 2016)
    report = make_report(programme, force("kent-police"), people, state="scheduled")
    editor.notification_settings.create(kind=Kind.GO_LIVE_LATE, delivery=Delivery.OFF)  # not honoured
    # Its moment passed three minutes ago and it is still waiting (say, for a PDF).
    Report.objects.filter(pk=report.pk).update(go_live_at=timezone.now() - datetime.timedelta(minutes=3))
    monkeypatch.setattr(publication.golive, "_publish_group", lambda moment, ids: [])
    publication.publication_sweep()
    publication.publication_sweep()
    late = Notification.objects.filter(kind=Kind.GO_LIVE_LATE)
    assert {n.recipient.email for n in late} == {people.editor.email, editor.email}
    assert all(n.urgent and n.delivery == Delivery.IMMEDIATE for n in late)


def test_a_go_live_on_time_tells_no_editor(people, fast_pdfs) -> None:
    programme = make_programme("On time", 2016)
    report = make_report(programme, force("kent-police"), people, state="scheduled")
    Report.objects.filter(pk=report.pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=30))
    publication.publication_sweep()
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert not Notification.objects.filter(kind=Kind.GO_LIVE_LATE).exists()


def test_a_pdf_that_fails_its_last_attempt_tells_every_editor_urgently(people, editor, monkeypatch) -> None:
    programme = make_programme("Failing PDF", 2016)
    report = make_report(programme, force("kent-police"), people, state="approved")
    edition = report.editions.get()

    def broken(_edition, **_language):  # type: ignore[no-untyped-def]
        raise RuntimeError("the typesetter stopped")

    monkeypatch.setattr(publication.editions, "edition_pdf", broken)
    for attempt in range(1, publication.MAX_RENDER_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            publication.edition_render(edition_id=edition.pk)
        expected = set() if attempt < publication.MAX_RENDER_ATTEMPTS else {people.editor.email, editor.email}
        assert told(Kind.PDF_FAILED) == expected
    notification = Notification.objects.filter(kind=Kind.PDF_FAILED).first()
    assert notification is not None and "the typesetter stopped" in notification.body


def test_a_passed_deadline_tells_the_team_once(people) -> None:
    programme = make_programme("Deadlines", 2016)
    report = make_report(programme, force("kent-police"), people, state="draft")
    inspection = report.inspection
    inspection.fieldwork_end = datetime.date(2026, 11, 2)
    inspection.save()
    ProgrammeDeadline.objects.create(
        programme=programme, milestone=Milestone.FIRST_DRAFT, working_days_after_fieldwork=10
    )
    today = datetime.date(2026, 11, 17)  # ten working days after 2 November is the 16th
    from reports.deadlines import deadlines_passed_notify, timetables

    first_draft = next(
        d for d in timetables([inspection], today=today)[inspection.pk] if d.milestone == Milestone.FIRST_DRAFT
    )
    assert first_draft.due_on == datetime.date(2026, 11, 16) and first_draft.is_overdue(today)
    assert deadlines_passed_notify(today=today) == 2
    assert deadlines_passed_notify(today=today) == 0
    assert told(Kind.DEADLINE) == {people.inspector.email, people.lead.email}
    assert "First draft submitted" in Notification.objects.filter(kind=Kind.DEADLINE).first().subject
