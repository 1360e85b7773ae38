"""Who hears what, through the services that take each step; told once per happening; emailed once,
straight away, in a digest or not at all as each person chose; urgent kinds always. Mail goes to a real
SMTP server started by the test (``inbox``)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from notifications import services as notifications
from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from publishing import services as publication
from reports import fact_checks, record, services
from reports.models import PartAssignment
from tests.notifications.servers import free_port, text_and_html
from tests.publishing.helpers import render_all

pytestmark = pytest.mark.django_db


def told(kind: Kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


@pytest.fixture
def second_editor(make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.EDITOR, name="Kit Editor", email="kit.editor@example.org")


def test_each_step_of_the_workflow_tells_the_people_the_table_names(
    written_report, inspector, lead_inspector, editor, second_editor, make_user, fast_pdfs
) -> None:
    other_inspector = make_user(Role.INSPECTOR)  # on no team: hears of nothing
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    # Submitted: the programme's editors (every editor, as none is named) and the lead; not the submitter.
    assert told(Kind.SUBMITTED) == {editor.email, second_editor.email, lead_inspector.email}

    services.report_request_changes(report=report, actor=editor, reason="Say more about stop and search.")
    assert told(Kind.CHANGES_REQUESTED) == {inspector.email, lead_inspector.email}
    body = Notification.objects.get(kind=Kind.CHANGES_REQUESTED, recipient=inspector).body
    assert "Say more about stop and search." in body

    report.refresh_from_db()
    services.report_submit_for_review(report=report, actor=inspector)
    report.refresh_from_db()
    publication.report_approve(report=report, actor=editor, revision_number=report.version)
    assert told(Kind.APPROVED) == {inspector.email, lead_inspector.email}

    go_live = timezone.now() + datetime.timedelta(days=2)
    publication.report_schedule(report=report, actor=editor, go_live_at=go_live)
    assert told(Kind.SCHEDULED) == {inspector.email, lead_inspector.email}
    subject = Notification.objects.get(kind=Kind.SCHEDULED, recipient=inspector).subject
    assert f"{timezone.localtime(go_live):%H:%M}" in subject

    report.refresh_from_db()
    publication.report_publish_now(report=report, actor=editor)
    render_all()
    publication.publication_sweep()
    assert told(Kind.PUBLISHED) == {inspector.email, lead_inspector.email}
    assert other_inspector.email not in set(Notification.objects.values_list("recipient__email", flat=True))


def test_programme_editors_named_on_the_programme_are_the_only_editors_told(
    written_report, inspector, editor, second_editor
) -> None:
    written_report.inspection.programme.editors.add(second_editor)
    services.report_submit_for_review(report=written_report, actor=inspector)
    assert second_editor.email in told(Kind.SUBMITTED)
    assert editor.email not in told(Kind.SUBMITTED)


def test_submitting_before_sign_off_asks_the_lead_to_sign_off(report, inspector, lead_inspector) -> None:
    from tests.factories import write_whole_report

    write_whole_report(report, inspector)
    # Not signed off: the checks refuse the submission, but an editor may still be waiting. The lead
    # is asked when the record they signed off changes (stale) or when the report is submitted unsigned.
    services.report_sign_off_judgments(report=report, actor=lead_inspector)
    judgment = report.inspection.judgments.filter(question__isnull=False).first()
    record.judgment_record(
        inspection=report.inspection,
        actor=inspector,
        question=judgment.question,
        pillar=None,
        grade=judgment.grade,
        narrative="A changed narrative.",
    )
    stale = Notification.objects.get(kind=Kind.SIGN_OFF, recipient=lead_inspector)
    assert "gone stale" in stale.subject
    assert stale.link.endswith("/judgments/")


def test_a_comment_tells_the_parts_author_and_assignee_and_a_reply_tells_the_thread(
    written_report, inspector, lead_inspector, editor, make_user
) -> None:
    colleague = make_user(Role.INSPECTOR, email="colleague@example.org")
    written_report.inspection.team.add(colleague)
    PartAssignment.objects.create(report=written_report, part="summary", assignee=colleague, assigned_by=lead_inspector)
    comment = services.comment_add(report=written_report, actor=editor, body="Too long.", part="summary")
    assert told(Kind.COMMENT) == {inspector.email, colleague.email}  # the summary's author and its assignee
    notification = Notification.objects.get(kind=Kind.COMMENT, recipient=inspector)
    assert "“Summary”" in notification.subject and "summary" not in notification.subject.replace("Summary", "")
    assert notification.link.endswith(f"#comment-{comment.pk}")

    services.comment_add(report=written_report, actor=inspector, body="Shortened.", reply_to=comment)
    reply_told = set(
        Notification.objects.filter(kind=Kind.COMMENT, key__endswith=str(comment.pk + 1)).values_list(
            "recipient__email", flat=True
        )
    )
    assert reply_told == {editor.email, colleague.email}  # the thread's author and the assignee, not the replier


def test_a_fact_check_point_tells_the_team(written_report, inspector, lead_inspector, editor) -> None:
    fact_check, _token = fact_checks.fact_check_issue(
        report=written_report, actor=lead_inspector, liaison_name="Liz Liaison", liaison_email="liz@police.example"
    )
    fact_checks.fact_check_point_raise(fact_check=fact_check, part="summary", text="The figure is 12, not 21.")
    assert told(Kind.FACT_CHECK_POINT) == {inspector.email, lead_inspector.email}


def test_the_same_happening_is_told_once(inspector, editor) -> None:
    for _ in range(3):
        notifications.notify(kind=Kind.APPROVED, recipients=[inspector, inspector], subject="Once", key="event:1")
    assert Notification.objects.filter(recipient=inspector, key="event:1").count() == 1


def test_an_email_goes_once_however_often_the_task_runs(inbox, inspector) -> None:
    notifications.notify(kind=Kind.APPROVED, recipients=[inspector], subject="Kent is approved", key="k", link="/x/")
    assert notifications.notifications_email_due() == {"sent": 1, "failed": 0}
    assert notifications.notifications_email_due() == {"sent": 0, "failed": 0}  # a retried task
    [message] = inbox.to(inspector.email)
    assert message["Subject"] == "Kent is approved"
    text, html = text_and_html(message)
    assert "Kent is approved" in text and "Kent is approved" in html


def test_links_in_mail_are_on_site_url(inbox, inspector, settings) -> None:
    settings.SITE_URL = "https://inspectorate.example"
    notifications.notify(kind=Kind.APPROVED, recipients=[inspector], subject="Approved", key="k", link="/workspace/")
    notifications.notifications_email_due()
    text, html = text_and_html(inbox.to(inspector.email)[0])
    assert "https://inspectorate.example/workspace/" in text
    assert 'href="https://inspectorate.example/workspace/"' in html
    assert "https://inspectorate.example/workspace/notifications/settings/" in text


def test_a_failed_send_is_tried_again_and_sent_once(inspector, settings, inbox) -> None:
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    notifications.notify(kind=Kind.APPROVED, recipients=[inspector], subject="Retry me", key="k")
    assert notifications.notifications_email_due() == {"sent": 0, "failed": 1}
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_PORT = working_port
    assert notifications.notifications_email_due() == {"sent": 1, "failed": 0}
    assert len(inbox.to(inspector.email)) == 1


def test_a_send_claimed_by_another_task_is_left_to_it(inbox, inspector) -> None:
    [notification] = notifications.notify(kind=Kind.APPROVED, recipients=[inspector], subject="Mine", key="k")
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())
    assert notifications.notifications_email_due() == {"sent": 0, "failed": 0}
    # A claim older than the timeout is a task that died mid-send: the email goes.
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now() - notifications.CLAIM_TIMEOUT - datetime.timedelta(seconds=1)
    )
    assert notifications.notifications_email_due()["sent"] == 1


def test_digest_and_off_are_honoured(inbox, inspector, lead_inspector, editor) -> None:
    notifications.notification_settings_save(person=inspector, deliveries={Kind.APPROVED: Delivery.DIGEST})
    notifications.notification_settings_save(person=lead_inspector, deliveries={Kind.APPROVED: Delivery.OFF})
    for number in range(2):
        notifications.notify(
            kind=Kind.APPROVED,
            recipients=[inspector, lead_inspector, editor],
            subject=f"Report {number} is approved",
            key=f"k{number}",
        )
    assert notifications.notifications_email_due() == {"sent": 2, "failed": 0}  # the editor's two
    assert inbox.to(inspector.email) == [] and inbox.to(lead_inspector.email) == []
    assert notifications.digests_send() == {"sent": 1, "failed": 0}
    assert notifications.digests_send() == {"sent": 0, "failed": 0}
    [digest] = inbox.to(inspector.email)
    assert digest["Subject"] == "Your daily summary: 2 updates"
    text, _html = text_and_html(digest)
    assert "Report 0 is approved" in text and "Report 1 is approved" in text
    assert inbox.to(lead_inspector.email) == []  # off: never emailed...
    assert Notification.objects.filter(recipient=lead_inspector).count() == 2  # ...but in the workspace


def test_urgent_kinds_cannot_be_turned_off(inbox, editor) -> None:
    notifications.notification_settings_save(
        person=editor, deliveries={Kind.PDF_FAILED: Delivery.OFF, Kind.GO_LIVE_LATE: Delivery.DIGEST}
    )
    assert not editor.notification_settings.exists()
    notifications.notify(kind=Kind.PDF_FAILED, recipients=[editor], subject="The PDF of Kent failed", key="k")
    notifications.notifications_email_due()
    [message] = inbox.to(editor.email)
    assert message["Subject"] == "Urgent: The PDF of Kent failed"


def test_the_actor_and_people_who_have_left_are_not_told(inspector, editor) -> None:
    editor.is_active = False
    editor.save()
    made = notifications.notify(
        kind=Kind.APPROVED, recipients=[inspector, editor], subject="s", key="k", actor=inspector
    )
    assert made == []


def test_a_programme_scheduled_at_once_asks_for_one_email_task(people) -> None:
    """Many notices in one transaction make one task, not one each queued before the go-live."""
    from django.db import connection

    from tests.publishing.helpers import force, make_programme, make_report

    programme = make_programme("One task", 2016)
    for slug in ("kent-police", "surrey-police", "essex-police"):
        make_report(programme, force(slug), people, state="approved")
    publication.programme_schedule(
        programme=programme, actor=people.editor, go_live_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert Notification.objects.filter(kind=Kind.SCHEDULED).count() == 6  # two people on each of three reports
    # The test's own transaction never commits: everything asked for since it began is still pending.
    pending = [func for _, func, _ in connection.run_on_commit]
    sends = [func for func in pending if getattr(func, "enqueued", (None,))[0] == notifications.SEND_TASK]
    assert len(sends) == 1
