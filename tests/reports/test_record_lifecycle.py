"""One lifecycle for the inspection's record, through every door.

Every record type (judgment, area for improvement, cause of concern, recommendation, notable practice,
outcome of an earlier finding) x every report state (no report yet, draft ... withdrawn) x every door
(the record services, the admin's add, change and delete, the workspace's pages): allowed while the
report is editable, refused with nothing changed while it is scheduled or withdrawn. An allowed change
moves the record version, lapses an approval and leaves an audit event with the before and after.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accounts.models import User
from inspections.models import Finding, FindingOutcome, Inspection, Judgment, Pillar
from reports import record, services
from reports.errors import WorkflowError
from reports.models import Report, ReportEvent, ReportState
from tests.factories import (
    FindingFactory,
    InspectionFactory,
    ProgrammeFactory,
    QuestionFactory,
    cite_evidence,
    grade,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

STATES = (
    "no report",
    ReportState.DRAFT,
    ReportState.IN_REVIEW,
    ReportState.CHANGES_REQUESTED,
    ReportState.APPROVED,
    ReportState.SCHEDULED,
    ReportState.PUBLISHED,
    ReportState.WITHDRAWN,
)
FROZEN = {ReportState.SCHEDULED, ReportState.WITHDRAWN}
KINDS = ("judgment", "afi", "cause", "recommendation", "notable", "outcome")
ADMIN_MODEL = {
    "judgment": "judgment",
    "afi": "areaforimprovement",
    "cause": "causeofconcern",
    "recommendation": "recommendation",
    "notable": "notablepractice",
}


class Record:
    """An inspection with one row of every record type, and its report in the state under test."""

    def __init__(self, inspector: User, lead: User, state: str) -> None:
        force_programme_2016 = ProgrammeFactory(year=2016)
        programme = ProgrammeFactory(year=2017)
        self.q1 = QuestionFactory(programme=programme, number=1, short_title="Fairness")
        self.q2 = QuestionFactory(programme=programme, number=2, short_title="Ethics")
        self.inspection = InspectionFactory(programme=programme, team=[inspector], lead_inspector=lead)
        earlier = InspectionFactory(programme=force_programme_2016, force=self.inspection.force)
        self.earlier_afis = [FindingFactory(inspection=earlier), FindingFactory(inspection=earlier)]
        self.items: dict[str, Model] = {
            "judgment": Judgment.objects.create(
                inspection=self.inspection, question=self.q1, grade=grade("good"), narrative="Good."
            ),
            "afi": FindingFactory(inspection=self.inspection, text="An area for improvement."),
            "cause": FindingFactory(inspection=self.inspection, kind=Finding.Kind.CAUSE_OF_CONCERN, text="A cause."),
            "notable": FindingFactory(inspection=self.inspection, kind=Finding.Kind.NOTABLE_PRACTICE, text="Notable."),
            "outcome": FindingOutcome.objects.create(
                inspection=self.inspection, finding=self.earlier_afis[0], outcome="open", note="Still open."
            ),
        }
        cite_evidence(self.items["judgment"], by=lead)  # type: ignore[arg-type]
        self.items["recommendation"] = Finding.objects.create(
            inspection=self.inspection,
            kind=Finding.Kind.RECOMMENDATION,
            text="A recommendation.",
            cause_of_concern=self.items["cause"],
        )
        self.report: Report | None = None
        if state != "no report":
            self.report = services.report_start(inspection=self.inspection)
            Report.objects.filter(pk=self.report.pk).update(state=state)
            self.report.refresh_from_db()

    def snapshot(self) -> tuple[Any, ...]:
        """Everything a refused change must leave as it was."""
        inspection = self.inspection
        return (
            list(Judgment.objects.filter(inspection=inspection).order_by("pk").values()),
            list(Finding.objects.filter(inspection=inspection).order_by("pk").values()),
            list(FindingOutcome.objects.filter(inspection=inspection).order_by("pk").values("pk", "outcome", "note")),
            ReportEvent.objects.filter(inspection=inspection).count(),
            Report.objects.filter(inspection=inspection).values_list("state", "record_version").first(),
        )


@pytest.fixture(params=STATES)
def state(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def subject(inspector: User, lead_inspector: User, state: str) -> Record:
    return Record(inspector, lead_inspector, state)


# --- The doors -------------------------------------------------------------------------------------


def service_add(subject: Record, kind: str, actor: User) -> None:
    inspection = subject.inspection
    if kind == "judgment":
        record.judgment_record(
            inspection=inspection, actor=actor, grade=grade("good"), narrative="New.", question=subject.q2
        )
    elif kind in ("afi", "notable"):
        finding_kind = Finding.Kind.AREA_FOR_IMPROVEMENT if kind == "afi" else Finding.Kind.NOTABLE_PRACTICE
        record.finding_add(inspection=inspection, actor=actor, kind=finding_kind, text="New.", question=subject.q1)
    elif kind == "cause":
        record.cause_of_concern_create(
            inspection=inspection, actor=actor, text="New.", recommendations=[record.RecommendationInput("Do it.")]
        )
    elif kind == "recommendation":
        item = Finding(
            inspection=inspection,
            kind=Finding.Kind.RECOMMENDATION,
            text="New.",
            cause_of_concern=subject.items["cause"],
        )
        record.record_item_save(item=item, actor=actor)
    else:
        record.finding_outcome_record(
            inspection=inspection, finding=subject.earlier_afis[1], actor=actor, outcome="addressed", note="Done."
        )


def _changed(item: Model) -> Model:
    if isinstance(item, Judgment):
        item.grade = grade("outstanding")
        item.narrative = "Changed."
    elif isinstance(item, Finding):
        item.text = "Changed."
    elif isinstance(item, FindingOutcome):
        item.outcome = "addressed"
        item.note = "Changed."
    return item


def service_change(subject: Record, kind: str, actor: User) -> None:
    record.record_item_save(item=_changed(subject.items[kind]), actor=actor)  # type: ignore[arg-type]


def service_delete(subject: Record, kind: str, actor: User) -> None:
    record.record_item_delete(item=subject.items[kind], actor=actor)  # type: ignore[arg-type]


def _admin_form_data(response: Any) -> dict[str, Any]:
    """The POST data of an admin change page as it stands: the main form and every inline's forms."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = value.isoformat() if isinstance(value, datetime.date) else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def _inspection_inline(data: dict[str, Any], model: str, field: str) -> str:
    """The prefix of the first inline form of ``model`` whose ``field`` is set."""
    for key in data:
        if key.startswith(model) and key.endswith(f"-{field}") and "__prefix__" not in key:
            return key.rsplit("-", 1)[0]
    raise AssertionError(f"No {model} inline form")


def admin_change(client: Client, subject: Record, kind: str) -> int:
    item = subject.items[kind]
    if kind == "outcome":
        url = reverse("admin:inspections_inspection_change", args=[subject.inspection.pk])
        page = client.get(url)
        data = _admin_form_data(page)
        prefix = _inspection_inline(data, "finding_outcomes", "outcome")
        data[f"{prefix}-outcome"] = "addressed"
        data[f"{prefix}-note"] = "Changed."
        return client.post(url, data).status_code
    url = reverse(f"admin:inspections_{ADMIN_MODEL[kind]}_change", args=[item.pk])
    page = client.get(url)
    if page.status_code != HTTPStatus.OK:
        return page.status_code
    data = _admin_form_data(page)
    if kind == "judgment":
        data["narrative"] = "Changed."
    else:
        data["text"] = "Changed."
    return client.post(url, data).status_code


def admin_delete(client: Client, subject: Record, kind: str) -> int:
    if kind == "outcome":
        url = reverse("admin:inspections_inspection_change", args=[subject.inspection.pk])
        data = _admin_form_data(client.get(url))
        prefix = _inspection_inline(data, "finding_outcomes", "outcome")
        data[f"{prefix}-DELETE"] = "on"
        return client.post(url, data).status_code
    url = reverse(f"admin:inspections_{ADMIN_MODEL[kind]}_delete", args=[subject.items[kind].pk])
    return client.post(url, {"post": "yes"}).status_code


def admin_add(client: Client, subject: Record, kind: str) -> int:
    inspection = subject.inspection
    if kind == "outcome":
        url = reverse("admin:inspections_inspection_change", args=[inspection.pk])
        page = client.get(url)
        data = _admin_form_data(page)
        total = int(data["finding_outcomes-TOTAL_FORMS"])
        data["finding_outcomes-TOTAL_FORMS"] = str(total + 1)
        data[f"finding_outcomes-{total}-finding"] = str(subject.earlier_afis[1].pk)
        data[f"finding_outcomes-{total}-outcome"] = "addressed"
        data[f"finding_outcomes-{total}-note"] = "Done."
        data[f"finding_outcomes-{total}-inspection"] = str(inspection.pk)
        return client.post(url, data).status_code
    url = reverse(f"admin:inspections_{ADMIN_MODEL[kind]}_add")
    data: dict[str, Any] = {"inspection": str(inspection.pk), "order": "0"}
    if kind == "judgment":
        data.update(question=str(subject.q2.pk), grade=str(grade("good").pk), narrative="New.")
    elif kind == "recommendation":
        data.update(text="New.", cause_of_concern=str(subject.items["cause"].pk))
    else:
        data["text"] = "New."
    if kind == "cause":
        data.update(
            {
                "recommendations-TOTAL_FORMS": "1",
                "recommendations-INITIAL_FORMS": "0",
                "recommendations-MIN_NUM_FORMS": "1",
                "recommendations-MAX_NUM_FORMS": "1000",
                "recommendations-0-text": "Do it.",
            }
        )
    return client.post(url, data).status_code


def workspace_add(client: Client, subject: Record, kind: str) -> int:
    """The workspace's findings page adds areas for improvement, notable practice and causes."""
    assert subject.report is not None
    url = reverse("reports:findings", args=[subject.report.pk])
    if kind == "cause":
        data = {
            "form": "cause",
            "cause-question": str(subject.q1.pk),
            "cause-text": "New.",
            "cause-recommendation": "Do it.",
        }
    else:
        data = {
            "form": "finding",
            "finding-kind": "afi" if kind == "afi" else "notable",
            "finding-question": str(subject.q1.pk),
            "finding-text": "New.",
        }
    return client.post(url, data).status_code


# --- The matrix ------------------------------------------------------------------------------------

SERVICE_DOORS: dict[str, Callable[[Record, str, User], None]] = {
    "add": service_add,
    "change": service_change,
    "delete": service_delete,
}
ADMIN_DOORS: dict[str, Callable[[Client, Record, str], int]] = {
    "add": admin_add,
    "change": admin_change,
    "delete": admin_delete,
}


def _assert_allowed_effects(subject: Record, before: tuple[Any, ...], state: str) -> None:
    after = subject.snapshot()
    assert after[:3] != before[:3], "the record should have changed"
    assert after[3] > before[3], "the change should be audited"
    if subject.report is not None:
        report = Report.objects.get(pk=subject.report.pk)
        assert report.record_version > subject.report.record_version
        if state == ReportState.APPROVED:
            assert report.state == ReportState.IN_REVIEW
            assert report.approved_revision is None
        else:
            assert report.state == state
    event = ReportEvent.objects.filter(inspection=subject.inspection, record_change=True).order_by("-pk").first()
    assert event is not None and event.subject


@pytest.mark.parametrize("door", SERVICE_DOORS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_record_services(subject: Record, state: str, kind: str, door: str, inspector: User) -> None:
    before = subject.snapshot()
    if state in FROZEN:
        with pytest.raises(WorkflowError):
            SERVICE_DOORS[door](subject, kind, inspector)
        assert subject.snapshot() == before
    else:
        SERVICE_DOORS[door](subject, kind, inspector)
        _assert_allowed_effects(subject, before, state)


@pytest.mark.parametrize("door", ADMIN_DOORS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_admin(client: Client, subject: Record, state: str, kind: str, door: str, inspector: User) -> None:
    sign_in(client, inspector)
    before = subject.snapshot()
    status = ADMIN_DOORS[door](client, subject, kind)
    if state in FROZEN:
        # A frozen recommendation's page stays open for progress updates, and an inspection's page (where
        # outcomes are) for its planning, their record read-only: the post succeeds and changes nothing.
        if kind != "outcome" and (kind, door) != ("recommendation", "change"):
            assert status != HTTPStatus.FOUND
        assert subject.snapshot() == before
    else:
        assert status == HTTPStatus.FOUND
        _assert_allowed_effects(subject, before, state)


@pytest.mark.parametrize("state", STATES[1:])  # the workspace shows a record through its report
@pytest.mark.parametrize("kind", ("afi", "notable", "cause"))
def test_the_workspace_findings_page(
    client: Client, inspector: User, lead_inspector: User, state: str, kind: str
) -> None:
    subject = Record(inspector, lead_inspector, state)
    sign_in(client, inspector)
    before = subject.snapshot()
    status = workspace_add(client, subject, kind)
    if state in FROZEN:
        assert status == HTTPStatus.FORBIDDEN
        assert subject.snapshot() == before
    else:
        assert status == HTTPStatus.FOUND
        _assert_allowed_effects(subject, before, state)


def test_someone_off_the_team_is_refused_at_every_door(
    client: Client, inspector: User, other_inspector: User, lead_inspector: User
) -> None:
    subject = Record(inspector, lead_inspector, ReportState.DRAFT)
    before = subject.snapshot()
    for door in SERVICE_DOORS.values():
        with pytest.raises(PermissionDenied):
            door(subject, "afi", other_inspector)
    sign_in(client, other_inspector)
    for admin_door in ADMIN_DOORS.values():
        assert admin_door(client, subject, "afi") != HTTPStatus.FOUND
    assert subject.snapshot() == before


def test_a_change_after_sign_off_makes_it_stale_and_shows_in_the_leads_list(
    inspector: User, lead_inspector: User
) -> None:
    from reports.selectors import sign_offs_waiting_for

    subject = Record(inspector, lead_inspector, ReportState.DRAFT)
    assert subject.report is not None
    judgment = Judgment.objects.create(
        inspection=subject.inspection, question=subject.q2, grade=grade("good"), narrative="Good."
    )
    cite_evidence(judgment, by=lead_inspector)
    Judgment.objects.create(
        inspection=subject.inspection, pillar=Pillar.objects.get(slug="legitimacy"), grade=grade("good")
    )
    services.report_sign_off_judgments(report=subject.report, actor=lead_inspector)
    assert subject.report not in sign_offs_waiting_for(lead_inspector)
    service_change(subject, "afi", inspector)
    report = Report.objects.get(pk=subject.report.pk)
    assert not report.sign_off_is_current
    assert report in sign_offs_waiting_for(lead_inspector)


def test_sign_off_is_refused_while_a_graded_question_has_no_judgment(inspector: User, lead_inspector: User) -> None:
    from django.core.exceptions import ValidationError

    subject = Record(inspector, lead_inspector, ReportState.DRAFT)
    assert subject.report is not None
    with pytest.raises(ValidationError, match="question 2"):
        services.report_sign_off_judgments(report=subject.report, actor=lead_inspector)
    assert Report.objects.get(pk=subject.report.pk).judgments_signed_off_at is None


def test_inspection_has_a_record_before_a_report(inspector: User, lead_inspector: User) -> None:
    subject = Record(inspector, lead_inspector, "no report")
    assert not Inspection.objects.get(pk=subject.inspection.pk).events.exists()
    service_change(subject, "judgment", inspector)
    event = subject.inspection.events.get()
    assert event.report is None and event.actor == inspector
    assert event.changes["narrative"] == ["Good.", "Changed."]
    assert event.changes["grade"][1].startswith("Outstanding")


def test_a_finding_others_history_refers_to_stays(client: Client, inspector: User, lead_inspector: User) -> None:
    """A later inspection recorded what became of it: it cannot be removed by any door."""
    subject = Record(inspector, lead_inspector, ReportState.DRAFT)
    earlier = subject.earlier_afis[0]  # the subject's own outcome refers to it
    earlier.inspection.team.add(inspector)
    with pytest.raises(ValidationError, match="later inspection has recorded"):
        record.record_item_delete(item=earlier, actor=inspector)
    assert Finding.objects.filter(pk=earlier.pk).exists()
    sign_in(client, inspector)
    url = reverse("admin:inspections_areaforimprovement_delete", args=[earlier.pk])
    assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Finding.objects.filter(pk=earlier.pk).exists()


def test_a_record_row_stays_with_its_inspection(inspector: User, lead_inspector: User) -> None:
    subject = Record(inspector, lead_inspector, ReportState.DRAFT)
    other = InspectionFactory(programme=ProgrammeFactory(year=2017), team=[inspector])
    afi = subject.items["afi"]
    assert isinstance(afi, Finding)
    afi.inspection = other
    afi.text = "Moved and changed."
    with pytest.raises(ValidationError, match="stays with its inspection"):
        record.record_item_save(item=afi, actor=inspector)
    assert Finding.objects.get(pk=afi.pk).inspection_id == subject.inspection.pk
