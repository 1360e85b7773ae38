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
