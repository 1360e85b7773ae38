"""National moderation: the programme's table, and the panel's decision on one grade."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from accounts.decorators import actor, workspace_view
from fieldwork import selectors, services
from fieldwork.forms import (
    ModerationForm,
)
from fieldwork.views.common import refusals
from inspections.models import Judgment, Programme
from inspections.selectors import case_file_audits_with_rates
from reports.errors import WorkflowError


def _may_see_moderation(user: Any) -> None:
    if not (permissions.can_moderate(user) or permissions.is_administrator(user)):
        raise PermissionDenied("Moderation is for the panel: lead inspectors and editors")


@workspace_view
def moderation(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("scale"), pk=programme_id)
    _may_see_moderation(request.user)
    questions, rows = selectors.moderation_table(programme)
    spread = selectors.grade_spread(programme)
    order = {grade.label: grade.rank for grade in selectors.grades_of(programme)}
    return render(
        request,
        "fieldwork/moderation.html",
        {
            "programme": programme,
            "questions": [
                (question, sorted(spread.get(question.pk, {}).items(), key=lambda item: order.get(item[0], 99)))
                for question in questions
            ],
            "rows": rows,
            "outstanding": sum(row.outstanding for row in rows),
        },
    )


@workspace_view
def moderate(request: HttpRequest, judgment_id: int) -> HttpResponse:
    judgment = get_object_or_404(
        Judgment.objects.select_related("inspection__force", "inspection__programme__scale", "question", "grade"),
        pk=judgment_id,
        question__isnull=False,
    )
    _may_see_moderation(request.user)
    programme = judgment.inspection.programme
    grades: QuerySet[Any] = selectors.grades_of(programme)
    form = ModerationForm(request.POST or None, grades=grades, initial={"grade": judgment.grade_id})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.grade_moderate(
                judgment=judgment,
                actor=actor(request),
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, WorkflowError) as error:
            for message in refusals(error):
                form.add_error("reason" if "why" in message.lower() else None, message)
        else:
            force = judgment.inspection.force.name
            messages.success(
                request,
                f"{force}, {judgment.question}: "
                + (f"changed to {result.decision.grade_after.label}" if result.changed else "grade confirmed"),
            )
            return redirect("fieldwork:moderation", programme_id=programme.pk)
    return render(
        request,
        "fieldwork/moderate.html",
        {
            "judgment": judgment,
            "programme": programme,
            "form": form,
            "evidence": selectors.evidence_of(judgment.inspection).filter(judgments=judgment),
            "audits": case_file_audits_with_rates(judgment.inspection, judgment.question),
            "decisions": judgment.moderation_decisions.select_related("decided_by", "grade_before", "grade_after"),
        },
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )
