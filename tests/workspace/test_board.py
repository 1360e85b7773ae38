"""The programme board: every force's report with its state, lead, days in state, failing checks, PDF
and deadlines; sortable and filterable from the address; editors act on a selection."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.timetable import Milestone, ProgrammeDeadline
from notifications.kinds import Kind
from notifications.models import Notification
from reports.models import ReportEvent, ReportState
from tests.factories import InspectionFactory
from tests.publishing.helpers import force, make_programme, make_report
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(people):  # type: ignore[no-untyped-def]
    programme = make_programme("Board", 2016)
    make_report(programme, force("kent-police"), people, state="draft")
    make_report(programme, force("surrey-police"), people, state="approved")
    make_report(programme, force("essex-police"), people, state="approved")
    InspectionFactory(programme=programme, force=force("sussex-police"), lead_inspector=people.lead)  # not started
    ProgrammeDeadline.objects.create(
        programme=programme, milestone=Milestone.FIRST_DRAFT, due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    return programme


def board(client, programme, **query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("publishing:programme_board", args=[programme.pk]), query)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def forces_in_order(page: str) -> list[str]:
    names = ["Kent Police", "Surrey Police", "Essex Police", "Sussex Police"]
    return sorted((name for name in names if f">{name}<" in page), key=lambda name: page.index(f">{name}<"))


def test_the_programmes_page_leads_to_each_board(client, programme, people) -> None:
    sign_in(client, people.inspector)
    page = client.get(reverse("publishing:programmes")).content.decode()
    assert reverse("publishing:programme_board", args=[programme.pk]) in page


def test_the_board_shows_every_force_with_its_state_checks_pdf_and_deadline(client, programme, people) -> None:
    sign_in(client, people.inspector)
    page = board(client, programme)
    assert forces_in_order(page) == ["Essex Police", "Kent Police", "Surrey Police", "Sussex Police"]
    assert "Not started" in page and "Approved" in page
    assert "Waiting to render" in page  # the approved reports' PDFs
    assert "Overdue" in page and "First draft submitted" in page  # Kent's draft is late
    assert "4 inspections, <strong>2 with an overdue deadline</strong>" in page  # Kent and unstarted Sussex


def test_filters_and_order_come_from_the_address(client, programme, people) -> None:
    sign_in(client, people.inspector)
    assert forces_in_order(board(client, programme, state=ReportState.APPROVED)) == ["Essex Police", "Surrey Police"]
    assert forces_in_order(board(client, programme, state="not_started")) == ["Sussex Police"]
    assert forces_in_order(board(client, programme, overdue="on")) == ["Kent Police", "Sussex Police"]
    assert forces_in_order(board(client, programme, sort="-force")) == [
        "Sussex Police",
        "Surrey Police",
        "Kent Police",
        "Essex Police",
    ]
    page = board(client, programme, sort="state", state="nonsense")  # a bad filter is ignored, with a message
    assert "Select a valid choice" in page
    assert len(forces_in_order(page)) == 4


def test_days_in_state_count_from_the_last_move(programme, people) -> None:
    from publishing.programme_board import programme_board

    later = timezone.localdate() + datetime.timedelta(days=5)
    rows = {row.force_name: row for row in programme_board(programme, today=later)}
    assert rows["Surrey Police"].days_in_state == 5  # approved today, seen five days on
    assert rows["Kent Police"].days_in_state == 5  # a draft since it was started
    assert rows["Sussex Police"].days_in_state is None  # no report yet


def test_an_editor_schedules_a_selection_for_one_moment(client, programme, people) -> None:
    from tests.publishing.test_publication import go_live_fields

    surrey, essex = (programme.inspections.get(force__slug=slug).report for slug in ("surrey-police", "essex-police"))
    moment = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    sign_in(client, people.editor)
    url = reverse("publishing:programme_board", args=[programme.pk])
    response = client.post(
        url,
        {
            "action": "schedule",
            "report": [surrey.pk, essex.pk],
            **go_live_fields(moment.date().isoformat(), f"{moment:%H:%M}"),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    for report in (surrey, essex):
        report.refresh_from_db()
        assert report.state == ReportState.SCHEDULED and report.go_live_at == moment


def test_scheduling_a_selection_with_a_draft_changes_nothing_and_says_why(client, programme, people) -> None:
    from tests.publishing.test_publication import go_live_fields

    kent, surrey = (programme.inspections.get(force__slug=slug).report for slug in ("kent-police", "surrey-police"))
    day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    sign_in(client, people.editor)
    response = client.post(
        reverse("publishing:programme_board", args=[programme.pk]),
        {"action": "schedule", "report": [kent.pk, surrey.pk, "x"], **go_live_fields(day, "09:00")},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Kent Police is draft: only approved reports can be scheduled" in response.content.decode()
    surrey.refresh_from_db()
    assert surrey.state == ReportState.APPROVED


def test_an_editor_asks_leads_for_sign_off(client, programme, people) -> None:
    kent = programme.inspections.get(force__slug="kent-police").report
    sign_in(client, people.editor)
    response = client.post(
        reverse("publishing:programme_board", args=[programme.pk]),
        {"action": "sign_off", "report": [kent.pk]},
        follow=True,
    )
    assert "1 lead inspector asked to sign off" in response.content.decode()
    asked = Notification.objects.get(kind=Kind.SIGN_OFF, recipient=people.lead)
    assert "asks you to sign off" in asked.subject
    assert ReportEvent.objects.filter(report=kent, action="Sign-off requested", actor=people.editor).exists()


def test_only_editors_act_on_a_selection(client, programme, people) -> None:
    sign_in(client, people.inspector)
    url = reverse("publishing:programme_board", args=[programme.pk])
    assert client.post(url, {"action": "sign_off"}).status_code == HTTPStatus.FORBIDDEN
    assert 'name="report"' not in board(client, programme)


def test_a_selection_with_a_report_scheduled_for_another_moment_is_refused(client, programme, people) -> None:
    from publishing import services as publication
    from tests.publishing.test_publication import go_live_fields

    surrey, essex = (programme.inspections.get(force__slug=slug).report for slug in ("surrey-police", "essex-police"))
    elsewhere = timezone.now() + datetime.timedelta(days=9)
    publication.report_schedule(report=surrey, actor=people.editor, go_live_at=elsewhere)
    day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    sign_in(client, people.editor)
    response = client.post(
        reverse("publishing:programme_board", args=[programme.pk]),
        {"action": "schedule", "report": [surrey.pk, essex.pk], **go_live_fields(day, "09:00")},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Surrey Police is already scheduled for" in response.content.decode()
    surrey.refresh_from_db()
    essex.refresh_from_db()
    assert surrey.go_live_at == elsewhere and essex.state == ReportState.APPROVED


def test_asking_for_sign_off_is_all_or_nothing_and_tells_once(client, programme, people) -> None:
    from reports import services

    kent = programme.inspections.get(force__slug="kent-police").report
    surrey = programme.inspections.get(force__slug="surrey-police").report  # approved: settled
    with pytest.raises(Exception, match="judgments are settled"):
        services.sign_offs_request(reports=[kent, surrey], actor=people.editor)
    assert not Notification.objects.filter(kind=Kind.SIGN_OFF).exists()
    services.sign_offs_request(reports=[kent], actor=people.editor)
    services.sign_offs_request(reports=[kent], actor=people.editor)  # asked again: the same record
    assert Notification.objects.filter(kind=Kind.SIGN_OFF, recipient=people.lead).count() == 1
