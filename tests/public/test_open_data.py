"""The public's data: the Atom feed, the CSV and JSON files, the data dictionary and the JSON API.

Reports are published as tests/publishing/test_publication.py does it (real services, real renders);
the query-count tests build many published reports straight in the database instead, since what they
measure is the reads. The embargo tests put a report in every state before (and after) publication,
each about a force and with a summary of its own, and look for them everywhere.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from http import HTTPStatus
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.roles import Role
from inspections.models import Finding, Force, Inspection, Judgment, Pillar, RecommendationUpdate
from public import open_data
from publishing import services as publication
from publishing.models import Edition, EditionFinding
from reports import services
from reports.models import Report, ReportState, Revision
from tests.factories import (
    FindingFactory,
    InspectionFactory,
    ProgrammeFactory,
    QuestionFactory,
    UserFactory,
    grade,
    ready_inspection,
    translate_whole_report,
    write_whole_report,
)
from tests.publishing.helpers import render_all
from tests.publishing.test_publication import published, soon

pytestmark = pytest.mark.django_db

JUDGMENT_HEADER = (
    "force,force_slug,region,country,programme,programme_slug,year,scale,subject,pillar,question,grade,"
    "grade_rank,report_url,published_on"
)


def report_in_state(state: str, *, force_slug: str, summary: str, make_user, editor) -> Report:  # type: ignore[no-untyped-def]
    """A report about ``force_slug`` whose summary is ``summary``, with an area for improvement and a
    recommendation mentioning it, taken through the real workflow to ``state``."""
    inspector = make_user(Role.INSPECTOR)
    lead = make_user(Role.LEAD_INSPECTOR, name=f"Lead of {summary}")
    inspection = ready_inspection(team=[inspector], lead=lead)
    Inspection.objects.filter(pk=inspection.pk).update(force=Force.objects.get(slug=force_slug))
    inspection.refresh_from_db()
    FindingFactory(inspection=inspection, text=f"Improve {summary}.")
    recommendation = FindingFactory(
        inspection=inspection,
        kind=Finding.Kind.RECOMMENDATION,
        text=f"Recommend {summary}.",
        deadline=datetime.date(2017, 6, 30),
    )
    RecommendationUpdate.objects.create(
        recommendation=recommendation,
        status="progressing",
        comment=f"Progress on {summary}.",
        recorded_on=datetime.date(2017, 3, 1),
    )
    report = services.report_start(inspection=inspection)
    if state == ReportState.DRAFT:
        return report
    write_whole_report(report, inspector)
    services.report_save_part(report=report, actor=inspector, part="summary", text=summary, based_on=report.version)
    report.refresh_from_db()
    services.report_sign_off_judgments(report=report, actor=lead)
    report.refresh_from_db()
    report = services.report_submit_for_review(report=report, actor=inspector)
    if state == ReportState.IN_REVIEW:
        return report
    translate_whole_report(report, editor)
    report = publication.report_approve(report=report, actor=editor, revision_number=report.version)
    if state == ReportState.APPROVED:
        return report
    if state == ReportState.SCHEDULED:
        # Rendered and ready, an hour from going live: as close to public as it gets.
        report = publication.report_schedule(report=report, actor=editor, go_live_at=soon(60))
        render_all()
        report.refresh_from_db()
        return report
    report = published(report, editor, None)
    if state == ReportState.WITHDRAWN:
        report = publication.report_withdraw(report=report, actor=editor, reason="Withdrawn for a test.")
    return report


@pytest.fixture
def live(make_user, editor) -> Report:  # type: ignore[no-untyped-def]
    return report_in_state(
        ReportState.PUBLISHED,
        force_slug="cumbria-constabulary",
        summary="Cumbria treats the public fairly.",
        make_user=make_user,
        editor=editor,
    )


def correct_record(report: Report, editor, note: str = "Corrected the findings.") -> Report:  # type: ignore[no-untyped-def]
    """Publish the inspection's record as it stands now as a new edition, live at once. The record
    services move the record version on every change; the ORM changes these tests make do not, so this
    moves it as they would."""
    Report.objects.filter(pk=report.pk).update(record_version=F("record_version") + 1)
    report.refresh_from_db()
    publication.report_correct(report=report, actor=editor, change_note=note)
    render_all()
    assert publication.publication_sweep()["corrections"] == 1
    report.refresh_from_db()
    return report


def body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response))))


# --- Content -------------------------------------------------------------------------------------


def test_the_feed_has_an_entry_per_publication_and_correction(live, inspector, editor, client) -> None:
    response = client.get("/reports/feed/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = body(response)
    title = f"Cumbria Constabulary: {live.inspection.programme.name}"
    assert f"<title>{title}</title>" in feed
    assert f'href="{settings.SITE_URL}/reports/{live.slug}/"' in feed
    assert "Cumbria treats the public fairly." in feed and "<name>Lead of Cumbria" in feed
    assert "(corrected)" not in feed

    writer = live.inspection.team.get()
    services.report_save_part(
        report=live,
        actor=writer,
        part="summary",
        text="Cumbria treats the public fairly & well.",
        based_on=live.version,
    )
    live.refresh_from_db()
    publication.report_correct(report=live, actor=editor, change_note="Corrected the summary.")
    # Prepared but not live yet: the correction is not news until it goes live.
    assert "(corrected)" not in body(client.get("/reports/feed/"))
    render_all()
    assert publication.publication_sweep()["corrections"] == 1
    feed = body(client.get("/reports/feed/"))
    assert feed.count("<entry>") == 2
    assert feed.index(f"{title} (corrected)") < feed.index(f"<title>{title}</title>")  # newest first
    assert "Correction: Corrected the summary." in feed and "fairly &amp;amp; well." in feed


def test_the_feed_is_not_taken_for_a_report_slug(client) -> None:
    response = client.get("/reports/feed/")
    assert response.status_code == HTTPStatus.OK and "<feed" in body(response)


def test_judgments_csv_has_every_judgment_of_the_published_report(live, client) -> None:
    response = client.get("/data/judgments.csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="judgments.csv"'
    text = body(response)
    assert text.splitlines()[0] == JUDGMENT_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["subject"] for row in rows] == ["overall", "1", "2"]
    first = rows[0]
    assert first["force"] == "Cumbria Constabulary" and first["force_slug"] == "cumbria-constabulary"
    assert first["country"] == "England" and first["region"]
    assert first["programme_slug"] == live.inspection.programme.slug and first["year"] == "2016"
    assert first["scale"] == "peel-2014-2019" and first["pillar"] == "Legitimacy" and first["question"] == ""
    assert first["grade"] == "Good" and first["grade_rank"] == "2"
    assert first["report_url"] == f"{settings.SITE_URL}/reports/{live.slug}/"
    assert first["published_on"] == timezone.localdate(live.first_published_at).isoformat()
    assert rows[1]["question"].startswith("How well does the force")


def test_judgments_json_matches_the_csv(live, client) -> None:
    response = client.get("/data/judgments.json")
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["columns"] == JUDGMENT_HEADER.split(",")
    assert data["count"] == 3 and data["judgments"][0]["grade_rank"] == 2 and data["judgments"][0]["year"] == 2016
    assert data["judgments"][0]["question"] is None


def test_findings_files_carry_kind_status_deadline_and_cause(live, editor, client) -> None:
    inspection = live.inspection
    cause = Finding.objects.create(inspection=inspection, kind=Finding.Kind.CAUSE_OF_CONCERN, text="A cause.")
    Finding.objects.create(
        inspection=inspection, kind=Finding.Kind.RECOMMENDATION, text="Answer the cause.", cause_of_concern=cause
    )
    correct_record(live, editor)
    rows = csv_rows(client.get("/data/findings.csv"))
    by_text = {row["text"]: row for row in rows}
    assert set(by_text) == {
        "Improve Cumbria treats the public fairly..",
        "Recommend Cumbria treats the public fairly..",
        "A cause.",
        "Answer the cause.",
    }
    recommendation = by_text["Recommend Cumbria treats the public fairly.."]
    assert recommendation["kind"] == "recommendation" and recommendation["status"] == "awaiting"
    assert recommendation["deadline"] == "2017-06-30" and recommendation["cause_of_concern"] == ""
    answer = by_text["Answer the cause."]
    assert answer["cause_of_concern"] == "A cause." and answer["cause_of_concern_id"] == str(cause.pk)
    assert by_text["A cause."]["accelerated"] == "false"
    data = client.get("/data/findings.json").json()
    assert data["count"] == 4 and {row["kind"] for row in data["findings"]} == {"afi", "recommendation", "cause"}


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTab"])
def test_a_csv_cell_never_starts_a_formula_but_the_json_keeps_the_text(live, editor, client, text: str) -> None:
    Finding.objects.create(inspection=live.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="x")
    correct_record(live, editor)
    # Written past the models' cleaning (which trims a leading tab), as text from elsewhere could be:
    # the file must stay safe whatever the database holds.
    EditionFinding.objects.filter(text="x").update(text=text)
    texts = {row["text"] for row in csv_rows(client.get("/data/findings.csv"))}
    assert "'" + text in texts and text not in texts
    assert text in {row["text"] for row in client.get("/data/findings.json").json()["findings"]}


def test_the_data_dictionary_describes_every_column_and_links_the_files(client) -> None:
    response = client.get("/data/")
    assert response.status_code == HTTPStatus.OK
    page = body(response)
    assert page.count("<h1") == 1 and page.count("<caption") == 2
    for column in [*open_data.JUDGMENT_COLUMNS, *open_data.FINDING_COLUMNS]:
        assert f'<th scope="row" class="govuk-table__header"><code>{column.name}</code></th>' in page
    for href in ("/data/judgments.csv", "/data/judgments.json", "/data/findings.csv", "/data/findings.json"):
        assert f'href="{href}"' in page
    assert "never compare ranks" in page.lower()


def test_the_api_lists_and_describes_a_published_report(live, client) -> None:
    listing = client.get("/api/v1/reports/").json()
    assert listing["count"] == 1 and listing["next"] is None and listing["previous"] is None
    assert listing["results"][0]["slug"] == live.slug
    detail = client.get(f"/api/v1/reports/{live.slug}/").json()
    assert detail["force"]["slug"] == "cumbria-constabulary" and detail["scale"] == "peel-2014-2019"
    assert [j["subject"] for j in detail["judgments"]] == ["overall", "1", "2"]
    assert {f["kind"] for f in detail["findings"]} == {"afi", "recommendation"}
    recommendation = next(f for f in detail["findings"] if f["kind"] == "recommendation")
    assert recommendation["updates"][0]["comment"] == "Progress on Cumbria treats the public fairly.."
    assert detail["editions"] == [
        {
            "number": 1,
            "published_at": detail["editions"][0]["published_at"],
            "change_note": "",
            "pdf_url": f"{settings.SITE_URL}/reports/{live.slug}/editions/1/pdf/",
        }
    ]
    assert client.get(f"/reports/{live.slug}/editions/1/pdf/").status_code == HTTPStatus.OK


def test_the_api_has_forces_and_their_judgments_over_the_years(live, client) -> None:
    forces = client.get("/api/v1/forces/").json()
    assert forces["count"] == 43
    counts = {force["slug"]: force["published_reports"] for force in forces["results"]}
    assert counts["cumbria-constabulary"] == 1 and sum(counts.values()) == 1
    force = client.get("/api/v1/forces/cumbria-constabulary/").json()
    assert [report["slug"] for report in force["reports"]] == [live.slug]
    assert force["reports"][0]["judgments"][0] == {
        "subject": "overall",
        "pillar": "Legitimacy",
        "question": None,
        "grade": "Good",
        "grade_rank": 2,
    }
    assert client.get("/api/v1/forces/surrey-police/").json()["reports"] == []


def test_the_api_lists_recommendations_with_their_updates(live, client) -> None:
    data = client.get("/api/v1/recommendations/").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["status"] == "awaiting" and item["deadline"] == "2017-06-30" and item["report"]["slug"] == live.slug
    assert item["updates"] == [
        {
            "recorded_on": "2017-03-01",
            "status": "progressing",
            "comment": "Progress on Cumbria treats the public fairly..",
        }
    ]
    assert client.get("/api/v1/recommendations/?status=complete").json()["count"] == 0
    bad = client.get("/api/v1/recommendations/?status=done")
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "status must be one of" in bad.json()["error"]


# --- Findings as the live edition published them -------------------------------------------------


def public_findings_seen(client, slug: str) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    """What each public reading of findings shows, as (id, kind, text, status) in its order: the
    findings CSV (empty cells as ``None``) and JSON, the API's report detail and its recommendations."""
    rows = csv_rows(client.get("/data/findings.csv"))
    csv_seen = [(int(r["id"]) if r["id"] else None, r["kind"], r["text"], r["status"] or None) for r in rows]
    files = client.get("/data/findings.json").json()["findings"]
    json_seen = [(row["id"], row["kind"], row["text"], row["status"]) for row in files]
    detail = client.get(f"/api/v1/reports/{slug}/").json()["findings"]
    api_seen = [(item["id"], item["kind"], item["text"], item.get("status")) for item in detail]
    listing = client.get("/api/v1/recommendations/").json()["results"]
    recommendations_seen = [(item["id"], "recommendation", item["text"], item["status"]) for item in listing]
    return {"csv": csv_seen, "json": json_seen, "api": api_seen, "recommendations": recommendations_seen}


def assert_findings_seen(seen: dict[str, list[tuple[Any, ...]]], findings: list[tuple[Any, ...]]) -> None:
    """Every reading shows ``findings`` (the recommendations list, its recommendations)."""
    recommendations = [finding for finding in findings if finding[1] == "recommendation"]
    assert seen == {"csv": findings, "json": findings, "api": findings, "recommendations": recommendations}


def test_findings_changed_after_publication_stay_as_published_until_a_correction_goes_live(
    live, editor, client
) -> None:
    inspection = live.inspection
    afi = Finding.objects.get(inspection=inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT)
    recommendation = Finding.objects.get(inspection=inspection, kind=Finding.Kind.RECOMMENDATION)
    published_copy = [
        (afi.pk, "afi", "Improve Cumbria treats the public fairly..", None),
        (recommendation.pk, "recommendation", "Recommend Cumbria treats the public fairly..", "awaiting"),
    ]
    assert_findings_seen(public_findings_seen(client, live.slug), published_copy)

    # The working record moves on: a text changed, a finding added, another deleted.
    Finding.objects.filter(pk=recommendation.pk).update(text="Recommend, as corrected.")
    added = Finding.objects.create(inspection=inspection, kind=Finding.Kind.NOTABLE_PRACTICE, text="Added later.")
    afi.delete()
    # The public still reads the published copy, the deleted finding's too: only its id, which was the
    # working finding's, is gone with it.
    assert_findings_seen(
        public_findings_seen(client, live.slug),
        [(None, *published_copy[0][1:]), published_copy[1]],
    )

    correct_record(live, editor)
    # The new edition's copy, with the ids still the working findings'.
    assert_findings_seen(
        public_findings_seen(client, live.slug),
        [
            (added.pk, "notable", "Added later.", None),
            (recommendation.pk, "recommendation", "Recommend, as corrected.", "awaiting"),
        ],
    )


def test_a_recommendations_status_and_updates_are_public_at_once(live, client) -> None:
    recommendation = Finding.objects.get(inspection=live.inspection, kind=Finding.Kind.RECOMMENDATION)
    RecommendationUpdate.objects.create(
        recommendation=recommendation, status="complete", comment="All done.", recorded_on=datetime.date(2017, 9, 1)
    )
    Finding.objects.filter(pk=recommendation.pk).update(status="complete")

    detail = client.get(f"/api/v1/reports/{live.slug}/").json()
    item = next(f for f in detail["findings"] if f["kind"] == "recommendation")
    assert item["status"] == "complete" and [u["comment"] for u in item["updates"]] == [
        "Progress on Cumbria treats the public fairly..",
        "All done.",
    ]
    listing = client.get("/api/v1/recommendations/?status=complete").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == recommendation.pk
    assert listing["results"][0]["updates"][-1]["comment"] == "All done."
    assert client.get("/api/v1/recommendations/?status=awaiting").json()["count"] == 0
    rows = csv_rows(client.get("/data/findings.csv"))
    assert next(row for row in rows if row["kind"] == "recommendation")["status"] == "complete"


def test_a_recommendation_deleted_after_publication_keeps_its_published_status(live, client) -> None:
    recommendation = Finding.objects.get(inspection=live.inspection, kind=Finding.Kind.RECOMMENDATION)
    recommendation.delete()  # its dated updates go with it
    listing = client.get("/api/v1/recommendations/?status=awaiting").json()
    assert listing["count"] == 1
    item = listing["results"][0]
    assert item["id"] is None and item["text"] == "Recommend Cumbria treats the public fairly.."
    assert item["status"] == "awaiting" and item["updates"] == []


# --- The embargo ---------------------------------------------------------------------------------

HIDDEN = {
    ReportState.DRAFT: ("south-wales-police", "South Wales Police", "Draft-only summary ZQX1."),
    ReportState.IN_REVIEW: ("north-wales-police", "North Wales Police", "In-review-only summary ZQX2."),
    ReportState.APPROVED: ("gwent-police", "Gwent Police", "Approved-only summary ZQX3."),
    ReportState.SCHEDULED: ("dyfed-powys-police", "Dyfed-Powys Police", "Scheduled-only summary ZQX4."),
    ReportState.WITHDRAWN: ("surrey-police", "Surrey Police", "Withdrawn-only summary ZQX5."),
}


def test_nothing_unpublished_is_in_the_feed_files_or_api(live, make_user, editor, client) -> None:
    hidden = {
        state: report_in_state(state, force_slug=slug, summary=summary, make_user=make_user, editor=editor)
        for state, (slug, _, summary) in HIDDEN.items()
    }
    for state, report in hidden.items():
        report.refresh_from_db()
        assert report.state == state
    assert hidden[ReportState.SCHEDULED].editions.get().render_status == Edition.RenderStatus.READY

    public = {
        url: body(client.get(url))
        for url in (
            "/reports/feed/",
            "/data/judgments.csv",
            "/data/judgments.json",
            "/data/findings.csv",
            "/data/findings.json",
            "/api/v1/reports/",
            "/api/v1/recommendations/",
        )
    }
    for url, text in public.items():
        assert "Cumbria" in text, url  # the published one is there
        for state, (force_slug, force_name, summary) in HIDDEN.items():
            report = hidden[state]
            secrets = (force_slug, force_name, summary, report.slug, report.inspection.programme.slug)
            if state == ReportState.WITHDRAWN and url == "/reports/feed/":
                # The feed says it was withdrawn (its title and notice's address), never what it said.
                assert f"Withdrawn: {force_name}" in text, url
                secrets = (summary,)
            for secret in secrets:
                assert secret not in text, (url, state, secret)
    for state, (force_slug, _, _) in HIDDEN.items():
        slug = hidden[state].slug
        detail = client.get(f"/api/v1/reports/{slug}/")
        if state == ReportState.WITHDRAWN:  # gone, with when and why (test_withdrawal_trace.py)
            assert detail.status_code == HTTPStatus.GONE and set(detail.json()) == {"error", "withdrawn_on", "reason"}
        else:
            assert detail.status_code == HTTPStatus.NOT_FOUND, state
            assert detail.json() == {"error": f"No published report has the slug {slug!r}"}
        assert client.get(f"/api/v1/forces/{force_slug}/").json()["reports"] == [], state
    counts = {force["slug"]: force["published_reports"] for force in client.get("/api/v1/forces/").json()["results"]}
    assert counts["cumbria-constabulary"] == 1 and sum(counts.values()) == 1


def test_a_scheduled_report_appears_everywhere_once_it_goes_live(make_user, editor, client) -> None:
    slug, name, summary = HIDDEN[ReportState.SCHEDULED]
    report = report_in_state(
        ReportState.SCHEDULED, force_slug=slug, summary=summary, make_user=make_user, editor=editor
    )
    assert name not in body(client.get("/data/judgments.csv"))
    Report.objects.filter(pk=report.pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    assert publication.publication_sweep()["published"] == 1
    assert summary in body(client.get("/reports/feed/"))
    assert name in body(client.get("/data/judgments.csv"))
    assert client.get(f"/api/v1/reports/{report.slug}/").status_code == HTTPStatus.OK


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", "99999", "99999999999999999999", ""])
@pytest.mark.parametrize("url", ["/api/v1/reports/", "/api/v1/recommendations/"])
def test_a_bad_page_is_a_400_in_json(client, url: str, page: str) -> None:
    response = client.get(url, {"page": page})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json" and "page must be" in response.json()["error"]


def test_page_one_of_nothing_is_an_empty_page(client) -> None:
    data = client.get("/api/v1/reports/?page=1").json()
    assert data == {"count": 0, "page": 1, "pages": 1, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "url", ["/api/v1/reports/no-such-report/", "/api/v1/forces/no-such-force/", "/api/v1/nothing/", "/api/v2/"]
)
def test_unknown_addresses_are_a_404_in_json(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json" and response.json()["error"]


def test_an_endpoint_without_its_slash_redirects(client) -> None:
    response = client.get("/api/v1/reports?page=2")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY and response["Location"] == "/api/v1/reports/?page=2"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/v1/reports/", "/api/v1/forces/west-midlands-police/", "/api/v1/openapi.json"])
def test_the_api_is_read_only(url: str, method: str) -> None:
    from django.test import Client

    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD" and "read-only" in response.json()["error"]


def test_the_data_files_take_only_get(client) -> None:
    assert client.post("/data/judgments.csv").status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- Queries -------------------------------------------------------------------------------------


def many_published(count: int) -> list[Report]:
    """``count`` published reports of one programme, one a force, each with two judgments, two
    findings and a recommendation update: made in the database directly, as only the reads matter."""
    lead = UserFactory(name="Many Lead")
    programme = ProgrammeFactory()
    question = QuestionFactory(programme=programme, number=1)
    legitimacy = Pillar.objects.get(slug="legitimacy")
    moment = timezone.now() - datetime.timedelta(days=1)
    reports = []
    for force in Force.objects.order_by("name")[:count]:
        inspection = InspectionFactory(programme=programme, force=force, lead_inspector=lead)
        Judgment.objects.create(inspection=inspection, question=question, grade=grade("good"))
        Judgment.objects.create(inspection=inspection, pillar=legitimacy, grade=grade("outstanding"))
        FindingFactory(inspection=inspection)
        recommendation = FindingFactory(inspection=inspection, kind=Finding.Kind.RECOMMENDATION)
        RecommendationUpdate.objects.create(recommendation=recommendation, status="progressing", comment="Going.")
        report = Report.objects.create(
            inspection=inspection,
            slug=f"{programme.slug}-{force.slug}",
            state=ReportState.PUBLISHED,
            first_published_at=moment,
            version=1,
        )
        revision = Revision.objects.create(report=report, number=1, author=lead, content={"summary": "Summary."})
        Edition.objects.create(report=report, number=1, revision=revision, created_by=lead, published_at=moment)
        reports.append(report)
    return reports


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body(response)
    return len(captured)


URLS = [
    "/reports/feed/",
    "/data/judgments.csv",
    "/data/findings.csv",
    "/data/judgments.json",
    "/api/v1/reports/",
    "/api/v1/forces/",
    "/api/v1/recommendations/",
]


def test_the_number_of_queries_does_not_grow_with_the_rows(client, django_assert_max_num_queries) -> None:
    first = many_published(3)
    few = {url: queries(client, url) for url in URLS}
    few_detail = queries(client, f"/api/v1/reports/{first[0].slug}/")
    many = many_published(40)  # another programme: 43 reports in all, 86 judgments and 86 findings
    for url in URLS:
        with django_assert_max_num_queries(few[url]):
            assert queries(client, url) == few[url], url
    with django_assert_max_num_queries(few_detail):
        queries(client, f"/api/v1/reports/{many[-1].slug}/")
    with django_assert_max_num_queries(3):
        queries(client, f"/api/v1/forces/{many[-1].inspection.force.slug}/")
    many_published(10)  # 53 reports: two pages
    first_page = client.get("/api/v1/reports/").json()
    assert first_page["count"] == 53 and len(first_page["results"]) == 50 and first_page["previous"] is None
    assert first_page["next"] == f"{settings.SITE_URL}/api/v1/reports/?page=2"
    with django_assert_max_num_queries(few["/api/v1/reports/"]):
        second_page = client.get("/api/v1/reports/?page=2").json()
    assert len(second_page["results"]) == 3 and second_page["next"] is None
    assert second_page["previous"] == f"{settings.SITE_URL}/api/v1/reports/?page=1"
    assert client.get("/api/v1/reports/?page=3").status_code == HTTPStatus.BAD_REQUEST


# --- The OpenAPI document ------------------------------------------------------------------------


def api_paths() -> set[str]:
    """Every path of the URLconf under /api/v1/, in OpenAPI's form (``{slug}`` for ``<slug:slug>``)."""
    import re

    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_openapi_document_describes_every_api_path(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == HTTPStatus.OK
    document = json.loads(response.content)
    assert document["openapi"] == "3.1.0"
    paths = api_paths()
    assert "/api/v1/reports/{slug}/" in paths and len(paths) == 6
    assert set(document["paths"]) == paths
    for path, item in document["paths"].items():
        assert set(item) == {"get"}, path
        assert {"200", "405"} <= set(item["get"]["responses"]), path
    refs = set(json.dumps(document).split('"$ref": "#/components/schemas/')[1:])
    for ref in refs:
        assert ref.split('"')[0] in document["components"]["schemas"]
