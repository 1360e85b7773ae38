"""Fieldwork's rules through its services: conflicts, requests and the liaison's answers, files judged by
content, evidence and citations, case-file audit rates, moderation and retention."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fieldwork import selectors, services
from fieldwork.models import ConflictDeclaration, ForceRequest, ModerationDecision, RequestFile
from inspections.evidence import CaseFileAnswer, ChecklistMeasure, Evidence, EvidenceFile
from inspections.models import Judgment
from inspections.selectors import audit_rates
from inspections.statistics import wilson_interval
from notifications.models import Notification
from reports.errors import WorkflowError
from reports.models import ReportEvent
from reports.record import judgment_evidence_cite
from reports.services import report_sign_off_judgments
from tests.factories import grade

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def a_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def a_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- Wilson -----------------------------------------------------------------------------------------


def test_the_wilson_interval_matches_known_values() -> None:
    # 8 of 10: 0.4902 to 0.9433 (Newcombe 1998, table I, method 3); 0 of 10: 0 to 0.2775.
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    low, high = wilson_interval(0, 10)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.2775)
    assert wilson_interval(0, 0) == (0.0, 1.0)


# --- Conflicts --------------------------------------------------------------------------------------


def test_a_recent_service_or_a_family_link_keeps_someone_off_until_an_exception(
    inspection, lead_inspector, other_inspector, administrator
) -> None:
    inspection.fieldwork_start, inspection.fieldwork_end = datetime.date(2017, 3, 1), datetime.date(2017, 3, 20)
    inspection.save()
    served = services.conflict_declare(
        person=other_inspector,
        actor=other_inspector,
        force_id=inspection.force_id,
        kind=ConflictDeclaration.Kind.SERVED,
        served_until=datetime.date(2014, 6, 30),
        detail="Detective sergeant.",
    )
    with pytest.raises(ValidationError, match="An administrator must record an exception"):
        services.team_member_add(inspection=inspection, actor=lead_inspector, person=other_inspector, role="inspector")
    assert not inspection.team.filter(pk=other_inspector.pk).exists()

    with pytest.raises(PermissionDenied):
        services.conflict_exception_grant(declaration=served, inspection=inspection, actor=lead_inspector, reason="x")
    with pytest.raises(ValidationError, match="Enter why"):
        services.conflict_exception_grant(declaration=served, inspection=inspection, actor=administrator, reason=" ")
    services.conflict_exception_grant(
        declaration=served, inspection=inspection, actor=administrator, reason="Different command; reviewed."
    )
    services.team_member_add(inspection=inspection, actor=lead_inspector, person=other_inspector, role="analyst")
    assert inspection.team.filter(pk=other_inspector.pk).exists()
    assert ReportEvent.objects.filter(inspection=inspection, action="Conflict exception recorded").exists()


def test_service_long_enough_ago_and_other_links_do_not_keep_anyone_off(inspection, other_inspector) -> None:
    inspection.fieldwork_start, inspection.fieldwork_end = datetime.date(2017, 3, 1), datetime.date(2017, 3, 20)
    inspection.save()
    for kind, until in (("served", datetime.date(2011, 1, 1)), ("other", None)):
        ConflictDeclaration.objects.create(
            person=other_inspector, force_id=inspection.force_id, kind=kind, served_until=until
        )
    assert selectors.conflicts_blocking(other_inspector, inspection) == []
    ConflictDeclaration.objects.create(person=other_inspector, force_id=inspection.force_id, kind="family")
    assert len(selectors.conflicts_blocking(other_inspector, inspection)) == 1


# --- Requests and the liaison's answers -----------------------------------------------------------


@pytest.fixture
def request_and_link(inspection, inspector):  # type: ignore[no-untyped-def]
    request = services.force_request_add(
        inspection=inspection,
        actor=inspector,
        title="Stop and search records, 2016",
        detail="",
        due_on=TODAY + datetime.timedelta(days=10),
    )
    link, token = services.liaison_link_issue(
        inspection=inspection, actor=inspector, liaison_name="Pat Liaison", liaison_email="pat@force.example"
    )
    return request, link, token


def test_a_request_due_in_the_past_is_refused(inspection, inspector) -> None:
    with pytest.raises(ValidationError, match="due date must be today or in the future"):
        services.force_request_add(
            inspection=inspection, actor=inspector, title="X", detail="", due_on=TODAY - datetime.timedelta(days=1)
        )
    assert not ForceRequest.objects.exists()


def test_the_liaison_answers_with_files_judged_by_content_and_the_team_is_told(
    request_and_link, inspection, inspector
) -> None:
    request, link, token = request_and_link
    assert selectors.liaison_link_by_token(token) == link
    answer = services.request_answer(
        link=link,
        request=request,
        note="Attached.",
        files=[upload("records.pdf", a_pdf()), upload("policy", a_docx()), upload("data.txt", b"a,b\n1,2\n")],
    )
    kinds = sorted(RequestFile.objects.filter(answer=answer).values_list("content_type", flat=True))
    assert kinds == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/csv",
    ]
    stored = RequestFile.objects.filter(answer=answer).first()
    assert stored is not None and "records" not in stored.file.name  # a random name
    request.refresh_from_db()
    assert request.answered_at is not None
    assert Notification.objects.filter(recipient=inspector, kind="request_answered").exists()
    event = ReportEvent.objects.get(action="Request answered by the force")
    assert event.actor is None and event.actor_name.startswith("Pat Liaison")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>", "must be a PDF, Word or Excel"),
        ("page.csv", b"<html><body>hello</body></html>", "must be a PDF, Word or Excel"),
        ("program.docx", b"MZ\x90\x00\x03\x00\x00\x00", "must be a PDF, Word or Excel"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_and_nothing_is_kept(request_and_link, name, content, message) -> None:
    request, link, _ = request_and_link
    with pytest.raises(ValidationError, match=message):
        services.request_answer(
            link=link, request=request, note="", files=[upload("good.pdf", a_pdf()), upload(name, content)]
        )
    assert not RequestFile.objects.exists()
    request.refresh_from_db()
    assert request.answered_at is None


def test_a_file_over_the_limit_is_refused(request_and_link, settings) -> None:
    request, link, _ = request_and_link
    settings.FIELDWORK_MAX_FILE_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than 0 MB"):
        services.request_answer(link=link, request=request, note="", files=[upload("big.csv", b"a,b\n" * 1000)])


def test_an_expired_or_revoked_link_or_a_closed_request_takes_nothing(request_and_link, inspector) -> None:
    request, link, _ = request_and_link
    services.force_request_close(request=request, actor=inspector)
    with pytest.raises(WorkflowError, match="closed this request"):
        services.request_answer(link=link, request=request, note="Late.", files=[])
    ForceRequest.objects.filter(pk=request.pk).update(closed_at=None)
    services.liaison_link_revoke(link=link, actor=inspector)
    with pytest.raises(WorkflowError, match="expired or been withdrawn"):
        services.request_answer(link=link, request=request, note="Hello.", files=[])


def test_an_overdue_request_tells_the_team_once(request_and_link, inspector) -> None:
    request, _, _ = request_and_link
    ForceRequest.objects.filter(pk=request.pk).update(due_on=TODAY - datetime.timedelta(days=2))
    assert services.requests_overdue_remind() == 1
    assert services.requests_overdue_remind() == 0
    assert Notification.objects.filter(recipient=inspector, kind="request_overdue").count() == 1


# --- Evidence and citations -------------------------------------------------------------------------


def test_sign_off_waits_for_every_graded_judgment_to_cite_evidence(report, inspector, lead_inspector) -> None:
    judgment = Judgment.objects.get(inspection=report.inspection, question__number=1)
    judgment_evidence_cite(judgment=judgment, actor=inspector, evidence=[])
    with pytest.raises(ValidationError, match="Cite the evidence for the judgment on question 1"):
        report_sign_off_judgments(report=report, actor=lead_inspector)
    evidence = services.evidence_log(
        inspection=report.inspection,
        actor=inspector,
        kind=Evidence.Kind.FOCUS_GROUP,
        gathered_on=TODAY,
        summary="Officers described how complaints are handled.",
        notes="Names of the officers.",
        questions=[judgment.question],
        files=[upload("notes.pdf", a_pdf())],
    )
    assert EvidenceFile.objects.filter(evidence=evidence).count() == 1
    judgment_evidence_cite(judgment=judgment, actor=inspector, evidence=[evidence])
    report_sign_off_judgments(report=report, actor=lead_inspector)
    assert ReportEvent.objects.filter(action="Evidence cited", inspection=report.inspection).count() == 2


def test_evidence_in_the_future_or_from_another_inspection_is_refused(report, inspector, lead_inspector) -> None:
    with pytest.raises(ValidationError, match="today or in the past"):
        services.evidence_log(
            inspection=report.inspection,
            actor=inspector,
            kind="interview",
            gathered_on=TODAY + datetime.timedelta(days=1),
            summary="x",
        )
    other = Evidence.objects.exclude(inspection=report.inspection).first()
    from tests.factories import ready_inspection

    elsewhere = ready_inspection(team=[inspector], lead=lead_inspector)
    other = Evidence.objects.filter(inspection=elsewhere).first()
    judgment = Judgment.objects.get(inspection=report.inspection, question__number=1)
    with pytest.raises(ValidationError, match="this inspection only"):
        judgment_evidence_cite(judgment=judgment, actor=inspector, evidence=[other])


def test_only_the_team_logs_evidence(report, other_inspector, editor) -> None:
    for person in (other_inspector, editor):
        with pytest.raises(PermissionDenied):
            services.evidence_log(
                inspection=report.inspection, actor=person, kind="interview", gathered_on=TODAY, summary="x"
            )


# --- Case-file audits -------------------------------------------------------------------------------------


def test_an_audit_gives_each_measures_rate_with_its_interval(report, inspector) -> None:
    programme = report.inspection.programme
    recorded = ChecklistMeasure.objects.create(programme=programme, number=1, text="Crime recorded correctly")
    told = ChecklistMeasure.objects.create(programme=programme, number=2, text="Victim told of the outcome")
    audit = services.case_file_audit_start(
        inspection=report.inspection,
        actor=inspector,
        title="Domestic abuse crimes, March",
        gathered_on=TODAY,
        references=[f"DA/{n:04d}" for n in range(10)],
    )
    files = list(audit.case_files.all())
    answers = {}
    for index, case_file in enumerate(files):
        answers[(case_file.pk, recorded.pk)] = "met" if index < 8 else "not_met"
        answers[(case_file.pk, told.pk)] = "n/a" if index < 3 else "met"
    services.case_file_answers_record(audit=audit, actor=inspector, answers=answers, in_about_the_data=True)
    rates = {item.measure.number: item for item in audit_rates(audit)}
    assert (rates[1].rate.successes, rates[1].rate.trials) == (8, 10)
    assert (round(rates[1].rate.low, 4), round(rates[1].rate.high, 4)) == (0.4902, 0.9433)
    assert (rates[2].rate.successes, rates[2].rate.trials, rates[2].not_applicable) == (7, 7, 3)
    assert CaseFileAnswer.objects.count() == 20
    with pytest.raises(ValidationError, match="each case file's reference once"):
        services.case_file_audit_start(
            inspection=report.inspection, actor=inspector, title="Twice", gathered_on=TODAY, references=["A", "A"]
        )


# --- Moderation -----------------------------------------------------------------------------------------


def test_moderation_confirms_or_changes_a_grade_with_a_reason_and_approval_waits_for_it(
    written_report, inspector, lead_inspector, editor, make_user
) -> None:
    from accounts.roles import Role
    from publishing.services import report_approve
    from reports.services import report_submit_for_review

    programme = written_report.inspection.programme
    programme.requires_moderation = True
    programme.save()
    report = report_submit_for_review(report=written_report, actor=inspector)
    first, second = Judgment.objects.filter(inspection=report.inspection, question__isnull=False).order_by(
        "question__number"
    )
    with pytest.raises(ValidationError, match="Moderation has not settled the grade for question 1"):
        report_approve(report=report, actor=editor, revision_number=report.version)

    with pytest.raises(PermissionDenied):
        services.grade_moderate(judgment=first, actor=inspector, grade=grade("good"), reason="")
    panel = make_user(Role.LEAD_INSPECTOR)
    assert not services.grade_moderate(judgment=first, actor=panel, grade=grade("good"), reason="").changed
    with pytest.raises(ValidationError, match="Enter why moderation changes the grade"):
        services.grade_moderate(judgment=second, actor=panel, grade=grade("requires-improvement"), reason="")
    moderated = services.grade_moderate(
        judgment=second,
        actor=panel,
        grade=grade("requires-improvement"),
        reason="The evidence matches other forces graded requires improvement.",
    )
    assert moderated.changed
    second.refresh_from_db()
    assert second.grade.slug == "requires-improvement"
    event = ReportEvent.objects.get(action="Grade changed in moderation")
    assert event.reason.startswith("The evidence matches") and event.actor == panel
    assert Notification.objects.filter(recipient=inspector, kind="grade_moderated").exists()
    assert ModerationDecision.objects.count() == 2
    assert selectors.moderation_outstanding(report.inspection) == []
    # The grade changed, so the lead's sign-off is stale: approval waits for it again.
    report.refresh_from_db()
    with pytest.raises(ValidationError):
        report_approve(report=report, actor=editor, revision_number=report.version)


# --- Retention ---------------------------------------------------------------------------------------------


def test_retention_deletes_files_and_notes_after_the_period_and_keeps_the_record(report, inspector) -> None:
    evidence = services.evidence_log(
        inspection=report.inspection,
        actor=inspector,
        kind="interview",
        gathered_on=TODAY,
        summary="Interview with the chief constable.",
        notes="Said in confidence: ...",
        files=[upload("interview.pdf", a_pdf())],
    )
    stored = EvidenceFile.objects.get(evidence=evidence)
    path = stored.file.name
    storage = stored.file.storage
    assert storage.exists(path)
    report.first_published_at = timezone.now() - datetime.timedelta(days=365)
    report.save(update_fields=["first_published_at"])
    assert services.retention_apply()["evidence_files"] == 0  # one year: within the two-year rule
    report.first_published_at = timezone.now() - datetime.timedelta(days=3 * 365)
    report.save(update_fields=["first_published_at"])
    removed = services.retention_apply()
    assert removed["evidence_files"] == 1 and removed["notes"] == 1
    stored.refresh_from_db()
    evidence.refresh_from_db()
    assert stored.removed_at is not None and not storage.exists(path)
    assert evidence.notes == "" and evidence.summary == "Interview with the chief constable."
    assert ReportEvent.objects.filter(action="Evidence removed under the retention rule").count() == 1
    assert services.retention_apply()["inspections"] == 0


def test_the_admin_holds_the_team_to_the_conflict_rule_too(client, inspection, other_inspector, administrator) -> None:
    from django.urls import reverse

    from tests.sign_in import sign_in

    ConflictDeclaration.objects.create(person=other_inspector, force_id=inspection.force_id, kind="family")
    sign_in(client, administrator)
    url = reverse("admin:inspections_inspection_change", args=[inspection.pk])
    data = {
        "force": inspection.force_id,
        "programme": inspection.programme_id,
        "status": inspection.status,
        "lead_inspector": inspection.lead_inspector_id,
        "team": [*inspection.team.values_list("pk", flat=True), other_inspector.pk],
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("judgments", "areaforimprovement_set", "notablepractice_set", "finding_outcomes")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Record an exception to the conflict rule first" in page.content.decode()
    assert not inspection.team.filter(pk=other_inspector.pk).exists()


def test_the_moderation_table_reads_a_fixed_number_of_queries_whatever_the_forces(
    django_assert_max_num_queries, inspector, lead_inspector
) -> None:
    from inspections.models import Force
    from tests.factories import InspectionFactory, ProgrammeFactory

    programme = ProgrammeFactory()
    ChecklistMeasure.objects.create(programme=programme, number=1, text="Recorded")
    for force in Force.objects.order_by("name")[:6]:
        inspection = InspectionFactory(
            programme=programme, force=force, team=[inspector], lead_inspector=lead_inspector
        )
        services.case_file_audit_start(
            inspection=inspection, actor=inspector, title="Sample", gathered_on=TODAY, references=["A", "B"]
        )
    with django_assert_max_num_queries(8):
        _, rows = selectors.moderation_table(programme)
        assert len(rows) == 6 and all(len(row.audits) == 1 for row in rows)


def test_the_liaisons_page_has_one_uniquely_named_send_button_a_request(client, request_and_link) -> None:
    import re as regex

    request, link, token = request_and_link
    second = services.force_request_add(
        inspection=link.inspection,
        actor=link.issued_by,
        title="Second",
        detail="",
        due_on=TODAY + datetime.timedelta(days=3),
    )
    page = client.get(f"/force-requests/{token}/").content.decode()
    ids = regex.findall(r'id="(send-\d+)"', page)
    assert sorted(ids) == sorted([f"send-{request.pk}", f"send-{second.pk}"])
    assert f'aria-describedby="request-{request.pk}"' in page and f'id="request-{request.pk}"' in page
    assert 'id="submit-id-submit"' not in page


def test_an_exception_recorded_in_the_admin_goes_through_the_service(
    client, inspection, other_inspector, administrator
) -> None:
    from django.urls import reverse

    from fieldwork.models import ConflictException
    from tests.sign_in import sign_in

    declaration = ConflictDeclaration.objects.create(
        person=other_inspector, force_id=inspection.force_id, kind="family"
    )
    sign_in(client, administrator)
    url = reverse("admin:fieldwork_conflictexception_add")
    client.post(url, {"declaration": declaration.pk, "inspection": inspection.pk, "reason": " "})
    assert not ConflictException.objects.exists()  # the service's rule: a reason is needed
    client.post(url, {"declaration": declaration.pk, "inspection": inspection.pk, "reason": "Reviewed by the panel."})
    assert ConflictException.objects.get().granted_by == administrator
    assert ReportEvent.objects.filter(inspection=inspection, action="Conflict exception recorded").exists()


def test_the_scheduled_doors_call_the_services(request_and_link, report, inspector) -> None:
    from fieldwork.tasks import retention_apply_task
    from publishing.services.reminders import reminders_send

    request, _, _ = request_and_link
    ForceRequest.objects.filter(pk=request.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    assert reminders_send()["requests_overdue"] == 1
    services.evidence_log(
        inspection=report.inspection, actor=inspector, kind="interview", gathered_on=TODAY, summary="x", notes="names"
    )
    report.first_published_at = timezone.now() - datetime.timedelta(days=3 * 365)
    report.save(update_fields=["first_published_at"])
    assert retention_apply_task.apply().get()["notes"] == 1
