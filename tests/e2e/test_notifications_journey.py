"""Issue 10's "done when": a report walked from submission to publication in Chromium, and each person
told what the table promises, read back from an SMTP server the test started; the daily digest and the
off switch honoured; and the in-workspace list with its unread count. Emails are sent by a real Celery
worker (with its scheduler), as in production."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from notifications import services as notifications
from notifications.kinds import Kind
from notifications.models import Notification
from reports.models import ReportState
from reports.services import report_sign_off_judgments, report_start
from tests.conftest import start_worker, stop_worker
from tests.e2e.conftest import assert_accessible, login
from tests.factories import UserFactory, ready_inspection, write_whole_report
from tests.notifications.servers import Inbox, text_and_html
from tests.waiting import wait_for


@pytest.fixture
def mail_worker(inbox: Inbox, settings, live_server, empty_queue) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A Celery worker and scheduler that send mail to the test's SMTP server, links on the live server."""
    process = start_worker(
        beat=True,
        name="mail-worker",
        EMAIL_HOST=settings.EMAIL_HOST,
        EMAIL_PORT=str(settings.EMAIL_PORT),
        SITE_URL=live_server.url,
        PUBLICATION_SWEEP_SECONDS="2",
        NOTIFICATION_SWEEP_SECONDS="2",
    )
    try:
        yield
    finally:
        stop_worker(process)


def choose(page: Page, kind: Kind, delivery: str) -> None:
    page.get_by_role("group", name=kind.label).get_by_label(delivery).check()


def test_each_person_is_told_by_email_digest_or_only_in_the_workspace(
    live_server, new_page: Callable[..., Page], inbox: Inbox, mail_worker: None
) -> None:
    ivy = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org", name="Ivy Inspector")
    leah = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org", name="Leah Lead")
    ed = UserFactory(roles=[Role.EDITOR], email="ed@example.org", name="Ed Editor")
    kit = UserFactory(roles=[Role.EDITOR], email="kit@example.org", name="Kit Editor")
    report = report_start(inspection=ready_inspection(team=[ivy], lead=leah))
    write_whole_report(report, ivy)
    report_sign_off_judgments(report=report, actor=leah)

    # --- Kit wants submissions in a daily digest; Leah wants approvals in the workspace only ----
    kit_page = new_page()
    login(kit_page, live_server.url, kit.email)
    kit_page.goto("/workspace/notifications/settings/")
    assert_accessible(kit_page)
    choose(kit_page, Kind.SUBMITTED, "In one email a day")
    kit_page.get_by_role("button", name="Save settings").click()
    expect(kit_page.locator(".govuk-notification-banner")).to_contain_text("Your notification settings are saved")
    leah_page = new_page()
    login(leah_page, live_server.url, leah.email)
    leah_page.goto("/workspace/notifications/settings/")
    choose(leah_page, Kind.APPROVED, "Not by email (in the workspace only)")
    leah_page.get_by_role("button", name="Save settings").click()
    expect(leah_page.locator(".govuk-notification-banner")).to_contain_text("saved")

    # --- Ivy submits: the editors and the lead hear, Kit in tomorrow's digest -----------------------
    ivy_page = new_page()
    login(ivy_page, live_server.url, ivy.email)
    ivy_page.goto(f"/workspace/reports/{report.pk}/")
    ivy_page.get_by_role("button", name="Submit for review").click()
    expect(ivy_page.locator(".govuk-notification-banner")).to_contain_text("submitted for review")
    submitted = inbox.wait_for(ed.email, "is submitted for review")
    text, html = text_and_html(submitted)
    assert f"{live_server.url}/workspace/reports/{report.pk}/review/" in text
    assert f'href="{live_server.url}/workspace/reports/{report.pk}/review/"' in html
    inbox.wait_for(leah.email, "is submitted for review")

    # --- Ed comments on the summary and requests changes: Ivy and Leah hear ----------------------
    ed_page = new_page()
    login(ed_page, live_server.url, ed.email)
    ed_page.goto(f"/workspace/reports/{report.pk}/review/")
    ed_page.get_by_text("Comment on summary", exact=True).click()
    ed_page.get_by_label("Your comment on summary").fill("Lead with the grade.")
    ed_page.get_by_label("Your comment on summary").locator("xpath=ancestor::form").get_by_role(
        "button", name="Add comment"
    ).click()
    expect(ed_page.locator(".govuk-notification-banner")).to_contain_text("Comment added")
    comment = inbox.wait_for(ivy.email, "commented on “Summary”")
    assert "Lead with the grade." in text_and_html(comment)[0]
    ed_page.get_by_label("What needs to change").fill("Say more about stop and search.")
    ed_page.get_by_role("button", name="Request changes").click()
    inbox.wait_for(ivy.email, "Changes are requested")
    inbox.wait_for(leah.email, "Changes are requested")

    # --- Ivy submits again; Ed approves: Ivy is emailed, Leah (off) only sees it in the workspace ---
    ivy_page.goto(f"/workspace/reports/{report.pk}/")
    ivy_page.get_by_role("button", name="Submit for review").click()
    expect(ivy_page.locator(".govuk-notification-banner")).to_contain_text("submitted for review")
    ed_page.goto(f"/workspace/reports/{report.pk}/review/")
    ed_page.get_by_role("button", name="Approve").click()
    expect(ed_page.locator(".govuk-notification-banner")).to_contain_text("Report approved")
    inbox.wait_for(ivy.email, "is approved")

    # --- Ed publishes now, after the confirmation step; the worker renders and publishes ---------
    ed_page.goto(f"/workspace/reports/{report.pk}/publication/")
    ed_page.get_by_role("button", name="Publish now").click()
    expect(ed_page.get_by_role("heading", level=1)).to_have_text("Publish the report now?")
    assert_accessible(ed_page)
    ed_page.get_by_role("button", name="Yes, publish it now").click()
    inbox.wait_for(ivy.email, "is published", timeout=60)
    inbox.wait_for(leah.email, "is published")
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED

    # --- What nobody was emailed -------------------------------------------------------------
    assert not [m for m in inbox.to(kit.email) if "submitted" in str(m["Subject"])]  # digest, not yet
    assert not [m for m in inbox.to(leah.email) if "is approved" in str(m["Subject"])]  # off
    assert not inbox.to(ivy.email) or all("submitted for review" not in str(m["Subject"]) for m in inbox.to(ivy.email))
    # Each was emailed once, however often the sweep ran.
    subjects = [str(m["Subject"]) for m in inbox.to(ivy.email)]
    assert len(subjects) == len(set(subjects)), subjects

    # --- The morning digest: Kit's two submissions in one email --------------------------------
    assert notifications.digests_send() == {"sent": 1, "failed": 0}
    digest = inbox.wait_for(kit.email, "Your daily summary")
    assert text_and_html(digest)[0].count("is submitted for review") == 2

    # --- Leah reads hers in the workspace: the count, the list, opened and read -------------------
    leah_page.goto("/workspace/")
    unread = Notification.objects.filter(recipient=leah, read_at__isnull=True).count()
    expect(leah_page.locator(".app-count")).to_contain_text(str(unread))
    leah_page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(leah_page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert_accessible(leah_page)
    leah_page.get_by_role("button", name=re.compile(r"is approved$")).click()
    expect(leah_page.get_by_role("heading", level=1)).to_have_text("Report overview")
    wait_for(
        lambda: Notification.objects.get(recipient=leah, kind=Kind.APPROVED).read_at is not None,
        seconds=10,
        what="Leah's notification to be marked read",
    )


def test_leaving_the_part_editor_with_unsaved_text_asks_first(live_server, new_page: Callable[..., Page]) -> None:
    ivy = UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    leah = UserFactory(roles=[Role.LEAD_INSPECTOR], email="leah@example.org")
    report = report_start(inspection=ready_inspection(team=[ivy], lead=leah))
    page = new_page()
    login(page, live_server.url, ivy.email)
    page.goto(f"/workspace/reports/{report.pk}/parts/summary/")
    asked: list[str] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.type)
        dialog.dismiss()  # "stay on the page"

    page.on("dialog", answer)
    page.get_by_role("textbox").click()
    page.keyboard.type("A paragraph not yet saved.")
    page.get_by_role("link", name="Workspace").first.click()
    wait_for(lambda: asked == ["beforeunload"], seconds=5, what="the browser to ask before leaving")
    expect(page.get_by_role("textbox")).to_have_value("A paragraph not yet saved.")
