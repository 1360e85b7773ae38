"""The acts added with the daily workspace, by every role, as a matrix: who may take each, and that a
refused act changes nothing. (The drafting and review acts are in tests/reports/test_views.py.)

Each act is posted by each role in turn, on a draft whose team is the inspector and whose lead is the
lead inspector; an allowed act must have its effect, a refused one must leave the record as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from fieldwork.models import ForceRequest, LiaisonLink, ModerationDecision
from inspections.evidence import Evidence
from inspections.models import Finding, InspectionDeadline, Judgment
from notifications.models import Notification
from reports.models import PartAssignment, Report, ReportEvent
from tests.factories import grade
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "inspector", "other_inspector", "lead_inspector", "editor", "administrator")


@dataclass
class World:
    report: Report
    finding: Finding
    notification: Notification
    people: dict[str, Any]
    evidence: Evidence


@dataclass(frozen=True)
class Act:
    """An act: who may take it, the POST that takes it, and what it leaves behind (a snapshot that an
    allowed act changes and a refused one does not)."""

    allowed: frozenset[str]
    post: Callable[[World], tuple[str, dict[str, Any]]]
    state: Callable[[World], object]
    answer: int = HTTPStatus.FOUND  # what an allowed act answers


TEAM = frozenset({"inspector", "lead_inspector", "administrator"})
TODAY = datetime.date.today()


def _judgment(world: World) -> Judgment:
    return world.report.inspection.judgments.filter(question__isnull=False).order_by("question__number").first()  # type: ignore[return-value]


def _deadline(world: World) -> tuple[str, dict[str, Any]]:
    url = reverse(
        "reports:deadline_change", kwargs={"inspection_id": world.report.inspection_id, "milestone": "first_draft"}
    )
    return url, {"due_on_0": "8", "due_on_1": "12", "due_on_2": "2027", "reason": "Data came late."}


ACTS: dict[str, Act] = {
    "assign parts": Act(
        frozenset({"lead_inspector", "administrator"}),
        lambda w: (
            reverse("reports:parts_assign", kwargs={"pk": w.report.pk}),
            {"summary": w.people["inspector"].pk},
        ),
        lambda w: list(PartAssignment.objects.filter(report=w.report).values_list("part", "assignee")),
    ),
    "change a deadline": Act(
        frozenset({"lead_inspector", "editor", "administrator"}),
        _deadline,
        lambda w: list(InspectionDeadline.objects.values_list("due_on", flat=True)),
    ),
    "change a finding": Act(
        frozenset({"inspector", "lead_inspector", "administrator"}),
        lambda w: (
            reverse("reports:finding_edit", kwargs={"pk": w.report.pk, "finding_id": w.finding.pk}),
            {"text": "Improve how crime is recorded, changed.", "question": w.finding.question_id or ""},
        ),
        lambda w: Finding.objects.get(pk=w.finding.pk).text,
    ),
    "remove a finding": Act(
        frozenset({"inspector", "lead_inspector", "administrator"}),
        lambda w: (reverse("reports:finding_remove", kwargs={"pk": w.report.pk, "finding_id": w.finding.pk}), {}),
        lambda w: Finding.objects.filter(pk=w.finding.pk).exists(),
    ),
    "ask for sign-off from the board": Act(
        frozenset({"editor"}),
        lambda w: (
            reverse("publishing:programme_board", kwargs={"programme_id": w.report.inspection.programme_id}),
            {"action": "sign_off", "report": [w.report.pk]},
        ),
        lambda w: ReportEvent.objects.filter(action="Sign-off requested").count(),
    ),
    "open a notification": Act(
        frozenset({"inspector"}),  # their own; to anyone else it is not there
        lambda w: (reverse("notifications:open", kwargs={"pk": w.notification.pk}), {}),
        lambda w: Notification.objects.get(pk=w.notification.pk).read_at is not None,
    ),
    "mark all notifications read": Act(
        frozenset({"inspector"}),  # anyone may, but only their own are marked: the inspector's is the one here
        lambda w: (reverse("notifications:mark_all_read"), {}),
        lambda w: Notification.objects.get(pk=w.notification.pk).read_at is not None,
    ),
    "log evidence": Act(
        TEAM,
        lambda w: (
            reverse("fieldwork:evidence", args=[w.report.inspection_id]),
            {
                "evidence-kind": "interview",
                "evidence-gathered_on_0": str(TODAY.day),
                "evidence-gathered_on_1": str(TODAY.month),
                "evidence-gathered_on_2": str(TODAY.year),
                "evidence-summary": "The chief constable on fairness.",
            },
        ),
        lambda w: Evidence.objects.filter(inspection=w.report.inspection).count(),
    ),
    "ask the force for a document": Act(
        TEAM,
        lambda w: (
            reverse("fieldwork:requests", args=[w.report.inspection_id]),
            {
                "form": "request",
                "request-title": "Policies",
                "request-due_on_0": str(TODAY.day),
                "request-due_on_1": str(TODAY.month),
                "request-due_on_2": str(TODAY.year + 1),
            },
        ),
        lambda w: ForceRequest.objects.count(),
    ),
    "make the force's link": Act(
        TEAM | {"editor"},
        lambda w: (
            reverse("fieldwork:requests", args=[w.report.inspection_id]),
            {"form": "link", "link-liaison_name": "Pat", "link-liaison_email": "pat@force.example"},
        ),
        lambda w: LiaisonLink.objects.count(),
        answer=HTTPStatus.OK,  # the page, showing the link once
    ),
    "cite evidence": Act(
        TEAM,
        lambda w: (
            reverse("reports:judgment_evidence", args=[w.report.pk, _judgment(w).question_id]),
            {"evidence": [w.evidence.pk]},
        ),
        lambda w: sorted(Evidence.objects.filter(judgments=_judgment(w)).values_list("pk", flat=True)),
    ),
    "moderate a grade": Act(
        frozenset({"lead_inspector", "editor"}),
        lambda w: (
            reverse("fieldwork:moderate", args=[_judgment(w).pk]),
            {"grade": grade("requires-improvement").pk, "reason": "As other forces."},
        ),
        lambda w: ModerationDecision.objects.count(),
    ),
    "grant a role": Act(
        frozenset({"administrator"}),
        lambda w: (
            reverse("admin:accounts_user_change", args=[w.people["other_inspector"].pk]),
            {
                "email": w.people["other_inspector"].email,
                "name": w.people["other_inspector"].name,
                "groups": [Group.objects.get(name=Role.EDITOR).pk],
                "is_active": "on",
                "is_staff": "on",
                "security_events-TOTAL_FORMS": "0",
                "security_events-INITIAL_FORMS": "0",
            },
        ),
        lambda w: sorted(w.people["other_inspector"].groups.values_list("name", flat=True)),
    ),
}


@pytest.fixture
def world(request, report) -> World:  # type: ignore[no-untyped-def]
    people = {role: request.getfixturevalue(role) for role in ROLES[1:]}
    finding = Finding.objects.create(
        inspection=report.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="Improve how crime is recorded."
    )
    notification = Notification.objects.create(
        recipient=people["inspector"], kind="assigned", key="matrix", subject="A part is yours"
    )
    evidence = Evidence.objects.create(
        inspection=report.inspection, kind="interview", gathered_on=TODAY, gathered_by=people["inspector"], summary="x"
    )
    return World(report=report, finding=finding, notification=notification, people=people, evidence=evidence)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ACTS))
def test_each_act_by_each_role(client, world: World, role: str, name: str) -> None:
    act = ACTS[name]
    before = act.state(world)
    if role != "anonymous":
        sign_in(client, world.people[role])
    url, data = act.post(world)
    response = client.post(url, data)
    after = act.state(world)
    if role in act.allowed:
        assert response.status_code == act.answer, (response.status_code, response.content[:800])
        if act.answer == HTTPStatus.FOUND:
            assert not response["Location"].startswith("/accounts/login/")
        assert after != before, f"{role} may {name}, but nothing changed"
    else:
        if role == "anonymous":
            assert response.status_code == HTTPStatus.FOUND
            assert response["Location"].startswith(
                ("/accounts/login/", "/admin/login/")
            )  # the latter leads to the former
        elif name == "mark all notifications read":
            assert response.status_code == HTTPStatus.FOUND  # their own, of which there are none
        elif name.startswith("grant"):
            assert response.status_code == HTTPStatus.FORBIDDEN
        else:
            assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND), response.status_code
        assert after == before, f"{role} may not {name}, yet it changed"
