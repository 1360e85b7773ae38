"""Every admin list, add and change page, for every role: answered where the role may see it,
refused (403, or the login page for anonymous) for the rest; editable only where it may change it."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import reverse

from accounts.models import User
from inspections.models import Finding, FindingOutcome, Force, Inspection, Judgment
from reports.models import ReportEvent
from reports.record import RecommendationInput, cause_of_concern_create
from reports.services import report_start
from tests.factories import FindingFactory, InspectionFactory, JudgmentFactory, ProgrammeFactory, grade
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "inspector", "other_inspector", "lead_inspector", "editor", "administrator")
STAFF_ROLES = ROLES[1:]
TEAM = ("inspector", "lead_inspector", "administrator")  # may change the fixture inspection's record

REFERENCE = ["force", "gradingscale", "pillar", "programme"]
RECORD = ["judgment", "areaforimprovement", "causeofconcern", "recommendation", "notablepractice"]

# (app, model) -> who may view, who may add, who may change the fixture object
MATRIX: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    **{("inspections", m): (STAFF_ROLES, ("administrator",), ("administrator",)) for m in REFERENCE},
    ("inspections", "inspection"): (STAFF_ROLES, ("administrator",), TEAM),
    **{
        ("inspections", m): (STAFF_ROLES, ("inspector", "other_inspector", "lead_inspector", "administrator"), TEAM)
        for m in RECORD
    },
    ("accounts", "user"): (("administrator",), ("administrator",), ("administrator",)),
    ("auth", "group"): (("administrator",), ("administrator",), ("administrator",)),
    # Reports: read-only in the admin, for administrators.
    ("reports", "report"): (("administrator",), (), ()),
    # The audit trail: append-only, so nobody adds or changes an event, even here.
    ("reports", "reportevent"): (("administrator",), (), ()),
    # django-axes' lock-outs: read-only records that administrators see and lift.
    **{("axes", m): (("administrator",), (), ()) for m in ("accessattempt", "accesslog", "accessfailurelog")},
    # Fieldwork: listed and filtered for administrators; changed through the workspace's services. The one
    # change made here, an exception to the conflict rule, goes through its service too.
    **{("inspections", m): (("administrator",), (), ()) for m in ("evidence", "casefileaudit")},
    **{
        ("fieldwork", m): (("administrator",), (), ())
        for m in (
            "phase",
            "teamrole",
            "conflictdeclaration",
            "forcerequest",
            "liaisonlink",
            "requestanswer",
            "moderationdecision",
        )
    },
    ("fieldwork", "conflictexception"): (("administrator",), ("administrator",), ()),
}


def test_the_matrix_covers_every_registered_admin() -> None:
    registered = {(model._meta.app_label, model._meta.model_name) for model in admin.site._registry}
    assert registered == set(MATRIX)


@pytest.fixture
def record(inspection: Inspection) -> dict[str, object]:
    """One object of every registered model, the inspection's record on the fixture inspection."""
    judgment = JudgmentFactory(inspection=inspection)
    cause = cause_of_concern_create(
        inspection=inspection,
        actor=inspection.team.get(),
        text="A cause of concern.",
        recommendations=[RecommendationInput("A recommendation.", datetime.date(2017, 6, 30))],
    )
    return {
        "force": Force.objects.first(),
        "gradingscale": inspection.programme.scale,
        "pillar": inspection.programme.pillars.get(),
        "programme": inspection.programme,
        "inspection": inspection,
        "judgment": judgment,
        "areaforimprovement": FindingFactory(inspection=inspection),
        "causeofconcern": cause,
        "recommendation": cause.recommendations.get(),
        "notablepractice": FindingFactory(inspection=inspection, kind=Finding.Kind.NOTABLE_PRACTICE),
        "user": inspection.lead_inspector,
        "group": inspection.lead_inspector.groups.get(),
        "report": report_start(inspection=inspection),
        "reportevent": ReportEvent.objects.filter(inspection=inspection).first(),
        "accessattempt": AccessAttempt.objects.create(
            username="x@example.org", ip_address="127.0.0.1", failures_since_start=1
        ),
        "accesslog": AccessLog.objects.create(username="x@example.org", ip_address="127.0.0.1"),
        "accessfailurelog": AccessFailureLog.objects.create(username="x@example.org", ip_address="127.0.0.1"),
        **fieldwork_record(inspection),
    }


def fieldwork_record(inspection: Inspection) -> dict[str, object]:
    from fieldwork import services as fieldwork
    from fieldwork.models import ConflictDeclaration, ModerationDecision, Phase, RequestAnswer, TeamRole
    from inspections.evidence import ChecklistMeasure, Evidence

    member = inspection.team.get()
    ChecklistMeasure.objects.create(programme=inspection.programme, number=1, text="Recorded correctly")
    audit = fieldwork.case_file_audit_start(
        inspection=inspection, actor=member, title="A sample", gathered_on=datetime.date(2017, 3, 1), references=["A"]
    )
    request = fieldwork.force_request_add(
        inspection=inspection, actor=member, title="Policies", detail="", due_on=datetime.date.today()
    )
    link, _ = fieldwork.liaison_link_issue(
        inspection=inspection, actor=member, liaison_name="Pat", liaison_email="pat@force.example"
    )
    declaration = ConflictDeclaration.objects.create(person=member, force=inspection.force, kind="other")
    judgment = inspection.judgments.filter(question__isnull=False).first() or JudgmentFactory(inspection=inspection)
    return {
        "evidence": Evidence.objects.get(case_file_audit=audit),
        "casefileaudit": audit,
        "phase": Phase.objects.create(
            inspection=inspection,
            kind="fieldwork",
            starts_on=datetime.date(2017, 3, 1),
            ends_on=datetime.date(2017, 3, 9),
        ),
        "teamrole": TeamRole.objects.create(inspection=inspection, person=member, role="inspector"),
        "conflictdeclaration": declaration,
        "conflictexception": declaration.exceptions.create(
            inspection=inspection, reason="Reviewed.", granted_by=inspection.lead_inspector
        ),
        "forcerequest": request,
        "liaisonlink": link,
        "requestanswer": RequestAnswer.objects.create(request=request, link=link, note="Sent."),
        "moderationdecision": ModerationDecision.objects.create(
            judgment=judgment, grade_after=grade("good"), decided_by=inspection.lead_inspector
        ),
    }


def client_for(client, request, role: str):  # type: ignore[no-untyped-def]
    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    return client


def assert_refused(response, role: str) -> None:  # type: ignore[no-untyped-def]
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert reverse("admin:login") in response["Location"]
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("app_label", "model_name"), sorted(MATRIX))
def test_admin_pages_by_role(client, request, record, role: str, app_label: str, model_name: str) -> None:
    viewers, adders, changers = MATRIX[(app_label, model_name)]
    client = client_for(client, request, role)
    obj = record[model_name]

    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    if role in viewers:
        assert changelist.status_code == HTTPStatus.OK
    else:
        assert_refused(changelist, role)

    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    if role in adders:
        assert add.status_code == HTTPStatus.OK
    else:
        assert_refused(add, role)

    change = client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))  # type: ignore[attr-defined]
    if role in viewers:
        assert change.status_code == HTTPStatus.OK
        editable = 'name="_save"' in change.content.decode()
        assert editable is (role in changers), f"{role} editable={editable} on {model_name}"
    else:
        assert_refused(change, role)


def test_an_inspector_off_the_team_cannot_post_a_change(client, other_inspector, inspection) -> None:
    judgment = JudgmentFactory(inspection=inspection, narrative="Original")
    sign_in(client, other_inspector)
    response = client.post(
        reverse("admin:inspections_judgment_change", args=[judgment.pk]),
        {
            "inspection": inspection.pk,
            "question": judgment.question_id,
            "grade": judgment.grade_id,
            "narrative": "Hijacked",
        },
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    judgment.refresh_from_db()
    assert judgment.narrative == "Original"


def test_an_inspector_can_only_add_records_to_their_own_inspections(client, inspector, inspection) -> None:
    elsewhere = InspectionFactory(programme=ProgrammeFactory())
    sign_in(client, inspector)
    page = client.get(reverse("admin:inspections_areaforimprovement_add"))
    choices = page.context["adminform"].form.fields["inspection"].queryset
    assert list(choices) == [inspection]
    response = client.post(
        reverse("admin:inspections_areaforimprovement_add"),
        {"inspection": elsewhere.pk, "text": "Sneaky", "order": 0},
    )
    assert response.status_code == HTTPStatus.OK  # the form again, with an error
    assert not elsewhere.findings.exists()


def test_a_cause_of_concern_cannot_be_saved_in_the_admin_without_a_recommendation(
    client, inspector, inspection
) -> None:
    sign_in(client, inspector)
    prefix = "recommendations"
    response = client.post(
        reverse("admin:inspections_causeofconcern_add"),
        {
            "inspection": inspection.pk,
            "text": "A serious shortcoming.",
            "order": 1,
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "1",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "Add at least one recommendation" in response.content.decode()
    assert not inspection.findings.exists()

    response = client.post(
        reverse("admin:inspections_causeofconcern_add"),
        {
            "inspection": inspection.pk,
            "text": "A serious shortcoming.",
            "order": 1,
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "1",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-text": "Within three months, review the process.",
            f"{prefix}-0-deadline": "2017-03-31",
            f"{prefix}-0-status": "awaiting",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    cause = inspection.findings.get(kind=Finding.Kind.CAUSE_OF_CONCERN)
    recommendation = cause.recommendations.get()
    assert (recommendation.inspection, recommendation.kind) == (inspection, Finding.Kind.RECOMMENDATION)


def test_the_inspection_page_lists_the_forces_open_findings_from_earlier_years(client, inspector) -> None:
    earlier = InspectionFactory(programme=ProgrammeFactory(year=2015))
    open_afi = FindingFactory(inspection=earlier, text="Improve the recording of stop and search.")
    current = InspectionFactory(programme=ProgrammeFactory(year=2016), team=[inspector])
    FindingOutcome.objects.create(inspection=current, finding=open_afi, outcome=FindingOutcome.Outcome.STILL_OPEN)
    sign_in(client, inspector)
    page = client.get(reverse("admin:inspections_inspection_change", args=[current.pk])).content.decode()
    assert "Improve the recording of stop and search." in page
    assert "Still open" in page


def test_the_inspection_list_filters_by_region_and_grade(client, administrator, inspection) -> None:
    JudgmentFactory(inspection=inspection)
    sign_in(client, administrator)
    url = reverse("admin:inspections_inspection_changelist")
    good = Judgment.objects.get(inspection=inspection).grade_id
    assert (
        client.get(url, {"force__region": "West Midlands", "judgments__grade__id__exact": good})
        .context["cl"]
        .result_count
        == 1
    )
    assert client.get(url, {"force__region": "Wales"}).context["cl"].result_count == 0
    assert client.get(url, {"q": "West Midlands"}).context["cl"].result_count == 1


def test_users_are_listed_with_their_roles(client, administrator: User) -> None:
    sign_in(client, administrator)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Ada Admin" in page
    assert "Administrator" in page
