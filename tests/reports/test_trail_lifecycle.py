"""A report taken through every state and a correction: its trail, downloaded as CSV, names the right
actor, revision and edition for every event."""

from __future__ import annotations

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.utils import timezone

from accounts.roles import Role
from inspections.models import Judgment
from publishing import services as publication
from reports import fact_checks, record, services
from reports.models import FactCheck, ReportState
from tests.factories import grade
from tests.publishing.helpers import render_all
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_every_state_and_a_correction_leave_a_trail_with_the_right_actor_revision_and_edition(
    client, written_report, inspector, lead_inspector, editor, make_user, fast_pdfs, django_capture_on_commit_callbacks
) -> None:
    report = written_report
    editor2 = make_user(Role.EDITOR, email="editor2@example.org", name="Eve Editor")
    first_revision = report.version
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit_for_review(report=report, actor=inspector)
        services.report_request_changes(report=report, actor=editor, reason="Tighten the summary.")
        report.refresh_from_db()
        services.report_save_part(
            report=report, actor=inspector, part="summary", text="A tighter summary.", based_on=report.version
        )
        services.report_sign_off_judgments(report=report, actor=lead_inspector)
        services.report_submit_for_review(report=report, actor=inspector)
        report.refresh_from_db()
        approved_revision = report.version
        publication.report_approve(report=report, actor=editor, revision_number=approved_revision)
        check, _ = fact_checks.fact_check_issue(
            report=report, actor=lead_inspector, liaison_name="Pat Liaison", liaison_email="pat@example.org"
        )
        publication.report_schedule(
            report=report, actor=editor2, go_live_at=timezone.now() + datetime.timedelta(days=1)
        )
        publication.report_publish_now(report=report, actor=editor2)
        render_all()
        publication.publication_sweep()
        report.refresh_from_db()
        assert report.state == ReportState.PUBLISHED
        # A correction: the inspector rewrites the summary and regrades a question; an editor who
        # changed none of it publishes it.
        services.report_save_part(
            report=report, actor=inspector, part="summary", text="The corrected summary.", based_on=report.version
        )
        judgment = Judgment.objects.filter(inspection=report.inspection, question__isnull=False).first()
        assert judgment is not None
        judgment.grade = grade("outstanding")
        record.record_item_save(item=judgment, actor=inspector)
        report.refresh_from_db()
        corrected_revision = report.version
        publication.report_correct(report=report, actor=editor, change_note="Summary and a grade corrected.")
        render_all()
        publication.publication_sweep()
        publication.report_withdraw(report=report, actor=editor2, reason="Withdrawn to test the trail.")

    sign_in(client, editor)
    response = client.get(f"/workspace/reports/{report.pk}/trail.csv")
    assert response.status_code == HTTPStatus.OK
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    by_action: dict[str, list[dict[str, str]]] = {}
    for row in reversed(rows):  # oldest first
        by_action.setdefault(row["action"], []).append(row)

    def only(action: str) -> dict[str, str]:
        [row] = by_action[action]
        return row

    submitted = by_action["Submitted for review"]
    assert [(r["actor"], r["from_state"], r["to_state"]) for r in submitted] == [
        (str(inspector), "draft", "in_review"),
        (str(inspector), "changes_requested", "in_review"),
    ]
    assert submitted[0]["revision"] == str(first_revision)
    assert submitted[1]["revision"] == str(approved_revision)
    assert only("Changes requested")["actor"] == str(editor)
    assert only("Changes requested")["reason"] == "Tighten the summary."
    assert {row["actor"] for row in by_action["Judgments signed off"]} == {str(lead_inspector)}
    approved = only("Approved")
    assert (approved["actor"], approved["revision"], approved["to_state"]) == (
        str(editor),
        str(approved_revision),
        "approved",
    )
    assert only("Fact-check link issued")["actor"] == str(lead_inspector)
    scheduled = only("Scheduled")
    assert (scheduled["actor"], scheduled["revision"], scheduled["edition"]) == (
        str(editor2),
        str(approved_revision),
        "1",
    )
    publish_now = only("Publish now")
    assert (publish_now["actor"], publish_now["edition"]) == (str(editor2), "1")
    published = only("Published")
    assert (published["actor"], published["revision"], published["edition"], published["to_state"]) == (
        str(editor2),
        str(approved_revision),
        "1",
        "published",
    )
    record_change = only("Judgment changed")
    assert record_change["actor"] == str(inspector)
    assert "Good" in record_change["changes"] and "Outstanding" in record_change["changes"]
    requested = only("Correction requested")
    assert (requested["actor"], requested["revision"], requested["edition"]) == (
        str(editor),
        str(corrected_revision),
        "2",
    )
    corrected = only("Correction published")
    assert (corrected["actor"], corrected["revision"], corrected["edition"], corrected["reason"]) == (
        str(editor),
        str(corrected_revision),
        "2",
        "Summary and a grade corrected.",
    )
    withdrawn = only("Withdrawn")
    assert (withdrawn["actor"], withdrawn["edition"], withdrawn["from_state"], withdrawn["to_state"]) == (
        str(editor2),
        "2",
        "published",
        "withdrawn",
    )
    # Every event names someone, and every text save its revision.
    assert all(row["actor"] for row in rows)
    assert all(row["revision"] for row in by_action["Text saved"])
    assert FactCheck.objects.filter(pk=check.pk).exists()
