"""The report workflow: revisions, concurrency, two-person approval, checks, comments, fact checks."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections.models import FindingOutcome
from publishing import services as publication
from reports import fact_checks, record, services
from reports.models import FactCheckPoint, ReportEvent, ReportState, Revision
from reports.selectors import submission_problems
from tests.factories import FindingFactory, InspectionFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def save(report, actor, part="summary", text="Some text.", based_on=None):  # type: ignore[no-untyped-def]
    report.refresh_from_db()
    return services.report_save_part(
        report=report, actor=actor, part=part, text=text, based_on=report.version if based_on is None else based_on
    )


def test_a_report_has_a_section_per_question(report) -> None:
    assert [s.question.number for s in report.sections.all()] == [1, 2]
    assert services.report_start(inspection=report.inspection) == report  # idempotent
    assert report.sections.count() == 2


def test_every_save_is_a_new_immutable_revision(report, inspector) -> None:
    first = save(report, inspector, text="First.")
    second = save(report, inspector, text="Second.")
    assert (first.number, second.number) == (1, 2)
    assert Revision.objects.get(pk=first.pk).part("summary") == "First."
    assert second.part("summary") == "Second."
    with pytest.raises(ValueError, match="never changed"):
        first.save()
    assert save(report, inspector, text="Second.") is None  # unchanged: no new revision


def test_a_save_on_a_stale_revision_of_the_same_part_is_a_conflict_and_keeps_both_texts(
    report, inspector, lead_inspector
) -> None:
    save(report, inspector, text="Base.")
    report.refresh_from_db()
    base = report.version
    save(report, lead_inspector, text="The lead's paragraph.", based_on=base)
    with pytest.raises(services.EditConflict) as conflict:
        save(report, inspector, text="The inspector's paragraph.", based_on=base)
    assert conflict.value.their_text == "The lead's paragraph."
    assert conflict.value.your_text == "The inspector's paragraph."
    report.refresh_from_db()
    assert report.latest_revision().part("summary") == "The lead's paragraph."
    assert report.version == base + 1


def test_a_stale_save_of_another_part_goes_on_top(report, inspector, lead_inspector) -> None:
    save(report, inspector, text="Base.")
    report.refresh_from_db()
    base = report.version
    save(report, lead_inspector, part="summary", text="Lead's summary.", based_on=base)
    revision = save(report, inspector, part="section-1", text="Inspector's section.", based_on=base)
    assert revision.part("summary") == "Lead's summary."
    assert revision.part("section-1") == "Inspector's section."


def test_restoring_an_old_revision_makes_a_new_one(report, inspector) -> None:
    save(report, inspector, text="One.")
    save(report, inspector, text="Two.")
    report.refresh_from_db()
    restored = services.report_restore_revision(report=report, actor=inspector, number=1)
    assert (restored.number, restored.part("summary"), restored.note) == (3, "One.", "Restored revision 1")
    assert report.revisions.count() == 3


def test_people_off_the_team_cannot_write(report, other_inspector) -> None:
    with pytest.raises(PermissionDenied):
        save(report, other_inspector)
    assert not report.revisions.exists()


def test_text_is_cleaned_and_limited(report, inspector) -> None:
    revision = save(report, inspector, text="  Line one\r\nLine\x00 two\x07  ")
    assert revision.part("summary") == "Line one\nLine two"
    with pytest.raises(ValidationError, match="characters or fewer"):
        save(report, inspector, text="x" * (services.MAX_PART_CHARACTERS + 1))


def test_submission_lists_what_is_missing(report, inspector) -> None:
    messages = [check.message for check in submission_problems(report) if check.blocking]
    assert "Write the summary" in messages
    assert "Write the lead inspector's quote" in messages  # not "the the"
    assert "Write the section 1. Fairness" in messages
    with pytest.raises(ValidationError) as error:
        services.report_submit_for_review(report=report, actor=inspector)
    assert "Write the summary" in error.value.messages
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_submission_needs_outcomes_for_earlier_open_findings(written_report, inspector) -> None:
    earlier = InspectionFactory(programme=ProgrammeFactory(year=2015), force=written_report.inspection.force)
    afi = FindingFactory(inspection=earlier)
    assert any(check.key == "outcomes" for check in submission_problems(written_report))
    FindingOutcome.objects.create(inspection=written_report.inspection, finding=afi, outcome="addressed")
    assert not any(check.key == "outcomes" for check in submission_problems(written_report))


def test_a_good_grade_with_a_cause_of_concern_is_flagged_but_not_blocking(written_report, inspector) -> None:
    record.cause_of_concern_create(
        inspection=written_report.inspection,
        actor=inspector,
        text="A concern.",
        recommendations=[record.RecommendationInput("Fix it.")],
    )
    flags = [check for check in submission_problems(written_report) if check.key == "consistency"]
    assert flags and not flags[0].blocking
    services.report_submit_for_review(report=written_report, actor=inspector)


def test_the_whole_workflow_leaves_an_audit_trail(written_report, inspector, editor) -> None:
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    assert report.state == ReportState.IN_REVIEW
    report = services.report_request_changes(report=report, actor=editor, reason="Tighten the summary.")
    assert report.state == ReportState.CHANGES_REQUESTED
    save(report, inspector, text="A tighter summary.")
    report = services.report_submit_for_review(report=report, actor=inspector)
    report = publication.report_approve(report=report, actor=editor, revision_number=report.version)
    assert report.state == ReportState.APPROVED
    assert report.approved_revision.number == report.version
    actions = list(
        ReportEvent.objects.filter(report=report)
        .exclude(action="Text saved")
        .order_by("at", "pk")
        .values_list("action", "from_state", "to_state")
    )
    assert actions[-4:] == [
        ("Submitted for review", "draft", "in_review"),
        ("Changes requested", "in_review", "changes_requested"),
        ("Submitted for review", "changes_requested", "in_review"),
        ("Approved", "in_review", "approved"),
    ]


def test_nobody_approves_what_they_wrote(written_report, inspector, editor, make_user) -> None:
    from accounts.roles import Role

    report = services.report_submit_for_review(report=written_report, actor=inspector)
    save(report, editor, part="section-2", text="An editor's improvement.")
    report.refresh_from_db()
    with pytest.raises(PermissionDenied, match="someone else must approve"):
        publication.report_approve(report=report, actor=editor, revision_number=report.version)
    other_editor = make_user(Role.EDITOR)
    report = publication.report_approve(report=report, actor=other_editor, revision_number=report.version)
    assert report.state == ReportState.APPROVED


def test_inspectors_and_leads_cannot_approve(written_report, inspector, lead_inspector) -> None:
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    for person in (inspector, lead_inspector):
        with pytest.raises(PermissionDenied):
            publication.report_approve(report=report, actor=person, revision_number=report.version)


def test_approval_binds_to_one_revision_and_an_edit_sends_it_back(written_report, inspector, editor) -> None:
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    stale = report.version
    save(report, inspector, text="A late change.")
    report.refresh_from_db()
    with pytest.raises(services.WorkflowError, match="changed since you reviewed"):
        publication.report_approve(report=report, actor=editor, revision_number=stale)
    report = publication.report_approve(report=report, actor=editor, revision_number=report.version)
    save(report, inspector, text="A change after approval.")
    report.refresh_from_db()
    assert report.state == ReportState.IN_REVIEW
    assert report.approved_revision is None


def test_approval_needs_a_current_sign_off(report, inspector, editor, lead_inspector) -> None:
    from tests.factories import write_whole_report

    write_whole_report(report, inspector)
    report = services.report_submit_for_review(report=report, actor=inspector)
    with pytest.raises(ValidationError, match="not signed off"):
        publication.report_approve(report=report, actor=editor, revision_number=report.version)
    with pytest.raises(PermissionDenied):
        services.report_sign_off_judgments(report=report, actor=inspector)
    services.report_sign_off_judgments(report=report, actor=lead_inspector)
    report.refresh_from_db()
    assert publication.report_approve(report=report, actor=editor, revision_number=report.version).state == "approved"


def test_transitions_out_of_turn_are_refused(written_report, inspector, editor) -> None:
    with pytest.raises(services.WorkflowError):
        services.report_request_changes(report=written_report, actor=editor, reason="x")
    with pytest.raises(ValidationError, match="Enter what needs to change"):
        services.report_request_changes(report=written_report, actor=editor, reason="  ")
    services.report_submit_for_review(report=written_report, actor=inspector)
    with pytest.raises(services.WorkflowError):
        services.report_submit_for_review(report=written_report, actor=inspector)


def test_comments_threads_and_resolution(written_report, inspector, editor) -> None:
    comment = services.comment_add(report=written_report, actor=editor, body="Check this figure.", part="section-1")
    reply = services.comment_add(report=written_report, actor=inspector, body="Checked.", reply_to=comment)
    assert (reply.reply_to, reply.part) == (comment, "section-1")
    services.comment_set_resolved(comment=comment, actor=inspector, resolved=True)
    comment.refresh_from_db()
    assert comment.is_resolved
    with pytest.raises(ValidationError):
        services.comment_add(report=written_report, actor=editor, body="", part="section-1")


def test_working_days_skip_weekends() -> None:
    friday = datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC)
    assert fact_checks.add_working_days(friday, 1).weekday() == 0
    assert fact_checks.add_working_days(friday, 10) == datetime.datetime(2026, 12, 11, 12, tzinfo=datetime.UTC)


def test_a_fact_check_link_is_scoped_expiring_and_revocable(written_report, inspector, editor) -> None:
    check, token = fact_checks.fact_check_issue(
        report=written_report, actor=editor, liaison_name="Pat Liaison", liaison_email="pat@force.example"
    )
    assert check.revision.number == written_report.version
    assert check.token_hash != token and fact_checks.fact_check_for_token(token) == check
    point = fact_checks.fact_check_point_raise(fact_check=check, part="section-1", text="The figure is 12, not 21.")
    with pytest.raises(ValidationError, match="reason"):
        fact_checks.fact_check_point_decide(point=point, actor=inspector, decision="accepted", reason="")
    with pytest.raises(PermissionDenied):
        fact_checks.fact_check_point_decide(point=point, actor=editor, decision="accepted", reason="x")
    fact_checks.fact_check_point_decide(point=point, actor=inspector, decision="accepted", reason="Corrected.")
    assert FactCheckPoint.objects.get().decision == "accepted"
    fact_checks.fact_check_revoke(fact_check=check, actor=editor)
    assert fact_checks.fact_check_for_token(token) is None
    with pytest.raises(PermissionDenied):
        fact_checks.fact_check_point_raise(fact_check=check, part="", text="Too late.")
    check.revoked_at = None
    check.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    check.save()
    assert fact_checks.fact_check_for_token(token) is None
    assert fact_checks.fact_check_for_token("not-a-token") is None
    actions = set(ReportEvent.objects.values_list("action", flat=True))
    assert {"Fact-check link issued", "Fact-check point accepted", "Fact-check link revoked"} <= actions


def test_only_editors_and_the_lead_issue_fact_check_links(written_report, inspector, lead_inspector) -> None:
    with pytest.raises(PermissionDenied):
        fact_checks.fact_check_issue(
            report=written_report, actor=inspector, liaison_name="x", liaison_email="x@example.org"
        )
    fact_checks.fact_check_issue(
        report=written_report, actor=lead_inspector, liaison_name="x", liaison_email="x@example.org"
    )
