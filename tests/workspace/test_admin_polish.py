"""The admin as administrators read it: reports by their titles, times on the 24-hour clock, an
event's changes as a table rather than JSON, and the programme's timetable and editors."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from reports import record
from reports.models import ReportEvent
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_reports_are_named_by_their_titles(written_report) -> None:
    assert str(written_report) == written_report.title
    assert not str(written_report).startswith("Report:")


def test_times_are_on_the_24_hour_clock() -> None:
    evening = timezone.make_aware(datetime.datetime(2026, 12, 1, 18, 5))
    assert formats.date_format(timezone.localtime(evening), "DATETIME_FORMAT") == "1 December 2026, 18:05"
    assert formats.time_format(evening.time()) == "18:05"


def test_an_events_changes_are_a_table(client, administrator, written_report, inspector) -> None:
    judgment = written_report.inspection.judgments.filter(question__isnull=False).first()
    record.judgment_record(
        inspection=written_report.inspection,
        actor=inspector,
        question=judgment.question,
        grade=judgment.grade,
        narrative="A new narrative.",
    )
    event = ReportEvent.objects.filter(record_change=True).latest("at")
    sign_in(client, administrator)
    page = client.get(reverse("admin:reports_reportevent_change", args=[event.pk])).content.decode()
    assert "<table class='app-changes'>" in page and "A new narrative." in page
    assert '{"narrative"' not in page and "p.m." not in page and "a.m." not in page


def test_the_programme_admin_has_its_timetable_and_editors(client, administrator, written_report) -> None:
    sign_in(client, administrator)
    programme = written_report.inspection.programme
    page = client.get(reverse("admin:inspections_programme_change", args=[programme.pk])).content.decode()
    assert "Timetable" in page and 'name="timetable-TOTAL_FORMS"' in page
    assert 'name="editors"' in page
