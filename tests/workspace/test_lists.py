"""The workspace's list of reports: paginated, filtered by programme, force, state, person and overdue
from the address, and searched over drafts (the latest revision) and findings."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from inspections.models import Finding
from inspections.timetable import Milestone, ProgrammeDeadline
from reports import services
from tests.publishing.helpers import force, make_programme, make_report
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def listed(client, **query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("reports:report_list"), query)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


@pytest.fixture
def reports(people):  # type: ignore[no-untyped-def]
    programme = make_programme("Lists", 2016)
    kent = make_report(programme, force("kent-police"), people, state="draft")
    surrey = make_report(programme, force("surrey-police"), people, state="in_review")
    return programme, kent, surrey


def test_search_finds_words_in_the_latest_revision_only(client, reports, people) -> None:
    _, kent, _ = reports
    kent.refresh_from_db()
    services.report_save_part(
        report=kent, actor=people.inspector, part="summary", text="Custody suites were clean.", based_on=kent.version
    )
    sign_in(client, people.inspector)
    page = listed(client, q="custody CLEAN")
    assert ">Kent Police</a>" in page and ">Surrey Police</a>" not in page
    assert "Custody suites were clean." in page  # where it was found
    kent.refresh_from_db()
    services.report_save_part(
        report=kent, actor=people.inspector, part="summary", text="Rewritten.", based_on=kent.version
    )
    assert ">Kent Police</a>" not in listed(client, q="custody")  # an earlier revision is not searched


def test_search_finds_words_in_findings(client, reports, people) -> None:
    _, _, surrey = reports
    Finding.objects.create(
        inspection=surrey.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="Vetting backlogs must fall."
    )
    sign_in(client, people.editor)
    page = listed(client, q="vetting")
    assert ">Surrey Police</a>" in page and ">Kent Police</a>" not in page
    assert "<strong>Finding:</strong> Vetting backlogs must fall." in page


def test_filters_come_from_the_address(client, reports, people, make_user) -> None:
    programme, kent, _ = reports
    stranger = make_user(Role.INSPECTOR)
    sign_in(client, people.editor)
    assert ">Surrey Police</a>" in listed(client, state="in_review") and ">Kent Police</a>" not in listed(
        client, state="in_review"
    )
    assert ">Kent Police</a>" in listed(client, force=str(kent.inspection.force_id))
    assert "0 reports match" in listed(client, person=str(stranger.pk))
    assert ">Kent Police</a>" in listed(client, person=str(people.inspector.pk), programme=str(programme.pk))
    ProgrammeDeadline.objects.create(
        programme=programme, milestone=Milestone.FIRST_DRAFT, due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    late = listed(client, overdue="on")
    assert ">Kent Police</a>" in late and ">Surrey Police</a>" not in late  # Surrey's first draft was submitted


def test_an_unknown_filter_value_is_reported_and_ignored(client, reports, people) -> None:
    sign_in(client, people.editor)
    page = listed(client, state="lost", force="999999")
    assert "There is no such state" in page and "There is no such force" in page
    assert ">Kent Police</a>" in page and ">Surrey Police</a>" in page


def test_the_list_is_paginated(client, people) -> None:
    programme = make_programme("Many", 2016)
    for slug in ("kent-police", "surrey-police", "essex-police"):
        make_report(programme, force(slug), people, state="draft")
    from reports.views import lists

    lists.PAGE_SIZE, before = 2, lists.PAGE_SIZE
    try:
        sign_in(client, people.editor)
        first, second = listed(client), listed(client, page="2")
    finally:
        lists.PAGE_SIZE = before
    assert first.count('class="govuk-link" href="/workspace/reports/') == 2
    assert second.count('class="govuk-link" href="/workspace/reports/') == 1
    assert 'aria-label="Page 2"' in first
