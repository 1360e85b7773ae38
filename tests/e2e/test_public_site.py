"""Journey 4 of the brief in a real browser: a member of the public searches from the home page,
filters /reports/ by force, year, pillar and grade with the keyboard alone, reads a report, downloads
its PDF and opens the force's page. axe-core finds nothing on every public page type on the way (home,
list, list with errors, report, press release, withdrawn notice, data dictionary, 404), and a phone
shows the grade and the PDF link without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from playwright.sync_api import Page, expect

from accounts.roles import Role
from inspections.models import Force
from publishing import services as publication
from tests.e2e.conftest import MOBILE_VIEWPORT, assert_accessible
from tests.factories import UserFactory
from tests.publishing.helpers import People, make_programme, make_report


def publish_library() -> dict[str, object]:
    people = People(
        UserFactory(roles=[Role.INSPECTOR]), UserFactory(roles=[Role.LEAD_INSPECTOR]), UserFactory(roles=[Role.EDITOR])
    )
    y2015 = make_programme("Legitimacy 2015", 2015)
    y2016 = make_programme("Legitimacy 2016", 2016)
    wmp = Force.objects.get(slug="west-midlands-police")
    reports = {
        "wmp-2015": make_report(y2015, wmp, people, state="published", overall="requires-improvement"),
        "wmp-2016": make_report(
            y2016, wmp, people, state="published", overall="good", recommendation="Publish the stop data."
        ),
        "kent-2016": make_report(y2016, Force.objects.get(slug="kent-police"), people, state="published"),
        "gwent-2016": make_report(y2016, Force.objects.get(slug="gwent-police"), people, state="published"),
    }
    publication.report_withdraw(report=reports["gwent-2016"], actor=people.editor, reason="Demo: withdrawn in error.")
    return reports


def test_journey_4_search_filter_read_download_and_compare(page: Page) -> None:
    reports = publish_library()
    wmp = reports["wmp-2016"]

    # Home: the latest reports and a search box.
    page.goto("/")
    assert_accessible(page)
    page.get_by_label("Search reports").fill("West Midlands")
    page.keyboard.press("Enter")
    expect(page).to_have_url("/reports/?q=West+Midlands")
    expect(page.locator("#results-heading")).to_have_text("2 reports found")
    assert_accessible(page)

    # Filters with the keyboard alone: type-ahead in each select, Tab on, Enter on the button.
    page.goto("/reports/")
    page.get_by_label("Force").focus()
    page.keyboard.type("West Midlands")
    page.keyboard.press("Tab")  # to Programme
    page.keyboard.press("Tab")  # to Year
    page.keyboard.type("2016")
    page.keyboard.press("Tab")  # to Pillar
    page.keyboard.type("Legitimacy")
    page.keyboard.press("Tab")  # to Overall grade
    page.keyboard.type("Good")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Apply filters")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        "/reports/?q=&force=west-midlands-police&programme=&year=2016&pillar=legitimacy&grade=good"
    )
    expect(page.locator("#results-heading")).to_have_text("1 report found")
    results = page.locator(".app-results")
    expect(results.get_by_role("link")).to_have_text("West Midlands Police: Legitimacy 2016")
    # The grade says itself in words: its colour only repeats it.
    expect(results.locator(".app-grade")).to_have_text("Good")
    assert_accessible(page)
    # One filter removed, the others kept.
    page.get_by_role("link", name="Remove filter force: West Midlands Police").click()
    expect(page.locator("#results-heading")).to_have_text("2 reports found")

    # A filter that matches nothing public: an error summary, the filter ignored, no server error.
    page.goto("/reports/?force=nowhere&year=2016")
    expect(page).to_have_title("Error: Reports – Police Inspectorate")
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is no published report for that force")
    assert_accessible(page)

    # The report: grade, findings, PDF link with size and pages; the PDF downloads.
    page.goto(f"/reports/{wmp.slug}/")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("West Midlands Police")
    expect(page.get_by_text("Publish the stop data.").first).to_be_visible()
    pdf_link = page.get_by_role("link", name="Download the report (PDF")
    expect(pdf_link).to_contain_text("pages)")
    response = page.request.get(pdf_link.get_attribute("href") or "")
    assert response.status == HTTPStatus.OK and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    # The press release, then the force's page: its grades over the years beside the national picture.
    page.goto(f"/reports/{wmp.slug}/press-release/")
    assert_accessible(page)
    page.goto(f"/reports/{wmp.slug}/")
    page.get_by_role("link", name="West Midlands Police: grades over the years").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("West Midlands Police")
    table = page.get_by_role("table").first
    expect(table).to_contain_text("Legitimacy 2015")
    expect(table).to_contain_text("Legitimacy 2016")
    expect(table).to_contain_text("(2 of 2 forces graded good)")

    # A withdrawn report: its notice and reason only.
    page.goto(f"/reports/{reports['gwent-2016'].slug}/")
    expect(page.get_by_text("Demo: withdrawn in error.")).to_be_visible()
    assert_accessible(page)

    # The data dictionary and a page that does not exist.
    page.goto("/data/")
    assert_accessible(page)
    page.goto("/reports/no-such-report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_a_phone_shows_the_grade_and_the_pdf_at_once(new_page: Callable[..., Page]) -> None:
    reports = publish_library()
    page = new_page(viewport=MOBILE_VIEWPORT)
    for url in ("/", "/reports/", f"/reports/{reports['wmp-2016'].slug}/"):
        page.goto(url)
        wider = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                .filter(e => !e.closest('.app-table-scroll'))
                .map(e => e.tagName + '.' + e.className)"""
        )
        assert not wider, (url, wider)
        assert_accessible(page)
    # On the report, the overall grade and the PDF link are on the first screen.
    for locator in (page.locator(".app-grade").first, page.get_by_role("link", name="Download the report (PDF")):
        box = locator.bounding_box()
        assert box is not None and box["y"] + box["height"] <= MOBILE_VIEWPORT["height"], box
