"""The public's force and programme pages: /forces/, /forces/<slug>/ and /programmes/<slug>/.

Every report here reaches its state through the workflow and publication services (start, write, sign
off, submit, approve, then schedule, "Publish now" with the sweep, or withdraw), as in
test_publication.py, so the embargo is tested against what editors really do.
"""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import (
    Finding,
    Force,
    RecommendationUpdate,
)
from publishing import services as publication
from reports.models import Report, ReportState
from tests.factories import (
    ProgrammeFactory,
    five_grade_scale,
)
from tests.public.test_open_data import correct_record
from tests.publishing.helpers import force, make_programme, make_report, page

pytestmark = pytest.mark.django_db

#: Queries a page may make, whatever the number of forces, programmes, reports and recommendations.
MAX_QUERIES = {"force_list": 2, "force": 7, "programme": 6}  # a force page: one more for its withdrawn reports


# --- /forces/ --------------------------------------------------------------------------------


def test_the_force_list_has_every_force_by_region_with_wales(client) -> None:
    body = page(client, "/forces/")
    assert "<title>Police forces – " in body and body.count("<h1") == 1
    for item in Force.objects.all():
        assert f'href="/forces/{item.slug}/"' in body, item.name
    assert Force.objects.count() == 43
    assert '<h2 class="govuk-heading-m" id="region-wales">Wales</h2>' in body
    assert body.index("Dyfed-Powys Police") > body.index('id="region-wales"')
    assert "(formerly Hampshire Constabulary)" in body


# --- A force's page -------------------------------------------------------------------------


def test_a_force_page_shows_grades_by_year_beside_the_national_picture(client, people, fast_pdfs) -> None:
    wmp, others = force("west-midlands-police"), list(Force.objects.exclude(slug="west-midlands-police")[:3])
    y2015 = make_programme("Legitimacy 2015", 2015)
    y2016 = make_programme("Legitimacy 2016", 2016, ["Fairness", "Ethics", "Abuse of authority"])
    make_report(y2015, wmp, people, state="published", overall="requires-improvement")
    make_report(y2016, wmp, people, state="published", grades=["outstanding"], recommendation="Publish stop data.")
    for other, label in zip(others, ["good", "good", "inadequate"], strict=True):
        make_report(y2016, other, people, state="published", overall=label)
    rec = Finding.objects.get(text="Publish stop data.")
    RecommendationUpdate.objects.create(
        recommendation=rec, status="progressing", comment="A plan is agreed.", recorded_on=datetime.date(2017, 3, 1)
    )
    RecommendationUpdate.objects.create(
        recommendation=rec, status="complete", comment="Data now published.", recorded_on=datetime.date(2017, 9, 1)
    )
    Finding.objects.filter(pk=rec.pk).update(status="complete")
    five = ProgrammeFactory(name="PEEL 2021", slug="peel-2021-test", year=2021, scale=five_grade_scale())
    _ = five  # a programme of another scale with no report on this force: no table for it

    body = page(client, "/forces/west-midlands-police/")
    assert "<title>West Midlands Police – " in body and body.count("<h1") == 1
    assert body.count("<table") == 1  # one scale
    assert "Grades on the PEEL 2014 to 2019 (four grades) scale" in body
    for title in ("Legitimacy overall", "Fairness", "Ethics", "Abuse of authority"):
        assert f'<th scope="col" class="govuk-table__header">{title}</th>' in body
    # 2016: good overall, as were two of the three others; outstanding on fairness, alone.
    assert '<strong>Good</strong><br><span class="govuk-body-s">(3 of 4 forces graded good)</span>' in body
    assert (
        '<strong>Outstanding</strong><br><span class="govuk-body-s">(1 of 4 forces graded outstanding)</span>' in body
    )
    # 2015: requires improvement, the only force published; 2015 asked no third question.
    assert "(1 of 1 force graded requires improvement)" in body
    assert "Not graded" in body
    assert body.index("Legitimacy 2015") < body.index("Legitimacy 2016")
    assert 'href="/reports/test-2015-legitimacy-2015-west-midlands-police/"' in body
    assert 'href="/programmes/test-2016-legitimacy-2016/"' in body
    # The recommendation, its status in words, and its updates newest first.
    assert "Publish stop data." in body and ">Complete</strong>" in body
    assert body.index("Data now published.") < body.index("A plan is agreed.")
    assert '<time datetime="2017-09-01">1 September 2017</time> (Complete)' in body


def test_a_force_page_shows_recommendations_as_published_with_their_progress_live(client, people, fast_pdfs) -> None:
    programme = make_programme("Legitimacy 2016", 2016)
    report = make_report(programme, force("west-midlands-police"), people, state="published", recommendation="First.")
    first = Finding.objects.get(text="First.")
    second = Finding.objects.create(
        inspection=report.inspection, kind=Finding.Kind.RECOMMENDATION, text="Second.", order=1
    )
    report = correct_record(report, people.editor, "Added a recommendation.")
    assert ">Recommendation 2</h4>" in page(client, "/forces/west-midlands-police/")

    # The working record moves on: a text changed, a recommendation added, another deleted.
    Finding.objects.filter(pk=first.pk).update(text="First, as corrected.")
    Finding.objects.create(inspection=report.inspection, kind=Finding.Kind.RECOMMENDATION, text="Third.", order=2)
    second.delete()
    body = page(client, "/forces/west-midlands-police/")
    assert "First." in body and "Second." in body
    assert "First, as corrected." not in body and "Third." not in body
    assert body.count(">Awaiting review</strong>") == 2  # the deleted one's status as published

    # Progress is public at once, without a correction.
    RecommendationUpdate.objects.create(
        recommendation=first, status="complete", comment="Done in full.", recorded_on=datetime.date(2017, 9, 1)
    )
    Finding.objects.filter(pk=first.pk).update(status="complete")
    body = page(client, "/forces/west-midlands-police/")
    assert ">Complete</strong>" in body and body.count(">Awaiting review</strong>") == 1
    assert '<time datetime="2017-09-01">1 September 2017</time> (Complete): Done in full.' in body
    assert "First, as corrected." not in body

    correct_record(report, people.editor)
    body = page(client, "/forces/west-midlands-police/")
    assert "First, as corrected." in body and "Third." in body and "Second." not in body
    assert ">Complete</strong>" in body and "Done in full." in body
    assert body.index("First, as corrected.") < body.index("Third.")


def test_a_renamed_force_shows_its_former_name(client) -> None:
    body = page(client, "/forces/hampshire-and-isle-of-wight-constabulary/")
    assert "Known as Hampshire Constabulary until 12 July 2022." in body
    assert "No report on Hampshire and Isle of Wight Constabulary has been published yet." in body


def test_an_unknown_force_is_the_helpful_404(client) -> None:
    response = client.get("/forces/no-such-constabulary/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode() and 'href="/forces/"' in response.content.decode()


# --- A programme's national table ---------------------------------------------------------------


def test_the_programme_table_lists_every_published_force_and_counts_grades(client, people, fast_pdfs) -> None:
    programme = make_programme("Legitimacy 2016", 2016)
    subjects = {
        "west-midlands-police": "good",
        "staffordshire-police": "outstanding",
        "dyfed-powys-police": "good",
        "gwent-police": "requires-improvement",
    }
    for slug, label in subjects.items():
        make_report(programme, force(slug), people, state="published", overall=label)
    body = page(client, f"/programmes/{programme.slug}/")
    assert "<title>Legitimacy 2016: grades of every force – " in body and body.count("<h1") == 1
    assert body.count("<table") == 2 and body.count("<caption") == 2  # the grades, the counts
    for slug in subjects:
        assert f'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/forces/{slug}/">' in body
    assert "4 forces with a published report" in body
    table = client.get(f"/programmes/{programme.slug}/").context["table"]
    counts = {count.grade.slug: count.counts[0] for count in table.counts}  # column 0: Legitimacy overall
    assert counts == {"outstanding": 1, "good": 2, "requires-improvement": 1, "inadequate": 0}

    grouped = page(client, f"/programmes/{programme.slug}/?group=region")
    assert "Wales: grades by force" in grouped and "West Midlands: grades by force" in grouped
    assert grouped.count("<table") == 3  # Wales, West Midlands, the counts
    assert grouped.index("Gwent Police") > grouped.index("Wales: grades by force")
    assert 'href="/programmes/' in page(client, "/forces/")  # linked from the force list


@pytest.mark.parametrize("query", ["?group=", "?group=county", "?group=%00%ff", "?group=region&group=x", "?group[]=1"])
def test_a_malformed_group_shows_the_whole_table(client, people, fast_pdfs, query: str) -> None:
    programme = make_programme("Legitimacy 2016", 2016)
    make_report(programme, force("gwent-police"), people, state="published")
    body = page(client, f"/programmes/{programme.slug}/{query}")
    assert "Grades by force" in body and "Wales: grades by force" not in body


def test_a_programme_without_published_reports_is_404(client, people) -> None:
    programme = make_programme("Legitimacy 2017", 2017)
    make_report(programme, force("gwent-police"), people, state="approved")
    assert client.get(f"/programmes/{programme.slug}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/programmes/no-such-programme/").status_code == HTTPStatus.NOT_FOUND


# --- The embargo ----------------------------------------------------------------------------


UNPUBLISHED_STATES = ("scheduled", "approved", "in_review", "draft", "withdrawn")


def test_nothing_unpublished_reaches_the_force_or_programme_pages(client, people) -> None:
    """One published report beside one report in each state before (or after) publication, each with
    its own grade, narrative and recommendation: only the published one shows anywhere. Real PDFs."""
    programme = make_programme("Embargo 2016", 2016)
    published = make_report(
        programme,
        force("west-midlands-police"),
        people,
        state="published",
        overall="good",
        narrative="Narrative of the published report.",
        recommendation="Recommendation of the published report.",
    )
    hidden_forces = dict(
        zip(
            UNPUBLISHED_STATES,
            ["staffordshire-police", "gwent-police", "kent-police", "dorset-police", "merseyside-police"],
            strict=True,
        )
    )
    hidden = {
        state: make_report(
            programme,
            force(slug),
            people,
            state=state,
            overall="inadequate",
            grades=["outstanding", "outstanding"],
            narrative=f"Narrative of the {state} report.",
            recommendation=f"Recommendation of the {state} report.",
        )
        for state, slug in hidden_forces.items()
    }
    # The published force also has a report in a second programme that is only scheduled.
    later = make_programme("Embargo 2017", 2017)
    make_report(
        later,
        force("west-midlands-police"),
        people,
        state="scheduled",
        overall="inadequate",
        recommendation="Recommendation of the scheduled 2017 report.",
    )
    assert {state: report.state for state, report in hidden.items()} == {
        "scheduled": ReportState.SCHEDULED,
        "approved": ReportState.APPROVED,
        "in_review": ReportState.IN_REVIEW,
        "draft": ReportState.DRAFT,
        "withdrawn": ReportState.WITHDRAWN,
    }
    assert hidden["withdrawn"].first_published_at is not None  # it was public once

    pages = {
        "/forces/": page(client, "/forces/"),
        "/forces/west-midlands-police/": page(client, "/forces/west-midlands-police/"),
        f"/programmes/{programme.slug}/": page(client, f"/programmes/{programme.slug}/"),
        f"/programmes/{programme.slug}/?group=region": page(client, f"/programmes/{programme.slug}/?group=region"),
    }
    for slug in hidden_forces.values():
        pages[f"/forces/{slug}/"] = page(client, f"/forces/{slug}/")
    for url, body in pages.items():
        for state in (*UNPUBLISHED_STATES, "scheduled 2017"):
            assert f"Recommendation of the {state} report." not in body, (url, state)
            assert f"Narrative of the {state} report." not in body, (url, state)
        for report in hidden.values():
            if report.state == ReportState.WITHDRAWN and url == f"/forces/{report.inspection.force.slug}/":
                continue  # its force's page names it, linking the notice (test_withdrawal_trace.py)
            assert f"/reports/{report.slug}/" not in body, url
        assert "Embargo 2017" not in body and f"/programmes/{later.slug}/" not in body, url
        assert "<strong>Inadequate</strong>" not in body and "<strong>Outstanding</strong>" not in body, url

    # The forces whose reports are not public show no grade, report or recommendation at all.
    for state, slug in hidden_forces.items():
        body = pages[f"/forces/{slug}/"]
        assert "has been published yet" in body, state
        if state == "withdrawn":  # named only under "Withdrawn reports", with the date and reason
            assert body.count("Embargo 2016") == 1 and 'id="withdrawn"' in body, state
        else:
            assert "Embargo 2016" not in body, state
        assert "<table" not in body and "Recommendation of" not in body, state
    # The published force's page counts only published reports nationally: 1 of 1.
    wmp = pages["/forces/west-midlands-police/"]
    assert "(1 of 1 force graded good)" in wmp and "Recommendation of the published report." in wmp
    assert f'href="/reports/{published.slug}/"' in wmp
    # The programme table has one row, and no force of an unpublished report.
    table = client.get(f"/programmes/{programme.slug}/").context["table"]
    assert [row.force.slug for group in table.groups for row in group.rows] == ["west-midlands-police"]
    assert {count.grade.slug: count.counts for count in table.counts}["inadequate"] == [0, 0, 0]
    assert {count.grade.slug: count.counts for count in table.counts}["outstanding"] == [0, 0, 0]
    for slug in hidden_forces.values():
        assert f'href="/forces/{slug}/">' not in pages[f"/programmes/{programme.slug}/"], slug
        assert f'href="/forces/{slug}/">' not in pages[f"/programmes/{programme.slug}/?group=region"], slug
    assert "1 force with a published report" in pages[f"/programmes/{programme.slug}/"]
    # A programme whose only report is scheduled is not public at all.
    assert client.get(f"/programmes/{later.slug}/").status_code == HTTPStatus.NOT_FOUND

    # At go-live the scheduled report appears, through the same sweep.
    Report.objects.filter(pk=hidden["scheduled"].pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    assert publication.publication_sweep()["published"] == 1
    assert "Recommendation of the scheduled report." in page(client, "/forces/staffordshire-police/")


# --- A fixed number of queries per page, whatever the data -----------------------------------


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK, url
    return len(captured.captured_queries)


def test_each_page_makes_a_fixed_small_number_of_queries(
    client, people, fast_pdfs, django_assert_max_num_queries
) -> None:
    subjects = list(Force.objects.order_by("name")[:6])
    assert subjects[-1].slug != "west-midlands-police"
    subjects.append(force("west-midlands-police"))
    programmes = [
        make_programme(f"Legitimacy {year}", year, ["Fairness", "Ethics", "Sexual gain"]) for year in (2015, 2016, 2017)
    ]
    first = programmes[0]
    make_report(first, subjects[-1], people, state="published", recommendation="First recommendation.")
    urls = {
        "force_list": "/forces/",
        "force": "/forces/west-midlands-police/",
        "programme": f"/programmes/{first.slug}/",
        "programme_grouped": f"/programmes/{first.slug}/?group=region",
    }
    small = {name: _queries(client, url) for name, url in urls.items()}

    for programme in programmes:
        for subject in subjects:
            if programme == first and subject == subjects[-1]:
                continue
            make_report(
                programme, subject, people, state="published", recommendation=f"{programme.name} {subject.name}."
            )
    for recommendation in Finding.objects.filter(kind=Finding.Kind.RECOMMENDATION):
        for day in (1, 2):
            RecommendationUpdate.objects.create(
                recommendation=recommendation,
                status="progressing",
                comment=f"Update {day}.",
                recorded_on=datetime.date(2018, 1, day),
            )
    large = {name: _queries(client, url) for name, url in urls.items()}
    assert large == small  # the same queries for 1 report as for 21 with 42 updates

    body = page(client, "/forces/west-midlands-police/")
    assert body.count("Update 2.") == 3 and "Legitimacy 2017 West Midlands Police." in body
    for name, url in urls.items():
        with django_assert_max_num_queries(MAX_QUERIES[name.removesuffix("_grouped")]):
            client.get(url)
