"""Journeys 1 and 2 of the brief in Chromium: the inspector drafts and submits, the editor requests
changes, the inspector revises, the editor approves. Every workspace page met on the way is checked
with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import Q
from playwright.sync_api import Page, expect

from accounts.roles import Role
from inspections.models import FindingOutcome, Judgment
from reports.models import ReportEvent, ReportState
from reports.services import report_sign_off_judgments, report_start
from tests.e2e.conftest import assert_accessible, login
from tests.factories import FindingFactory, InspectionFactory, ProgrammeFactory, UserFactory, ready_inspection


def write_part(page: Page, title: str, text: str) -> None:
    page.get_by_role("link", name=re.compile(rf"^Edit {re.escape(title.lower())}")).click()
    page.get_by_role("textbox").fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as revision")


def test_draft_submit_request_changes_revise_approve(live_server, new_page: Callable[..., Page]) -> None:
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org", name="Ivy Inspector")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org", name="Leah Lead")
    editor = UserFactory(roles=[Role.EDITOR], email="ed@example.org", name="Ed Editor")
    inspection = ready_inspection(team=[inspector], lead=lead)
    # One graded question still needs its judgment, and an earlier finding needs an outcome.
    question = inspection.programme.questions.get(number=2)
    Judgment.objects.filter(inspection=inspection, question=question).delete()
    earlier = InspectionFactory(programme=ProgrammeFactory(year=2015), force=inspection.force)
    FindingFactory(inspection=earlier, text="Improve how stop and search is recorded.")
    report = report_start(inspection=inspection)

    # --- The inspector drafts ---------------------------------------------------------------
    page = new_page()
    login(page, live_server.url, inspector.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")
    assert_accessible(page)
    page.get_by_role("link", name=report.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report overview")
    assert_accessible(page)

    page.get_by_role("link", name="Judgments", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Judgments")
    assert_accessible(page)
    # Every judgment is on one form: a narrative typed without its grade is refused, and nothing
    # typed (in that item or another) is lost; then both are saved with one press of "Save".
    first = page.get_by_role("group", name=re.compile(r"^1\. Fairness"))
    second = page.get_by_role("group", name=re.compile(r"^2\. Ethics"))
    first.get_by_label("Narrative").fill("The force treats people fairly.")
    second.get_by_label("Narrative").fill("The force requires improvement in ethics.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a grade for 2. Ethics")
    assert_accessible(page)
    expect(first.get_by_label("Narrative")).to_have_value("The force treats people fairly.")
    expect(second.get_by_label("Narrative")).to_have_value("The force requires improvement in ethics.")
    page.locator(".govuk-error-summary").get_by_role("link", name="Select a grade for 2. Ethics").click()
    expect(second.get_by_label("Outstanding")).to_be_focused()
    second.get_by_label("Requires improvement").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Judgments saved: 1. Fairness; 2. Ethics")
    # The new judgment must cite its evidence before sign-off; the evidence on the question is offered first.
    expect(page.get_by_text("Needed for sign-off")).to_have_count(1)
    page.get_by_role("link", name=re.compile(r"^Choose the evidence for 2\. Ethics")).click()
    assert_accessible(page)
    page.get_by_label(re.compile("^Interview")).first.check()
    page.get_by_role("button", name="Save the evidence cited").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 piece of evidence cited")
    expect(page.get_by_text("Needed for sign-off")).to_have_count(0)

    page.get_by_role("link", name="Earlier findings").click()
    expect(page.get_by_text("Improve how stop and search is recorded.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Still open").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 outcome saved")

    page.get_by_role("link", name="Overview").click()
    write_part(page, "Summary", "## In brief\n\nThe force is **good** at treating people fairly.")
    page.get_by_role("link", name=re.compile("^Edit key findings")).click()
    expect(page.get_by_role("textbox")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox").fill("- Fair treatment\n- Ethical behaviour")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview li")).to_have_count(2)
    page.get_by_role("button", name="Save", exact=True).click()
    write_part(page, "The lead inspector's quote", "I have judged the force to be good.")
    write_part(page, "1. Fairness", "The force treats people fairly.\n\n$AFI\nRecord the reasons for stops.\n$AFI")
    write_part(page, "2. Ethics", "Officers know the standards expected of them.")
    expect(page.locator("#checks + ul")).to_contain_text("The lead inspector has not signed off the judgments yet")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted for review")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("In review")

    # --- The lead inspector signs off the judgments --------------------------------------------
    lead_page = new_page()
    login(lead_page, live_server.url, lead.email)
    lead_page.get_by_role("link", name=report.title).first.click()
    lead_page.get_by_role("button", name="Sign off the judgments").click()
    expect(lead_page.locator(".govuk-notification-banner")).to_contain_text("Judgments signed off")

    # --- The editor asks for changes ---------------------------------------------------------
    editor_page = new_page()
    login(editor_page, live_server.url, editor.email)
    editor_page.get_by_role("link", name=f"Review {report.title}").click()
    expect(editor_page.get_by_role("heading", level=1)).to_have_text("Review")
    expect(editor_page.locator(".app-callout--afi")).to_contain_text("Record the reasons for stops.")
    assert_accessible(editor_page)
    editor_page.get_by_label("What needs to change").fill("Say more about ethics in the summary.")
    editor_page.get_by_role("button", name="Request changes").click()
    expect(editor_page.locator(".govuk-notification-banner")).to_contain_text("Changes requested")

    # --- The inspector revises and submits again ---------------------------------------------
    page.goto("/workspace/")
    page.get_by_role("link", name=f"Make the changes requested to {report.title}").click()
    expect(page.get_by_text("Say more about ethics in the summary.")).to_be_visible()
    write_part(page, "Summary", "## In brief\n\nThe force is **good** at treating people fairly and ethically.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted for review")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    assert_accessible(page)

    # --- The editor sees what changed and approves --------------------------------------------
    editor_page.goto(f"/workspace/reports/{report.pk}/review/")
    expect(editor_page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(editor_page.locator(".app-diff__ins").first).to_contain_text("and ethically")
    assert_accessible(editor_page)
    editor_page.get_by_role("button", name="Approve").click()
    expect(editor_page.locator(".govuk-notification-banner")).to_contain_text("Report approved")
    assert_accessible(editor_page)

    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert report.approved_revision.number == report.version
    assert FindingOutcome.objects.get(inspection=inspection).outcome == "open"
    transitions = ReportEvent.objects.filter(report=report, record_change=False).exclude(action="Text saved")
    assert list(transitions.order_by("at", "pk").values_list("action", flat=True)) == [
        "Submitted for review",
        "Judgments signed off",
        "Changes requested",
        "Submitted for review",
        "Approved",
    ]
    # Every judgment, outcome and part saved in the browser is in the trail, as the team's.
    changes = ReportEvent.objects.filter(report=report).filter(Q(record_change=True) | Q(action="Text saved"))
    authors = set(changes.values_list("actor__email", flat=True))
    assert "ivy@example.org" in authors and authors <= {"ivy@example.org", "leah@example.org"}


def test_an_editor_who_edited_cannot_approve_in_the_browser(live_server, new_page: Callable[..., Page]) -> None:
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org")
    editor = UserFactory(roles=[Role.EDITOR], email="ed@example.org")
    from reports.services import report_save_part, report_submit_for_review
    from tests.factories import write_whole_report

    report = report_start(inspection=ready_inspection(team=[inspector], lead=lead))
    write_whole_report(report, inspector)
    report_sign_off_judgments(report=report, actor=lead)
    report_submit_for_review(report=report, actor=inspector)
    report.refresh_from_db()
    report_save_part(report=report, actor=editor, part="summary", text="An editor's fix.", based_on=report.version)

    page = new_page()
    login(page, live_server.url, editor.email)
    page.goto(f"/workspace/reports/{report.pk}/review/")
    expect(page.get_by_text("You wrote part of this report, so another editor must approve it.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    assert_accessible(page)


def test_the_other_workspace_pages_are_accessible(live_server, new_page: Callable[..., Page]) -> None:
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org")
    from tests.factories import write_whole_report

    report = report_start(inspection=ready_inspection(team=[inspector], lead=lead))
    write_whole_report(report, inspector)
    page = new_page()
    login(page, live_server.url, lead.email)
    for name in ("findings", "fact-checks"):
        page.goto(f"/workspace/reports/{report.pk}/{name}/")
        assert_accessible(page)
    page.get_by_label("Liaison's name").fill("Pat Liaison")
    page.get_by_label("Liaison's email address").fill("pat@force.example")
    page.get_by_role("button", name="Issue link").click()
    link = page.locator("#fact-check-link").inner_text()
    assert_accessible(page)
    liaison = new_page()
    liaison.goto(link)
    expect(liaison.get_by_role("heading", level=1)).to_have_text("Check the draft report for factual accuracy")
    assert_accessible(liaison)
    liaison.get_by_label("The point of factual accuracy").fill("The force has 12 counter-corruption officers, not 21.")
    liaison.get_by_role("button", name="Send this point").click()
    expect(liaison.locator(".govuk-notification-banner")).to_contain_text("Thank you")


def test_text_typed_but_not_saved_is_offered_back(live_server, new_page: Callable[..., Page]) -> None:
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org")
    report = report_start(inspection=ready_inspection(team=[inspector], lead=lead))
    page = new_page()
    login(page, live_server.url, inspector.email)
    page.goto(f"/workspace/reports/{report.pk}/parts/summary/")
    page.get_by_role("textbox").fill("A paragraph written at six in the evening.")
    page.get_by_role("textbox").press("End")
    page.get_by_role("textbox").type(" More.")
    expect(page.locator("#preview")).to_contain_text("six in the evening")
    page.reload()  # as after a lost connection or an expired session
    expect(page.get_by_role("textbox")).to_have_value("")
    page.get_by_role("button", name="Put back my unsaved text").click()
    expect(page.get_by_role("textbox")).to_have_value("A paragraph written at six in the evening. More.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as revision 1")
    page.goto(f"/workspace/reports/{report.pk}/parts/summary/")
    expect(page.get_by_role("button", name="Put back my unsaved text")).to_have_count(0)


def test_the_daily_workspace_pages_are_accessible(live_server, new_page: Callable[..., Page]) -> None:
    """The pages issue 10 added, on a phone and a desktop: boards, the list of reports and its search,
    assignments, deadlines, findings changed and removed, notifications, and password reset."""
    from inspections.models import Finding
    from inspections.timetable import Milestone, ProgrammeDeadline
    from tests.factories import write_whole_report

    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org")
    editor = UserFactory(roles=[Role.EDITOR], email="ed@example.org")
    inspection = ready_inspection(team=[inspector], lead=lead)
    report = report_start(inspection=inspection)
    write_whole_report(report, inspector)
    finding = Finding.objects.create(inspection=inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="Improve.")
    ProgrammeDeadline.objects.create(
        programme=inspection.programme, milestone=Milestone.FIRST_DRAFT, working_days_after_fieldwork=10
    )
    # Every page at the desktop size; on a phone, the ones with wide tables and filters.
    phone_paths = {f"/workspace/programmes/{inspection.programme_id}/", "/workspace/reports/?q=text&state=draft"}
    for viewport in (None, {"width": 390, "height": 844}):
        page = new_page(viewport=viewport)
        login(page, live_server.url, lead.email)
        for path in (
            "/workspace/",
            "/workspace/programmes/",
            f"/workspace/programmes/{inspection.programme_id}/",
            "/workspace/reports/?q=text&state=draft",
            f"/workspace/reports/{report.pk}/assign/",
            f"/workspace/inspections/{inspection.pk}/deadlines/first_draft/",
            f"/workspace/reports/{report.pk}/findings/{finding.pk}/",
            f"/workspace/reports/{report.pk}/findings/{finding.pk}/remove/",
            "/workspace/notifications/",
            "/workspace/notifications/settings/",
        ):
            if viewport is not None and path not in phone_paths:
                continue
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            assert_accessible(page)
        editor_page = new_page(viewport=viewport)
        login(editor_page, live_server.url, editor.email)
        editor_page.goto(f"/workspace/programmes/{inspection.programme_id}/")
        assert_accessible(editor_page)  # with the selection's checkboxes and actions
        anonymous = new_page(viewport=viewport)
        for path in ("/accounts/password-reset/", "/accounts/password-reset/sent/", "/accounts/reset/x/y/")[
            : 3 if viewport is None else 1
        ]:
            anonymous.goto(path)
            assert_accessible(anonymous)
