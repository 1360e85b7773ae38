"""The translator's journey in Chromium: a Welsh force's report, its parts' Welsh status, one part
translated side by side with the English, then the English changes and the Welsh is flagged with what
changed, and brought up to date. Every page is checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from accounts.roles import Role
from inspections.models import Force
from reports.services import report_save_part, report_start
from tests.e2e.conftest import assert_accessible, login
from tests.factories import UserFactory, ready_inspection, write_whole_report


def test_a_translator_translates_a_part_and_brings_it_up_to_date(live_server, new_page: Callable[..., Page]) -> None:
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org")
    translator = UserFactory(roles=[Role.TRANSLATOR], email="tal@example.org", name="Tal Translator")
    inspection = ready_inspection(team=[inspector], lead=lead)
    inspection.force = Force.objects.get(slug="gwent-police")
    inspection.save()
    report = report_start(inspection=inspection)
    write_whole_report(report, inspector)

    page = new_page()
    login(page, live_server.url, translator.email)
    page.goto(f"/workspace/reports/{report.pk}/welsh/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welsh")
    expect(page.get_by_text("Not translated").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Translate the Welsh of summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welsh of summary")
    assert_accessible(page)
    page.get_by_label("Welsh of summary").fill("Crynodeb yr adroddiad.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The Welsh of summary is saved")
    summary = page.locator(".govuk-summary-list__row").filter(has_text="Summary")
    expect(summary).to_contain_text("Up to date")

    report.refresh_from_db()
    report_save_part(report=report, actor=inspector, part="summary", text="A changed summary.", based_on=report.version)
    page.reload()
    expect(summary).to_contain_text("Out of date")
    page.get_by_role("link", name="Translate the Welsh of summary").click()
    expect(page.get_by_text("The English has changed since the Welsh was made")).to_be_visible()
    expect(page.locator(".app-diff ins").first).to_contain_text("A changed summary")
    assert_accessible(page)
    page.get_by_label("Welsh of summary").fill("Crynodeb wedi newid.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(summary).to_contain_text("Up to date")
