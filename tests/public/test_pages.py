"""The public site's finding aids: /reports/ filters and search, the home page, sitemap.xml, robots.txt
and canonical links. Reports reach their states through the services (tests/publishing/helpers.py)."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.utils import timezone

from publishing import services as publication
from reports.models import Report
from tests.publishing.helpers import force, make_programme, make_report, page

pytestmark = pytest.mark.django_db


def found(body: str) -> list[str]:
    """The report slugs listed in the results of /reports/ (or /cy/adroddiadau/: Welsh slugs there), in order."""
    results = body[body.index('id="results-heading"') :]
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="(?:/reports|/cy/adroddiadau)/([^/"]+)/"', results
    )


def count(body: str) -> str:
    return re.search(r'id="results-heading"[^>]*>([^<]*)<', body).group(1)  # type: ignore[union-attr]


@pytest.fixture
def library(people, fast_pdfs):  # type: ignore[no-untyped-def]
    """Two years of a programme: West Midlands good in 2015 and outstanding in 2016, Kent requires
    improvement in 2016, and one 2016 report (Dorset) only scheduled, with a word of its own."""
    y2015 = make_programme("Legitimacy 2015", 2015)
    y2016 = make_programme("Legitimacy 2016", 2016)
    reports = {
        "wmp-2015": make_report(y2015, force("west-midlands-police"), people, state="published", overall="good"),
        "wmp-2016": make_report(
            y2016,
            force("west-midlands-police"),
            people,
            state="published",
            overall="outstanding",
            summary="Custody records were exemplary.",
        ),
        "kent-2016": make_report(
            y2016, force("kent-police"), people, state="published", overall="requires-improvement"
        ),
        "dorset-2016": make_report(y2016, force("dorset-police"), people, state="scheduled", overall="inadequate"),
    }
    return reports


# --- /reports/: filters -----------------------------------------------------------------------


def test_the_list_shows_every_published_report_with_its_overall_grade_newest_first(client, library) -> None:
    body = page(client, "/reports/")
    assert count(body) == "3 reports"
    assert set(found(body)) == {library[key].slug for key in ("wmp-2015", "wmp-2016", "kent-2016")}
    assert library["dorset-2016"].slug not in body
    # The grade is in words, and the colour only repeats it.
    assert '<strong class="govuk-tag app-grade app-grade--outstanding">Outstanding</strong>' in body
    assert '<strong class="govuk-tag app-grade app-grade--requires-improvement">Requires improvement</strong>' in body
    assert "Inadequate" not in body.split('id="results-heading"')[1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("force=west-midlands-police", {"wmp-2015", "wmp-2016"}),
        ("year=2016", {"wmp-2016", "kent-2016"}),
        ("programme=test-2015-legitimacy-2015", {"wmp-2015"}),
        ("grade=good", {"wmp-2015"}),
        ("pillar=legitimacy&grade=requires-improvement", {"kent-2016"}),
        ("force=west-midlands-police&year=2016", {"wmp-2016"}),
        ("force=kent-police&grade=outstanding", set()),
        ("pillar=legitimacy", {"wmp-2015", "wmp-2016", "kent-2016"}),
    ],
)
def test_filters_narrow_the_list(client, library, query: str, expected: set[str]) -> None:
    body = page(client, f"/reports/?{query}")
    assert set(found(body)) == {library[key].slug for key in expected}, query
    assert "There is a problem" not in body
    if not expected:
        assert "No published report matches" in body and "clear the filters" in body


def test_the_filters_offer_only_what_is_published_and_keep_their_values(client, library) -> None:
    body = page(client, "/reports/?force=kent-police&year=2016")
    assert '<option value="kent-police" selected>Kent Police</option>' in body
    assert '<option value="2016" selected>2016</option>' in body
    assert '<option value="dorset-police"' not in body  # only scheduled: not a choice
    assert '<option value="inadequate"' not in body  # only the scheduled report has it
    assert '<option value="outstanding">Outstanding</option>' in body
    # Each filter in use can be removed on its own, keeping the others.
    assert 'href="?year=2016">Remove<span class="govuk-visually-hidden"> filter</span> force: Kent Police</a>' in body


def test_pages_keep_the_filters_in_their_links(client, people, fast_pdfs, settings) -> None:
    from public.views import pages as public

    programme = make_programme("Legitimacy 2016", 2016)
    for slug in ("kent-police", "dorset-police", "gwent-police"):
        make_report(programme, force(slug), people, state="published")
    settings.DEBUG = False
    public.PAGE_SIZE, saved = 2, public.PAGE_SIZE
    try:
        body = page(client, "/reports/?year=2016&grade=good")
        assert count(body) == "3 reports found" and len(found(body)) == 2
        assert 'href="?year=2016&amp;grade=good&amp;page=2" rel="next"' in body
        second = page(client, "/reports/?year=2016&grade=good&page=2")
        assert len(found(second)) == 1 and 'rel="prev"' in second
        # A page past the end shows the last page; a page that is not a number, the first.
        assert found(page(client, "/reports/?year=2016&grade=good&page=99")) == found(second)
        assert found(page(client, "/reports/?year=2016&grade=good&page=two")) == found(body)
        assert 'href="http://testserver/reports/?page=2"' not in second  # canonical on SITE_URL
        assert f'<link rel="canonical" href="{settings.SITE_URL}/reports/?page=2">' in second
    finally:
        public.PAGE_SIZE = saved


@pytest.mark.parametrize(
    ("query", "field", "shown"),
    [
        ("force=nowhere-police", "force", "3 reports"),
        ("year=abc", "year", "3 reports"),
        ("year=1999", "year", "3 reports"),
        ("grade=inadequate", "grade", "3 reports"),  # only an unpublished report has it
        ("force=dorset-police", "force", "3 reports"),  # only scheduled
        ("pillar=%00", "pillar", "3 reports"),
        ("force=nowhere&year=2016", "force", "2 reports found"),
    ],
)
def test_a_malformed_filter_is_named_and_ignored_never_a_server_error(
    client, library, query: str, field: str, shown: str
) -> None:
    response = client.get(f"/reports/?{query}")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "<title>Error: Reports" in body and "There is a problem" in body
    assert f'<a href="#id_{field}">There is no published report for that' in body
    assert "this filter was ignored" in body
    assert count(body) == shown


# --- /reports/: text search -----------------------------------------------------------------------


def test_search_finds_reports_by_their_text_force_and_inspector(client, library, people) -> None:
    assert set(found(page(client, "/reports/?q=Kent"))) == {library["kent-2016"].slug}
    # Words from the report's text; on PostgreSQL stemmed ("record" finds "records").
    assert set(found(page(client, "/reports/?q=custody+records"))) == {library["wmp-2016"].slug}
    # The lead inspector's name.
    everyone = set(found(page(client, f"/reports/?q={people.lead.name.split()[0]}")))
    assert everyone == {library[key].slug for key in ("wmp-2015", "wmp-2016", "kent-2016")}
    # Search and filters together.
    assert set(found(page(client, "/reports/?q=West+Midlands&year=2015"))) == {library["wmp-2015"].slug}
    body = page(client, "/reports/?q=nothing+like+this+anywhere")
    assert found(body) == [] and "No published report matches" in body


def test_search_never_finds_an_unpublished_report(client, library, people) -> None:
    assert found(page(client, "/reports/?q=Dorset")) == []
    kent = library["kent-2016"]
    publication.report_withdraw(report=kent, actor=people.editor, reason="A mistake.")
    assert found(page(client, "/reports/?q=Kent")) == []


@pytest.mark.parametrize(
    "text", ["%00%01", "'\"", "a" * 5000, "-", "OR AND", "%3Cscript%3Ealert(1)%3C/script%3E", "%E2%80%AE", "!:*&|"]
)
def test_odd_search_text_is_searched_as_text(client, library, text: str) -> None:
    response = client.get(f"/reports/?q={text}")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "<script>alert(1)" not in body and "There is a problem" not in body


def test_a_report_is_found_by_its_corrected_text(client, people, fast_pdfs) -> None:
    from reports import services
    from tests.publishing.helpers import render_all

    report = make_report(make_programme("Legitimacy 2016", 2016), force("kent-police"), people, state="published")
    assert found(page(client, "/reports/?q=zeppelin")) == []
    latest = report.latest_revision()
    services.report_save_part(
        report=report, actor=people.inspector, part="summary", text="A zeppelin.", based_on=latest.number
    )
    # Not before the correction goes live: the public text is the live edition's.
    assert found(page(client, "/reports/?q=zeppelin")) == []
    publication.report_correct(report=report, actor=people.editor, change_note="Summary corrected.")
    render_all()
    publication.publication_sweep()
    assert found(page(client, "/reports/?q=zeppelin")) == [report.slug]


# --- The home page ------------------------------------------------------------------------------


def test_the_home_page_has_the_latest_reports_upcoming_dates_and_a_search_box(client, library) -> None:
    dorset = library["dorset-2016"]
    body = page(client, "/")
    assert body.count("<h1") == 1
    assert '<form method="get" action="/reports/" role="search"' in body and 'name="q" type="search"' in body
    for key in ("wmp-2016", "kent-2016", "wmp-2015"):
        assert f'href="/reports/{library[key].slug}/"' in body
    # The scheduled report: its date and programme only; no force, address, grade or time.
    go_live = timezone.localtime(dorset.go_live_at)
    assert f"<strong>{go_live.day} {go_live:%B %Y}</strong><br>Legitimacy 2016: 1 report</li>" in body
    assert dorset.slug not in body and "Dorset" not in body and "Inadequate" not in body
    assert f"{go_live:%H:%M}" not in body


def test_the_home_page_says_when_nothing_is_published_or_scheduled(client) -> None:
    body = page(client, "/")
    assert "No report has been published yet." in body and "No publication is scheduled." in body


# --- Sitemap, robots.txt, canonical ---------------------------------------------------------------


def test_the_sitemap_lists_published_reports_forces_and_programmes_only(client, library, settings) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK and response["Content-Type"].startswith("application/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    locations = [node.text for node in tree.findall("s:url/s:loc", namespace)]
    site = settings.SITE_URL
    assert f"{site}/" in locations and f"{site}/reports/" in locations and f"{site}/data/" in locations
    for key in ("wmp-2015", "wmp-2016", "kent-2016"):
        assert f"{site}/reports/{library[key].slug}/" in locations
    assert not [loc for loc in locations if library["dorset-2016"].slug in str(loc)]
    assert f"{site}/forces/west-midlands-police/" in locations
    assert len([loc for loc in locations if "/forces/" in str(loc) and loc != f"{site}/forces/"]) == 43
    assert f"{site}/programmes/test-2016-legitimacy-2016/" in locations


def test_robots_txt_keeps_crawlers_out_of_staff_pages_and_names_the_sitemap(client, settings) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK and response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for path in ("/workspace/", "/admin/", "/accounts/", "/fact-check/"):
        assert f"Disallow: {path}\n" in body
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body


def test_pages_name_their_canonical_address(client, library, settings) -> None:
    wmp = library["wmp-2016"]
    for url in ("/", "/reports/", f"/reports/{wmp.slug}/", "/forces/west-midlands-police/"):
        body = page(client, url)
        assert body.count('rel="canonical"') == 1, url
        assert f'<link rel="canonical" href="{settings.SITE_URL}{url}">' in body, url
    # Filters are not part of the address; a filtered list asks not to be indexed.
    body = page(client, "/reports/?year=2016")
    assert f'<link rel="canonical" href="{settings.SITE_URL}/reports/">' in body
    assert '<meta name="robots" content="noindex, follow">' in body
    assert 'name="robots"' not in page(client, "/reports/")


def test_a_scheduled_report_goes_into_the_sitemap_and_search_at_go_live(client, library) -> None:
    dorset = library["dorset-2016"]
    Report.objects.filter(pk=dorset.pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    assert publication.publication_sweep()["published"] == 1
    assert f"/reports/{dorset.slug}/" in client.get("/sitemap.xml").content.decode()
    assert found(page(client, "/reports/?q=Dorset")) == [dorset.slug]
    assert dorset.slug in page(client, "/")


def test_a_report_page_shows_its_edition_as_rendered_not_later_edits(client, library) -> None:
    """The page's grades and text are the edition's, rendered with its PDF: a judgment edited after
    publication changes nothing public on the report until a correction is published."""
    from inspections.models import Grade, Judgment

    wmp = library["wmp-2016"]
    edition = wmp.editions.get()
    assert "Outstanding" in edition.glance_html and "Custody records were exemplary." in edition.body_html
    Judgment.objects.filter(inspection=wmp.inspection, pillar__isnull=False).update(
        grade=Grade.objects.get(scale=wmp.inspection.programme.scale, slug="inadequate")
    )
    body = page(client, f"/reports/{wmp.slug}/")
    assert '<strong class="govuk-tag app-grade app-grade--outstanding">Outstanding</strong>' in body
    assert "app-grade--inadequate" not in body


@pytest.mark.parametrize("number", ["%C2%B2", "9" * 5000, "-1", "0x10"])
def test_an_odd_page_number_is_never_a_server_error_anywhere(client, library, number: str) -> None:
    for url in ("/reports/", "/forces/", "/", "/no-such-page/"):
        response = client.get(f"{url}?page={number}")
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND), url
        assert "?page=" not in response.content.decode().split('rel="canonical"')[-1].split(">")[0], url


def test_editions_rendered_before_pages_were_stored_get_their_html_from_the_sweep(client, library) -> None:
    from publishing.models import Edition

    wmp = library["wmp-2016"]
    Edition.objects.filter(report=wmp).update(glance_html="", body_html="")
    before = page(client, f"/reports/{wmp.slug}/")  # rendered on the spot meanwhile
    assert publication.publication_sweep()["html_filled"] == 1
    edition = wmp.editions.get()
    assert "Custody records were exemplary." in edition.body_html and "Outstanding" in edition.glance_html
    assert page(client, f"/reports/{wmp.slug}/") == before


def test_a_grade_changed_for_a_correction_stays_private_until_the_correction_goes_live(client, library, people) -> None:
    """The grades every public page, file and API answer shows are the live edition's copy."""
    from inspections.models import Grade, Judgment
    from reports import services
    from tests.publishing.helpers import render_all

    wmp = library["wmp-2016"]
    inadequate = Grade.objects.get(scale=wmp.inspection.programme.scale, slug="inadequate")
    Judgment.objects.filter(inspection=wmp.inspection).update(grade=inadequate)  # working copy only
    urls = [
        "/",
        "/reports/",
        "/reports/?grade=inadequate",
        f"/reports/{wmp.slug}/",
        "/forces/west-midlands-police/",
        "/data/judgments.csv",
        "/data/judgments.json",
        f"/api/v1/reports/{wmp.slug}/",
        "/api/v1/forces/west-midlands-police/",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "Inadequate" not in body and "inadequate" not in body.replace("grade=inadequate", ""), url
    table = client.get("/programmes/test-2016-legitimacy-2016/").context["table"]
    assert {count.grade.slug: count.counts for count in table.counts}["inadequate"] == [0, 0, 0]

    # Published as a correction, the new grade is everywhere at once.
    wmp.refresh_from_db()
    services.report_save_part(
        report=wmp, actor=people.inspector, part="summary", text="Now inadequate.", based_on=wmp.version
    )
    publication.report_correct(report=wmp, actor=people.editor, change_note="The grade was wrong.")
    render_all()
    assert publication.publication_sweep()["corrections"] == 1
    assert found(page(client, "/reports/?grade=inadequate")) == [wmp.slug]
    assert "Inadequate" in page(client, "/forces/west-midlands-police/")
    assert "Inadequate" in client.get("/data/judgments.csv").content.decode()
    table = client.get("/programmes/test-2016-legitimacy-2016/").context["table"]
    assert {count.grade.slug: count.counts for count in table.counts}["inadequate"] == [1, 1, 1]


def test_favicon_ico_leads_to_the_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].endswith("favicon.svg")
