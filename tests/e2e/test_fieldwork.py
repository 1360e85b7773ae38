"""An inspection from plan to moderated grades, in Chromium: the team asks the force for a document, the
liaison answers through their link with a file, the team logs evidence and a case-file audit, cites them
in the judgments, the lead signs off, and a moderator changes one grade with a reason that reaches the
audit trail. Every page on the way is checked with axe-core."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable

import pikepdf
from playwright.sync_api import Page, expect

from accounts.roles import Role
from inspections.evidence import ChecklistMeasure
from inspections.models import Judgment, Pillar
from reports.models import ReportEvent
from reports.services import report_start
from tests.e2e.conftest import assert_accessible, login
from tests.factories import InspectionFactory, ProgrammeFactory, QuestionFactory, UserFactory, grade


def a_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def fill_date(page: Page, label: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=re.compile(label))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_plan_to_moderated_grades(live_server, new_page: Callable[..., Page]) -> None:
    inspector = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org", name="Ivy Inspector")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org", name="Leah Lead")
    moderator = UserFactory(roles=[Role.EDITOR], email="ed@example.org", name="Ed Editor")
    programme = ProgrammeFactory(requires_moderation=True)
    QuestionFactory(programme=programme, number=1, short_title="Fairness")
    QuestionFactory(programme=programme, number=2, short_title="Ethics")
    ChecklistMeasure.objects.create(programme=programme, number=1, text="The crime was recorded correctly")
    inspection = InspectionFactory(programme=programme, team=[inspector], lead_inspector=lead)
    for question in programme.questions.all():
        Judgment.objects.create(inspection=inspection, question=question, grade=grade("good"), narrative="Good.")
    Judgment.objects.create(inspection=inspection, pillar=Pillar.objects.get(slug="legitimacy"), grade=grade("good"))
    report = report_start(inspection=inspection)
    today = datetime.date.today()

    # --- The team asks the force, and makes the liaison's link ---------------------------------
    team = new_page()
    login(team, live_server.url, inspector.email)
    team.goto(f"/workspace/inspections/{inspection.pk}/requests/")
    expect(team.get_by_role("heading", level=1)).to_have_text("Requests to the force")
    assert_accessible(team)
    team.get_by_label("What the team asks for").fill("Stop and search records, 2016")
    fill_date(team, "Due", today + datetime.timedelta(days=14))
    team.get_by_role("button", name="Add the request").click()
    expect(team.locator(".govuk-notification-banner")).to_contain_text("is asked for")
    team.get_by_label("The force liaison's name").fill("Pat Liaison")
    team.get_by_label("Their email address").fill("pat@force.example")
    team.get_by_role("button", name="Make the link").click()
    link = team.locator(".govuk-panel code").inner_text()
    assert "/force-requests/" in link

    # --- The liaison answers with a file, and a file of the wrong kind is refused ------------------
    liaison = new_page()
    liaison.goto(link)
    expect(liaison.get_by_role("heading", level=1)).to_have_text("Documents and data for the inspection")
    assert_accessible(liaison)
    liaison.get_by_label("Files (optional)").set_input_files(
        files=[{"name": "records.pdf", "mimeType": "application/pdf", "buffer": b"<html>not a pdf</html>"}]
    )
    liaison.get_by_role("button", name="Send").click()
    expect(liaison.locator(".govuk-error-summary")).to_contain_text("records.pdf must be a PDF, Word or Excel")
    assert_accessible(liaison)
    liaison.get_by_label("A note to the team (optional)").fill("The records for 2016.")
    liaison.get_by_label("Files (optional)").set_input_files(
        files=[{"name": "records.pdf", "mimeType": "application/pdf", "buffer": a_pdf()}]
    )
    liaison.get_by_role("button", name="Send").click()
    expect(liaison.locator(".govuk-notification-banner")).to_contain_text("1 file and your note")

    team.reload()
    expect(team.get_by_role("link", name="records.pdf")).to_be_visible()
    expect(team.get_by_text("Answered", exact=True)).to_be_visible()

    # --- The team logs evidence and a case-file audit -------------------------------------------------
    team.get_by_role("link", name="Evidence", exact=True).click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Evidence")
    assert_accessible(team)
    team.get_by_label("Kind of evidence").select_option(label="Focus group")
    fill_date(team, "Gathered on", today)
    team.get_by_label("Summary").fill("Officers described how complaints are handled.")
    team.get_by_label("1. Fairness").check()
    team.get_by_label("2. Ethics").check()
    team.get_by_role("button", name="Log the evidence").click()
    expect(team.locator(".govuk-notification-banner")).to_contain_text("The evidence is logged")
    expect(team.get_by_text("Officers described how complaints are handled.")).to_be_visible()

    team.get_by_role("link", name="Start a case-file audit").click()
    assert_accessible(team)
    team.get_by_label("What the sample is", exact=True).fill("Domestic abuse crimes, March")
    fill_date(team, "Reviewed on", today)
    team.get_by_label("The force's reference of each case file").fill("DA/1\nDA/2\nDA/3\nDA/4")
    team.get_by_label("1. Fairness").check()
    team.get_by_role("button", name="Start the audit").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Domestic abuse crimes, March")
    for reference, answer in (("DA/1", "Met"), ("DA/2", "Met"), ("DA/3", "Met"), ("DA/4", "Not met")):
        team.get_by_label(f"{reference}, measure 1").select_option(label=answer)
    team.get_by_role("button", name="Save the answers").click()
    expect(team.locator(".govuk-notification-banner")).to_contain_text("4 answers recorded")
    rates = team.locator("table").first
    expect(rates).to_contain_text("75%")
    expect(rates).to_contain_text("30% to 95%")  # Wilson, 3 of 4
    assert_accessible(team)

    # --- Judgments cite the evidence; sign-off waits for it ------------------------------------------
    team.goto(f"/workspace/reports/{report.pk}/judgments/")
    expect(team.get_by_text("Needed for sign-off").first).to_be_visible()
    for number in (1, 2):
        team.get_by_role("link", name=re.compile(rf"Choose the evidence for {number}\.")).click()
        assert_accessible(team)
        team.get_by_label(re.compile("^Focus group")).check()
        if number == 1:
            team.get_by_label(re.compile("^Case-file review")).check()
        team.get_by_role("button", name="Save the evidence cited").click()
        expect(team.locator(".govuk-notification-banner")).to_contain_text("cited")
    expect(team.get_by_text("Needed for sign-off")).to_have_count(0)

    leads = new_page()
    login(leads, live_server.url, lead.email)
    leads.goto(f"/workspace/reports/{report.pk}/")
    leads.get_by_role("button", name="Sign off the judgments").click()
    expect(leads.locator(".govuk-notification-banner")).to_contain_text("signed off")

    # --- National moderation: one grade confirmed, one changed with a reason ---------------------------
    panel = new_page()
    login(panel, live_server.url, moderator.email)
    panel.goto(f"/workspace/programmes/{programme.pk}/moderation/")
    expect(panel.get_by_role("heading", level=1)).to_have_text("National moderation")
    expect(panel.get_by_text("2 still to settle")).to_be_visible()
    # Each question's spread of proposed grades across the forces, for the panel's first look.
    expect(panel.get_by_role("columnheader", name=re.compile(r"^1\. Fairness"))).to_contain_text("Good: 1")
    assert_accessible(panel)
    cells = panel.get_by_role("link", name=re.compile(r"^Good for .*: moderate$"))
    cells.nth(0).click()
    expect(panel.get_by_role("heading", level=1)).to_have_text("1. Fairness")
    expect(panel.get_by_text("Officers described how complaints are handled.")).to_be_visible()
    assert_accessible(panel)
    panel.get_by_role("button", name="Record the decision").click()
    expect(panel.locator(".govuk-notification-banner")).to_contain_text("grade confirmed")
    panel.get_by_role("link", name=re.compile(r"^Good for .*: moderate$")).nth(1).click()
    panel.get_by_label("Moderated grade").select_option(label="Requires improvement")
    panel.get_by_role("button", name="Record the decision").click()
    expect(panel.locator(".govuk-error-summary")).to_contain_text("Enter why moderation changes the grade")
    assert_accessible(panel)
    panel.get_by_label("Moderated grade").select_option(label="Requires improvement")
    panel.get_by_label("Reason").fill("Other forces with the same evidence were graded requires improvement.")
    panel.get_by_role("button", name="Record the decision").click()
    expect(panel.locator(".govuk-notification-banner")).to_contain_text("changed to Requires improvement")
    expect(panel.get_by_text("0 still to settle")).to_be_visible()

    event = ReportEvent.objects.get(inspection=inspection, action="Grade changed in moderation")
    assert event.reason.startswith("Other forces with the same evidence") and event.actor == moderator
    leads.goto(f"/workspace/reports/{report.pk}/trail/")
    expect(leads.get_by_text("Other forces with the same evidence were graded requires improvement.")).to_be_visible()
