"""Every public page type makes a fixed, small number of SQL queries, whatever the size of a report
(its sections, findings, recommendations and editions) and however many reports are published.
(The force and programme pages are held to theirs in test_public_forces.py.)"""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Finding, Force, RecommendationUpdate
from publishing import services as publication
from reports import services
from reports.models import Report
from tests.publishing.helpers import People, force, make_programme, make_report, render_all

pytestmark = pytest.mark.django_db

#: The most queries each page type may make (the page cache is off in tests: these are cold pages).
MAX_QUERIES = {
    "home": 4,
    "report_list": 6,
    "report_list_filtered": 6,
    "report": 1,
    "press_release": 2,
    "pdf": 2,
    "feed": 2,  # the editions, and the withdrawals
    "data_dictionary": 0,
    "judgments_csv": 1,
    "findings_json": 1,
    "api_reports": 2,
    "api_report": 5,
    "api_force": 3,
    "api_recommendations": 3,
    "sitemap": 6,
    "robots": 0,
}


def urls(report: Report) -> dict[str, str]:
    return {
        "home": "/",
        "report_list": "/reports/",
        "report_list_filtered": "/reports/?q=West+Midlands&year=2015&pillar=legitimacy&grade=good",
        "report": f"/reports/{report.slug}/",
        "press_release": f"/reports/{report.slug}/press-release/",
        "pdf": f"/reports/{report.slug}/pdf/",
        "feed": "/reports/feed/",
        "data_dictionary": "/data/",
        "judgments_csv": "/data/judgments.csv",
        "findings_json": "/data/findings.json",
        "api_reports": "/api/v1/reports/",
        "api_report": f"/api/v1/reports/{report.slug}/",
        "api_force": "/api/v1/forces/west-midlands-police/",
        "api_recommendations": "/api/v1/recommendations/",
        "sitemap": "/sitemap.xml",
        "robots": "/robots.txt",
    }


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == HTTPStatus.OK, url
    return len(captured.captured_queries)


def grow(report: Report, people: People) -> None:
    """Make ``report`` large: long sections, many findings of every kind with dated updates, and two
    corrections (three editions)."""
    inspection = report.inspection
    for n in range(12):
        Finding.objects.create(inspection=inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text=f"AFI {n}.")
        Finding.objects.create(inspection=inspection, kind=Finding.Kind.NOTABLE_PRACTICE, text=f"Practice {n}.")
    for n in range(4):
        cause = Finding.objects.create(inspection=inspection, kind=Finding.Kind.CAUSE_OF_CONCERN, text=f"Cause {n}.")
        for m in range(3):
            recommendation = Finding.objects.create(
                inspection=inspection,
                kind=Finding.Kind.RECOMMENDATION,
                cause_of_concern=cause,
                text=f"Recommendation {n}.{m}.",
                deadline=datetime.date(2017, 6, 1),
            )
            for day in (1, 2, 3):
                RecommendationUpdate.objects.create(
                    recommendation=recommendation,
                    status="progressing",
                    comment=f"Update {day}.",
                    recorded_on=datetime.date(2017, 1, day),
                )
    long_text = "\n\n".join(
        f"Paragraph {n} with **bold** text and a [link](https://example.org/{n})." for n in range(80)
    )
    for number in (2, 3):
        report.refresh_from_db()
        for part in ("summary", "section-1", "section-2"):
            report.refresh_from_db()
            services.report_save_part(
                report=report,
                actor=people.inspector,
                part=part,
                text=f"{long_text}\n\nEdition {number}.",
                based_on=report.version,
            )
        report.refresh_from_db()
        publication.report_correct(report=report, actor=people.editor, change_note=f"Correction {number}.")
        render_all()
        assert publication.publication_sweep()["corrections"] == 1


def test_each_public_page_makes_a_fixed_small_number_of_queries_whatever_the_report_size(
    client, people, fast_pdfs
) -> None:
    programme = make_programme("Legitimacy 2016", 2016, ["Fairness", "Ethics"])
    report = make_report(programme, force("west-midlands-police"), people, state="published", recommendation="One.")
    small = {name: queries(client, url) for name, url in urls(report).items()}

    # Many more reports and programmes, and a much larger report: 12 sections, 24 findings, 12
    # recommendations with 36 updates, and three editions.
    bigger = make_programme("Legitimacy 2015", 2015, [f"Question {n}" for n in range(1, 13)])
    for subject in Force.objects.exclude(slug="west-midlands-police").order_by("name")[:8]:
        make_report(programme, subject, people, state="published", recommendation=f"For {subject.name}.")
        make_report(bigger, subject, people, state="published")
    large_report = make_report(bigger, force("west-midlands-police"), people, state="published")
    grow(large_report, people)
    assert large_report.editions.count() == 3 and large_report.sections.count() == 12
    large = {name: queries(client, url) for name, url in urls(large_report).items()}

    assert large == small, {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    over = {name: count for name, count in large.items() if count > MAX_QUERIES[name]}
    assert not over, over
    body = client.get(f"/reports/{large_report.slug}/").content.decode()
    assert "Recommendation 3.2." in body and "Correction 3." in body and "Edition 3." in body
