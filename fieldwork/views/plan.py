"""The plan page and the staff's own declared links with forces."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from accounts.decorators import actor, workspace_view
from accounts.models import User
from fieldwork import selectors, services
from fieldwork.forms import (
    ConflictForm,
    PhaseForm,
    TeamMemberForm,
)
from fieldwork.models import ConflictDeclaration, TeamRole
from fieldwork.views.common import case_file_context, inspection_or_404, refusals
from inspections.models import Force
from inspectorate.ids import id_or_400
from reports.errors import WorkflowError
from reports.views.common import validation_messages


@workspace_view
def plan(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = inspection_or_404(request, inspection_id)
    people = User.objects.filter(is_active=True, groups__name__in=["Inspector", "Lead inspector"]).distinct()
    phase_form = PhaseForm(prefix="phase")
    team_form = TeamMemberForm(prefix="team", people=people)
    errors: list[str] = []
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "phase":
                phase_form = PhaseForm(request.POST, prefix="phase")
                if phase_form.is_valid():
                    data = phase_form.cleaned_data
                    services.phase_set(
                        inspection=inspection,
                        actor=actor(request),
                        kind=data["kind"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                    )
                    messages.success(request, "The plan is saved")
                    return redirect(request.path)
            elif which == "team":
                team_form = TeamMemberForm(request.POST, prefix="team", people=people)
                if team_form.is_valid():
                    person = team_form.cleaned_data["person"]
                    services.team_member_add(
                        inspection=inspection, actor=actor(request), person=person, role=team_form.cleaned_data["role"]
                    )
                    messages.success(request, f"{person} is on the team")
                    return redirect(request.path)
            elif which == "remove":
                person = get_object_or_404(User, pk=id_or_400(request.POST.get("person")))
                services.team_member_remove(inspection=inspection, actor=actor(request), person=person)
                messages.success(request, f"{person} is no longer on the team")
                return redirect(request.path)
            else:
                errors = ["Choose what to change"]
        except (ValidationError, WorkflowError) as error:
            errors = refusals(error)
    roles = {role.person_id: role for role in TeamRole.objects.filter(inspection=inspection)}
    team = [(person, roles.get(person.pk)) for person in inspection.team.order_by("name")]
    return render(
        request,
        "fieldwork/plan.html",
        case_file_context(
            request,
            inspection,
            "plan",
            phases=inspection.phases.all(),
            team=team,
            conflicts=selectors.conflicts_on_inspection(inspection),
            phase_form=phase_form,
            team_form=team_form,
            may_choose_team=permissions.is_administrator(request.user)
            or inspection.lead_inspector_id == request.user.pk,
            errors=errors,
        ),
        status=HTTPStatus.BAD_REQUEST if (errors or phase_form.errors or team_form.errors) else HTTPStatus.OK,
    )


@workspace_view
def conflicts(request: HttpRequest) -> HttpResponse:
    """The signed-in person's declared links with forces, and a form to declare another."""
    person = actor(request)
    form = ConflictForm(request.POST or None, forces=Force.objects.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_declare(
                person=person,
                actor=person,
                force_id=data["force"].pk,
                kind=data["kind"],
                served_until=data["served_until"],
                detail=data["detail"],
            )
        except ValidationError as error:
            for message in validation_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"Your link with {data['force']} is declared")
            return redirect(request.path)
    declared = ConflictDeclaration.objects.filter(person=person).select_related("force")
    return render(
        request,
        "fieldwork/conflicts.html",
        {"form": form, "declared": declared},
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )
