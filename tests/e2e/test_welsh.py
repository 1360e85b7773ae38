"""The Welsh journeys in Chromium. The translator's: a Welsh force's report, its parts' Welsh status, one
part translated side by side with the English, then the English changes and the Welsh is flagged with
what changed, and brought up to date. The issue's whole journey, from the Welsh to both languages live
together. Every page is checked with axe-core, and the public ones with the Nu HTML checker."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from inspections.models import Force
from publishing import services as publication
from publishing.rendering import check_pdf
from reports.models import Report
from reports.services import report_save_part, report_sign_off_judgments, report_start, report_submit_for_review
from tests.e2e.conftest import assert_accessible, assert_valid_html, login
from tests.e2e.test_journeys import write_part
from tests.factories import UserFactory, ready_inspection, translate_whole_report, write_whole_report
from tests.publishing.helpers import pdfua_findings, render_all


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


def test_a_welsh_forces_report_is_translated_approved_scheduled_and_goes_live_in_both_languages(
    live_server, new_page: Callable[..., Page], tmp_path
) -> None:
    """The issue's journey: the Welsh made, flagged when the English changes and brought up to date,
    then approval, scheduling, and both languages live at the same moment, each page passing axe and
    the Nu HTML checker, and the Welsh PDF the same checks as the English."""
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org")
    editor = UserFactory(roles=[Role.EDITOR], email="ed@example.org")
    translator = UserFactory(roles=[Role.TRANSLATOR], email="tal@example.org", name="Tal Translator")
    inspection = ready_inspection(team=[inspector], lead=lead)
    inspection.force = Force.objects.get(slug="gwent-police")
    inspection.save()
    report = report_start(inspection=inspection)
    write_whole_report(report, inspector)
    translate_whole_report(report, translator)  # every part and name; the summary is translated below

    # --- The inspector changes the English summary: its Welsh is flagged -------------------------------
    ivy = new_page()
    login(ivy, live_server.url, inspector.email)
    ivy.goto(f"/workspace/reports/{report.pk}/")
    write_part(ivy, "Summary", "The force treats people fairly, and has improved since 2016.")
    tal = new_page()
    login(tal, live_server.url, translator.email)
    tal.goto(f"/workspace/reports/{report.pk}/welsh/")
    summary = tal.locator(".govuk-summary-list__row").filter(has_text="Summary")
    expect(summary).to_contain_text("Out of date")
    tal.get_by_role("link", name="Translate the Welsh of summary").click()
    expect(tal.locator(".app-diff ins").first).to_contain_text("improved since 2016")
    tal.get_by_label("Welsh of summary").fill("Mae'r heddlu'n trin pobl yn deg, ac mae wedi gwella ers 2016.")
    tal.get_by_role("button", name="Save", exact=True).click()
    expect(summary).to_contain_text("Up to date")

    # --- Submitted, approved and scheduled in the browser ----------------------------------------------
    report.refresh_from_db()
    report_sign_off_judgments(report=report, actor=lead)
    report_submit_for_review(report=report, actor=inspector)
    ed = new_page()
    login(ed, live_server.url, editor.email)
    ed.goto(f"/workspace/reports/{report.pk}/review/")
    ed.get_by_role("button", name="Approve").click()
    expect(ed.locator(".govuk-notification-banner")).to_contain_text("Report approved")
    ed.goto(f"/workspace/reports/{report.pk}/publication/")
    go_live = timezone.localtime() + datetime.timedelta(hours=2)
    group = ed.get_by_role("group", name=re.compile("Go-live date"))
    group.get_by_label("Day").fill(str(go_live.day))
    group.get_by_label("Month").fill(str(go_live.month))
    group.get_by_label("Year").fill(str(go_live.year))
    ed.get_by_label("Go-live time (UK time)").fill(go_live.strftime("%H:%M"))
    ed.get_by_role("button", name="Schedule publication").click()
    expect(ed.locator(".govuk-notification-banner")).to_contain_text("Scheduled to go live")
    assert_accessible(ed)

    # --- The worker renders both PDFs; under embargo neither language is public --------------------------
    assert render_all() == 1
    report.refresh_from_db()
    edition = report.editions.get()
    assert edition.bilingual and edition.render_status == "ready" and report.slug_cy
    english_url, welsh_url = f"/reports/{report.slug}/", f"/cy/adroddiadau/{report.slug_cy}/"
    reader = new_page()
    for url in (english_url, welsh_url, f"{welsh_url}argraffiadau/1/pdf/"):
        assert reader.request.get(live_server.url + url).status == HTTPStatus.NOT_FOUND, url

    # --- The go-live moment passes (the scheduler's sweep): both languages are live together -------------
    Report.objects.filter(pk=report.pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    publication.publication_sweep()
    edition.refresh_from_db()
    assert edition.published_at is not None
    reader.goto(live_server.url + english_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Gwent Police")
    assert_accessible(reader)
    reader.get_by_role("link", name="Cymraeg").click()
    expect(reader).to_have_url(live_server.url + welsh_url)
    expect(reader.locator("html")).to_have_attribute("lang", "cy")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Heddlu Gwent")
    expect(reader.get_by_text("Mae'r heddlu'n trin pobl yn deg")).to_be_visible()
    assert_accessible(reader)
    reader.goto(live_server.url + "/cy/")
    expect(reader.get_by_role("link", name=re.compile("Heddlu Gwent"))).to_be_visible()
    assert_accessible(reader)
    reader.goto(live_server.url + "/cy/heddluoedd/gwent-police/")
    assert_accessible(reader)

    # --- The Welsh PDF passes the checks the English does -------------------------------------------------
    english_pdf = reader.request.get(f"{live_server.url}{english_url}editions/1/pdf/").body()
    welsh_pdf = reader.request.get(f"{live_server.url}{welsh_url}argraffiadau/1/pdf/").body()
    english_check, welsh_check = check_pdf(english_pdf), check_pdf(welsh_pdf)
    assert english_check.accessible and welsh_check.accessible
    assert (english_check.language, welsh_check.language) == ("en-GB", "cy")
    assert pdfua_findings(welsh_pdf, tmp_path) == pdfua_findings(english_pdf, tmp_path) == []

    # --- The Nu HTML checker accepts the pages as served, the Welsh ones with lang="cy" -------------------
    served = {
        url: reader.request.get(live_server.url + url).text()
        for url in (english_url, welsh_url, "/cy/", "/cy/adroddiadau/", "/cy/heddluoedd/gwent-police/")
    }
    assert all('<html lang="cy"' in html for url, html in served.items() if url.startswith("/cy/"))
    assert_valid_html(served, tmp_path)


def test_the_nu_html_checker_fails_on_broken_html(tmp_path) -> None:
    """So that the journey's check cannot pass by checking nothing."""
    broken = '<!DOCTYPE html><html lang="cy"><head><title>Prawf</title></head><body><p><div>Testun</p></body></html>'
    with pytest.raises(AssertionError, match=r"/broken/ line 1: .*"):
        assert_valid_html({"/broken/": broken}, tmp_path)
