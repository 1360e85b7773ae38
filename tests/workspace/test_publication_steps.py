"""The publication tab's rough edges: "Publish now" and withdrawing ask first; a published report with
changes not yet public says so; the PCC response fields are in GOV.UK dress."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportState
from tests.publishing.helpers import force, make_programme, make_report
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def url(report) -> str:  # type: ignore[no-untyped-def]
    return reverse("publishing:publication", kwargs={"pk": report.pk})


def test_publish_now_asks_first(client, people) -> None:
    report = make_report(make_programme("Steps", 2016), force("kent-police"), people, state="approved")
    sign_in(client, people.editor)
    asked = client.post(url(report), {"action": "publish_now"})
    assert asked.status_code == HTTPStatus.OK
    assert "Publish the report now?" in asked.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED  # one click changed nothing
    confirmed = client.post(url(report), {"action": "publish_now", "confirmed": "yes"})
    assert confirmed.status_code == HTTPStatus.FOUND
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED and report.go_live_at is not None


def test_withdrawing_asks_first_and_keeps_the_reason(client, people, fast_pdfs) -> None:
    report = make_report(make_programme("Steps", 2016), force("kent-police"), people, state="published")
    sign_in(client, people.editor)
    asked = client.post(url(report), {"action": "withdraw", "withdraw-reason": "Legal review."})
    page = asked.content.decode()
    assert "Withdraw the report?" in page and 'name="withdraw-reason" value="Legal review."' in page
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    client.post(url(report), {"action": "withdraw", "withdraw-reason": "Legal review.", "confirmed": "yes"})
    report.refresh_from_db()
    assert report.state == ReportState.WITHDRAWN and report.withdrawal_reason == "Legal review."


def test_a_published_report_with_changes_not_yet_public_says_so(client, people, fast_pdfs) -> None:
    report = make_report(make_programme("Steps", 2016), force("kent-police"), people, state="published")
    sign_in(client, people.editor)
    assert "Not yet public" not in client.get(url(report)).content.decode()
    report.refresh_from_db()
    services.report_save_part(
        report=report, actor=people.inspector, part="summary", text="A later fix.", based_on=report.version
    )
    page = client.get(url(report)).content.decode()
    assert "Not yet public: its text (revisions" in page and 'href="#correct"' in page


def test_the_pcc_response_fields_are_styled(client, people, fast_pdfs) -> None:
    report = make_report(make_programme("Steps", 2016), force("kent-police"), people, state="published")
    sign_in(client, people.editor)
    page = client.get(url(report)).content.decode()
    url_input = re.search(r'<input[^>]*name="pcc-url"[^>]*>', page)
    file_input = re.search(r'<input[^>]*name="pcc-file"[^>]*>', page)
    assert url_input and "govuk-input" in url_input.group(0)
    assert file_input and "govuk-file-upload" in file_input.group(0)
