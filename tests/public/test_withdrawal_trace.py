"""A withdrawn report leaves a trace where readers look: its force's page names it with the date and the
reason, the feed has an entry for the withdrawal (in Welsh too, for a Welsh force's report), and the API
answers 410 with when and why, as its description says."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.utils import timezone

from public.openapi import openapi_document
from publishing import services as publication
from tests.publishing.helpers import force, make_programme, make_report

pytestmark = pytest.mark.django_db

REASON = "The data on stop and search was wrong."


@pytest.fixture
def withdrawn(people, fast_pdfs):  # type: ignore[no-untyped-def]
    report = make_report(make_programme("Legitimacy 2016", 2016), force("gwent-police"), people, state="published")
    return publication.report_withdraw(report=report, actor=people.editor, reason=REASON)


def test_the_force_page_names_the_withdrawn_report_its_date_and_reason(client, withdrawn) -> None:
    body = client.get("/forces/gwent-police/").content.decode()
    today = timezone.localdate().strftime("%-d %B %Y")
    assert 'id="withdrawn">Withdrawn reports</h3>' in body
    assert f'href="/reports/{withdrawn.slug}/">Legitimacy 2016</a>: withdrawn on {today}. <span>{REASON}</span>' in body
    assert client.get(f"/reports/{withdrawn.slug}/").status_code == HTTPStatus.GONE
    welsh = client.get("/cy/heddluoedd/gwent-police/").content.decode()
    assert "Adroddiadau a dynnwyd yn ôl" in welsh and f'<span lang="en-GB">{REASON}</span>' in welsh


def test_the_feed_has_an_entry_for_the_withdrawal(client, withdrawn) -> None:
    feed = client.get("/reports/feed/").content.decode()
    assert "<title>Withdrawn: Gwent Police: Legitimacy 2016</title>" in feed
    assert f"The reason: {REASON}" in feed
    assert f"/reports/{withdrawn.slug}/#withdrawn</id>" in feed
    welsh = client.get("/cy/adroddiadau/ffrwd/").content.decode()
    assert "<title>Wedi'i dynnu'n ôl: Heddlu Gwent: Cymraeg: Legitimacy 2016</title>" in welsh
    assert f"Y rheswm (yn Saesneg): {REASON}" in welsh
    assert f"/cy/adroddiadau/{withdrawn.slug_cy}/#withdrawn</id>" in welsh


def test_the_api_answers_410_with_when_and_why(client, withdrawn) -> None:
    response = client.get(f"/api/v1/reports/{withdrawn.slug}/")
    assert response.status_code == HTTPStatus.GONE
    assert response.json() == {
        "error": "This report was withdrawn after publication",
        "withdrawn_on": timezone.localdate().isoformat(),
        "reason": REASON,
    }
    assert client.get("/api/v1/reports/no-such-report/").status_code == HTTPStatus.NOT_FOUND
    described = openapi_document()["paths"]["/api/v1/reports/{slug}/"]["get"]["responses"]
    assert "410" in described


def test_a_report_page_says_when_the_pcc_response_is_due_overdue_or_recorded(client, people, fast_pdfs) -> None:
    """The police and crime commissioner must respond within 56 days of publication: the report's page
    says by when, that it is late, or when the response was recorded."""
    import datetime

    from django.core.cache import cache

    from reports.models import Report

    report = make_report(make_programme("Legitimacy 2016", 2016), force("kent-police"), people, state="published")
    page = f"/reports/{report.slug}/"
    due = timezone.localdate(report.first_published_at) + datetime.timedelta(days=56)
    assert f"response is due by {due.strftime('%-d %B %Y')}." in client.get(page).content.decode()
    long_ago = timezone.now() - datetime.timedelta(days=60)
    Report.objects.filter(pk=report.pk).update(first_published_at=long_ago)
    cache.clear()  # an update behind the services' back: the cached page does not know
    late = timezone.localdate(long_ago) + datetime.timedelta(days=56)
    body = client.get(page).content.decode()
    assert (
        f"<strong>The police and crime commissioner's response is overdue: it was due by {late.strftime('%-d %B %Y')}.</strong>"
        in body
    )
    report.refresh_from_db()
    publication.pcc_response_record(report=report, actor=people.editor, url="https://pcc.example/response")
    body = client.get(page).content.decode()
    assert "overdue" not in body and f"(recorded {timezone.localdate().strftime('%-d %B %Y')})" in body
