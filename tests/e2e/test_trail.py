"""A report's audit trail in Chromium: axe-core finds nothing on a desktop or a phone, the table
scrolls in its own region so the page never does, and the filter narrows the table."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import Role
from inspections.models import Pillar
from publishing import services as publication
from reports import fact_checks, record, services
from reports.models import Report, ReportEvent
from reports.services import report_sign_off_judgments, report_start
from tests.e2e.conftest import MOBILE_VIEWPORT, assert_accessible, login
from tests.factories import UserFactory, grade, ready_inspection, write_whole_report


def a_report_with_a_trail() -> Report:
    """Written, changed in its record, fact-checked, sent back and approved."""
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org", name="Ivy Inspector")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org", name="Leah Lead")
    editor = UserFactory(roles=[Role.EDITOR], email="ed@example.org", name="Ed Editor")
    inspection = ready_inspection(team=[inspector], lead=lead)
    report = report_start(inspection=inspection)
    record.judgment_record(
        inspection=inspection,
        actor=inspector,
        grade=grade("requires-improvement"),
        narrative="The force does not yet record the reasons for every stop and search. " * 4,
        pillar=Pillar.objects.get(slug="legitimacy"),
    )
    write_whole_report(report, inspector)
    report_sign_off_judgments(report=report, actor=lead)
    check, _ = fact_checks.fact_check_issue(
        report=report, actor=editor, liaison_name="Pat Liaison", liaison_email="pat@force.example"
    )
    fact_checks.fact_check_point_raise(
        fact_check=check, part="summary", text="The fieldwork began on 3 May, not 2 May."
    )
    report = services.report_submit_for_review(report=Report.objects.get(pk=report.pk), actor=inspector)
    report = services.report_request_changes(report=report, actor=editor, reason="Say how many searches were sampled.")
    services.report_save_part(
        report=report, actor=inspector, part="summary", text="We sampled 200 searches.", based_on=report.version
    )
    report = services.report_submit_for_review(report=Report.objects.get(pk=report.pk), actor=inspector)
    return publication.report_approve(report=report, actor=editor, revision_number=report.version)


def test_the_trail_reads_well_on_a_desktop_and_a_phone(live_server, new_page: Callable[..., Page]) -> None:
    report = a_report_with_a_trail()
    url = f"/workspace/reports/{report.pk}/trail/"

    page = new_page()
    login(page, live_server.url, "ed@example.org", next_path=url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page).to_have_title(f"Audit trail – {report.title} – Police Inspectorate")
    table = page.get_by_role("table", name="Events, newest first")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Approved")
    expect(table).to_contain_text("Pat Liaison (the force's liaison, fact-check link)")
    assert_accessible(page)

    full_text = page.locator("details", has=page.locator("summary", has_text="Full text of narrative"))
    full_text.locator("summary").click()
    expect(full_text).to_contain_text("reasons for every stop and search. The force does not yet")

    editor = User.objects.get(email="ed@example.org")
    theirs = ReportEvent.objects.filter(actor=editor).count()
    page.get_by_label("Person").select_option(label="Ed Editor")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=2, name=f"{theirs} events match the filters")).to_be_visible()
    expect(page.get_by_label("Person")).to_have_value(str(editor.pk))
    download = page.get_by_role("link", name=f"Download these {theirs} events as CSV")
    expect(download).to_have_attribute("href", f"/workspace/reports/{report.pk}/trail.csv?actor={editor.pk}")

    phone = new_page(viewport={**MOBILE_VIEWPORT, "width": 375})
    login(phone, live_server.url, "ed@example.org", next_path=url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Audit trail")
    # The table scrolls in its own region, so the page is never wider than the screen (WCAG 1.4.10).
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    region = phone.get_by_role("region", name="Events, newest first")
    assert region.evaluate("(element) => element.scrollWidth > element.clientWidth")
    assert_accessible(phone)
